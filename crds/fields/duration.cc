#include "crds/fields/duration.h"

#include <cmath>
#include <limits>
#include <utility>

#include <absl/strings/str_cat.h>

namespace upkeep::api {
namespace {

using std::chrono::nanoseconds;

// Nanoseconds per unit, as Go's unitMap, plus "d".
bool UnitNanos(std::string_view unit, long double* nanos) {
  static const std::pair<std::string_view, long double> kUnits[] = {
      {"ns", 1.0L},          {"us", 1e3L},           {"\xC2\xB5s", 1e3L},  // µs
      {"ms", 1e6L},          {"s", 1e9L},            {"m", 60e9L},
      {"h", 3600e9L},        {"d", 86400e9L},
  };
  for (const auto& [name, value] : kUnits) {
    if (unit == name) {
      *nanos = value;
      return true;
    }
  }
  return false;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

absl::Status Invalid(std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError("invalid duration \"" + std::string(text) + "\": " +
                                    std::string(why));
}

}  // namespace

absl::StatusOr<nanoseconds> ParseDuration(std::string_view text) {
  if (text == "0") return nanoseconds(0);
  if (text.empty()) return Invalid(text, "empty");
  if (text[0] == '-') return Invalid(text, "must not be negative");
  if (text[0] == '+') text.remove_prefix(1);
  long double total = 0;
  size_t i = 0;
  const std::string_view original = text;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && IsDigit(text[i])) ++i;
    size_t int_end = i;
    size_t frac_end = i;
    if (i < text.size() && text[i] == '.') {
      ++i;
      while (i < text.size() && IsDigit(text[i])) ++i;
      frac_end = i;
    }
    // Digits on both sides of a '.', as the CRDs' pattern requires.
    if (int_end == start || (frac_end != int_end && frac_end == int_end + 1)) {
      return Invalid(original, "expected a number, as in \"90s\", \"1h30m\" or \"30d\"");
    }
    long double number = std::stold(std::string(text.substr(start, frac_end - start)));
    size_t unit_start = i;
    while (i < text.size() && !IsDigit(text[i]) && text[i] != '.') ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    long double per_unit = 0;
    if (unit.empty()) {
      return Invalid(original, "missing unit (one of ns, us, ms, s, m, h, d)");
    }
    if (!UnitNanos(unit, &per_unit)) {
      return Invalid(original, "unknown unit \"" + std::string(unit) +
                                    "\" (one of ns, us, ms, s, m, h, d)");
    }
    total += number * per_unit;
    if (total > static_cast<long double>(std::numeric_limits<int64_t>::max())) {
      return Invalid(original, "too long");
    }
  }
  return nanoseconds(static_cast<int64_t>(std::llround(total)));
}

std::string FormatDuration(nanoseconds d) {
  int64_t n = d.count();
  if (n == 0) return "0s";
  std::string out;
  if (n < 0) {
    out = "-";
    n = -n;
  }
  if (n < 1'000'000'000) {
    if (n % 1'000'000 == 0) return absl::StrCat(out, n / 1'000'000, "ms");
    if (n % 1'000 == 0) return absl::StrCat(out, n / 1'000, "us");
    return absl::StrCat(out, n, "ns");
  }
  int64_t hours = n / 3'600'000'000'000;
  n %= 3'600'000'000'000;
  int64_t minutes = n / 60'000'000'000;
  n %= 60'000'000'000;
  if (hours > 0) absl::StrAppend(&out, hours, "h");
  if (hours > 0 || minutes > 0) absl::StrAppend(&out, minutes, "m");
  int64_t seconds = n / 1'000'000'000;
  int64_t fraction = n % 1'000'000'000;
  if (fraction == 0) {
    absl::StrAppend(&out, seconds, "s");
  } else {
    std::string digits = std::to_string(1'000'000'000 + fraction).substr(1);
    while (!digits.empty() && digits.back() == '0') digits.pop_back();
    absl::StrAppend(&out, seconds, ".", digits, "s");
  }
  // Go prints "2h0m0s"; trim the zero tail for readability ("720h", "1h30m").
  for (std::string_view zero_tail : {"m0s", "h0m"}) {
    if (out.size() > zero_tail.size() &&
        std::string_view(out).substr(out.size() - zero_tail.size()) == zero_tail) {
      out.resize(out.size() - zero_tail.size() + 1);
    }
  }
  return out;
}

absl::StatusOr<int64_t> ParseByteQuantity(std::string_view text) {
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError("invalid quantity \"" + std::string(text) + "\": " +
                                      std::string(why));
  };
  size_t i = 0;
  while (i < text.size() && (IsDigit(text[i]) || text[i] == '.')) ++i;
  std::string_view number = text.substr(0, i);
  std::string_view suffix = text.substr(i);
  if (number.empty() || number.front() == '.' || number.back() == '.' ||
      number.find('.') != number.rfind('.')) {
    return invalid("expected a number of bytes, as in \"50Mi\", \"1G\" or \"1024\"");
  }
  long double multiplier = 1;
  if (suffix.empty()) {
  } else if (suffix[0] == 'e' || suffix[0] == 'E') {
    std::string_view exponent = suffix.substr(1);
    if (exponent.empty() || exponent.size() > 2) return invalid("bad exponent");
    for (char c : exponent) {
      if (!IsDigit(c)) return invalid("bad exponent");
    }
    multiplier = std::pow(10.0L, std::stoi(std::string(exponent)));
  } else {
    static const std::pair<std::string_view, long double> kSuffixes[] = {
        {"k", 1e3L},  {"M", 1e6L},  {"G", 1e9L},  {"T", 1e12L}, {"P", 1e15L}, {"E", 1e18L},
        {"Ki", 1024.0L}, {"Mi", 1048576.0L}, {"Gi", 1073741824.0L},
        {"Ti", 1099511627776.0L}, {"Pi", 1125899906842624.0L}, {"Ei", 1152921504606846976.0L},
    };
    bool found = false;
    for (const auto& [name, value] : kSuffixes) {
      if (suffix == name) {
        multiplier = value;
        found = true;
      }
    }
    if (!found) {
      return invalid("unknown suffix \"" + std::string(suffix) +
                     "\" (one of Ki, Mi, Gi, Ti, Pi, Ei, k, M, G, T, P, E)");
    }
  }
  long double bytes = std::ceil(std::stold(std::string(number)) * multiplier);
  if (bytes > static_cast<long double>(std::numeric_limits<int64_t>::max())) {
    return invalid("too large");
  }
  return static_cast<int64_t>(bytes);
}

}  // namespace upkeep::api
