#include "controller/object/kube_time.h"

#include <chrono>
#include <cstdio>

#include <absl/strings/str_cat.h>

namespace upkeep::controller {
namespace {

using std::chrono::floor;

// "YYYY-MM-DDTHH:MM:SS" of `t` in UTC, followed by `fraction_digits` digits of its sub-second
// part when non-zero.
std::string FormatUtc(Clock::TimePoint t, int fraction_digits) {
  const auto day = floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(floor<std::chrono::microseconds>(t - day));
  char buf[64];
  int n = std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d", int(ymd.year()),
                        unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                        int(hms.minutes().count()), int(hms.seconds().count()));
  if (fraction_digits == 6) {
    std::snprintf(buf + n, sizeof(buf) - n, ".%06d", int(hms.subseconds().count()));
  }
  return absl::StrCat(buf, "Z");
}

// Reads exactly `width` decimal digits at `pos`; false if they are not all digits.
bool ReadDigits(std::string_view text, size_t& pos, size_t width, int& value) {
  if (pos + width > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < width; ++i) {
    char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  pos += width;
  return true;
}

bool Expect(std::string_view text, size_t& pos, char c) {
  if (pos >= text.size() || text[pos] != c) return false;
  ++pos;
  return true;
}

}  // namespace

std::string FormatRfc3339(Clock::TimePoint t) { return FormatUtc(t, 0); }

std::string FormatRfc3339Micro(Clock::TimePoint t) { return FormatUtc(t, 6); }

absl::StatusOr<Clock::TimePoint> ParseRfc3339(std::string_view text) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text), "\" is not an RFC 3339 timestamp"));
  };
  size_t pos = 0;
  int year, month, day, hour, minute, second;
  if (!ReadDigits(text, pos, 4, year) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, month) || !Expect(text, pos, '-') ||
      !ReadDigits(text, pos, 2, day)) {
    return invalid();
  }
  if (pos >= text.size() || (text[pos] != 'T' && text[pos] != 't')) return invalid();
  ++pos;
  if (!ReadDigits(text, pos, 2, hour) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, minute) || !Expect(text, pos, ':') ||
      !ReadDigits(text, pos, 2, second)) {
    return invalid();
  }
  // Nanoseconds of the fraction; digits past the ninth are ignored.
  int64_t nanos = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 9) {
        nanos = nanos * 10 + (text[pos] - '0');
        ++digits;
      }
      ++pos;
    }
    if (digits == 0) return invalid();
    for (size_t i = digits; i < 9; ++i) nanos *= 10;
  }
  int offset_minutes = 0;
  if (pos < text.size() && (text[pos] == 'Z' || text[pos] == 'z')) {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    const int sign = text[pos] == '-' ? -1 : 1;
    ++pos;
    int off_h, off_m;
    if (!ReadDigits(text, pos, 2, off_h) || !Expect(text, pos, ':') ||
        !ReadDigits(text, pos, 2, off_m) || off_h > 23 || off_m > 59) {
      return invalid();
    }
    offset_minutes = sign * (off_h * 60 + off_m);
  } else {
    return invalid();
  }
  if (pos != text.size()) return invalid();

  const std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                        std::chrono::day(day)};
  // RFC 3339 allows a leap second (60); like Go, it is rejected.
  if (!ymd.ok() || hour > 23 || minute > 59 || second > 59) return invalid();
  auto t = std::chrono::sys_days(ymd) + std::chrono::hours(hour) +
           std::chrono::minutes(minute - offset_minutes) + std::chrono::seconds(second) +
           std::chrono::nanoseconds(nanos);
  return std::chrono::time_point_cast<Clock::Duration>(t);
}

}  // namespace upkeep::controller
