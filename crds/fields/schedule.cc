#include "crds/fields/schedule.h"

#include <array>
#include <cctype>
#include <system_error>
#include <string>
#include <vector>

#include <charconv>

#include "crds/fields/duration.h"

namespace upkeep::api {
namespace {

// Debian's Abseil has its own string_view type, so these few string helpers are local.
std::vector<std::string_view> Split(std::string_view text, char sep, bool skip_empty) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(sep, start);
    if (end == std::string_view::npos) end = text.size();
    if (!skip_empty || end > start) out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

std::string_view Trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

bool ToInt(std::string_view text, int* out) {
  if (text.empty()) return false;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size();
}

std::string Str(std::string_view v) { return std::string(v); }

struct FieldSpec {
  const char* name;
  int min;
  int max;
  std::vector<std::string_view> names;  // names[i] means min + i
};

const std::array<FieldSpec, 5>& Fields() {
  static const std::array<FieldSpec, 5> kFields = {{
      {"minute", 0, 59, {}},
      {"hour", 0, 23, {}},
      {"day-of-month", 1, 31, {}},
      {"month", 1, 12,
       {"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}},
      {"day-of-week", 0, 7, {"sun", "mon", "tue", "wed", "thu", "fri", "sat"}},
  }};
  return kFields;
}

absl::Status FieldError(const FieldSpec& f, std::string_view text, std::string_view why) {
  return absl::InvalidArgumentError(std::string(f.name) + " field \"" + Str(text) + "\": " +
                                    Str(why));
}

absl::StatusOr<int> Value(const FieldSpec& f, std::string_view whole, std::string_view text) {
  int v = 0;
  if (ToInt(text, &v)) {
    if (v < f.min || v > f.max) {
      return FieldError(f, whole, "out of range " + std::to_string(f.min) + "-" +
                                      std::to_string(f.max));
    }
    return v;
  }
  std::string lower = Str(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < f.names.size(); ++i) {
    if (lower == f.names[i]) return f.min + static_cast<int>(i);
  }
  return FieldError(f, whole, "\"" + Str(text) + "\" is not a number");
}

// Sets the bits of one field ("1-5", "*/15", "mon,wed,fri") in `bits` (index = value).
absl::Status ParseField(const FieldSpec& f, std::string_view text, std::vector<bool>& bits,
                        bool* restricted) {
  *restricted = !(text == "*" || text == "?");
  for (std::string_view part : Split(text, ',', /*skip_empty=*/false)) {
    if (part.empty()) return FieldError(f, text, "empty list item");
    int step = 1;
    std::string_view range = part;
    if (size_t slash = part.find('/'); slash != std::string_view::npos) {
      range = part.substr(0, slash);
      if (!ToInt(part.substr(slash + 1), &step) || step <= 0) {
        return FieldError(f, text, "step must be a positive number");
      }
    }
    int low = f.min;
    int high = f.max;
    if (range == "*" || range == "?") {
      if (f.max == 7) high = 6;  // "*" in day-of-week is Sunday..Saturday once
    } else if (size_t dash = range.find('-'); dash != std::string_view::npos) {
      absl::StatusOr<int> a = Value(f, text, range.substr(0, dash));
      if (!a.ok()) return a.status();
      absl::StatusOr<int> b = Value(f, text, range.substr(dash + 1));
      if (!b.ok()) return b.status();
      low = *a;
      high = *b;
      if (low > high) return FieldError(f, text, "range start is after its end");
    } else {
      absl::StatusOr<int> a = Value(f, text, range);
      if (!a.ok()) return a.status();
      low = *a;
      // "5/15" means from 5 to the end in steps of 15, as in Vixie cron.
      high = part.find('/') != std::string_view::npos ? f.max : *a;
    }
    for (int v = low; v <= high; v += step) bits[v] = true;
  }
  return absl::OkStatus();
}

std::string_view Macro(std::string_view text) {
  if (text == "@yearly" || text == "@annually") return "0 0 1 1 *";
  if (text == "@monthly") return "0 0 1 * *";
  if (text == "@weekly") return "0 0 * * 0";
  if (text == "@daily" || text == "@midnight") return "0 0 * * *";
  if (text == "@hourly") return "0 * * * *";
  return {};
}

}  // namespace

absl::StatusOr<Schedule> ParseSchedule(std::string_view text) {
  Schedule s;
  s.text = std::string(text);
  std::string_view trimmed = Trim(text);
  if (trimmed.substr(0, 6) == "@every") {
    std::string_view rest = Trim(trimmed.substr(6));
    absl::StatusOr<std::chrono::nanoseconds> d = ParseDuration(rest);
    if (!d.ok()) return d.status();
    if (d->count() <= 0) return absl::InvalidArgumentError("@every needs a positive duration");
    s.is_interval = true;
    s.interval = *d;
    return s;
  }
  std::string_view cron = trimmed;
  if (!trimmed.empty() && trimmed.front() == '@') {
    cron = Macro(trimmed);
    if (cron.empty()) {
      return absl::InvalidArgumentError(
          "unknown macro \"" + Str(trimmed) +
          "\" (one of @yearly, @monthly, @weekly, @daily, @hourly, @every <duration>)");
    }
  }
  std::vector<std::string_view> parts = Split(cron, ' ', /*skip_empty=*/true);
  if (parts.size() != 5) {
    return absl::InvalidArgumentError(
        "expected 5 fields (minute hour day-of-month month day-of-week), found " +
        std::to_string(parts.size()));
  }
  std::array<std::vector<bool>, 5> bits;
  std::array<bool, 5> restricted{};
  for (size_t i = 0; i < 5; ++i) {
    bits[i].assign(Fields()[i].max + 1, false);
    if (absl::Status st = ParseField(Fields()[i], parts[i], bits[i], &restricted[i]); !st.ok()) {
      return st;
    }
  }
  for (int v = 0; v < 60; ++v) s.minutes[v] = bits[0][v];
  for (int v = 0; v < 24; ++v) s.hours[v] = bits[1][v];
  for (int v = 1; v <= 31; ++v) s.days_of_month[v] = bits[2][v];
  for (int v = 1; v <= 12; ++v) s.months[v] = bits[3][v];
  for (int v = 0; v <= 7; ++v) {
    if (bits[4][v]) s.days_of_week[v % 7] = true;  // 7 is Sunday too
  }
  s.day_of_month_restricted = restricted[2];
  s.day_of_week_restricted = restricted[4];
  return s;
}

}  // namespace upkeep::api
