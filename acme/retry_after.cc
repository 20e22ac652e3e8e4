#include "acme/retry_after.h"

#include <array>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace upkeep::acme {
namespace {

constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                 "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
// Far beyond any sensible wait; a bigger delta is treated as malformed (and cannot overflow).
constexpr long long kMaxDeltaSeconds = 10LL * 365 * 24 * 3600;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int MonthNumber(std::string_view name) {
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (name == kMonths[i]) return static_cast<int>(i) + 1;
  }
  return 0;
}

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

// "08:49:37" → seconds into the day.
std::optional<int> ParseClock(std::string_view s) {
  int h = 0, m = 0, sec = 0;
  if (s.size() != 8 || s[2] != ':' || s[5] != ':' || !ParseInt(s.substr(0, 2), h) ||
      !ParseInt(s.substr(3, 2), m) || !ParseInt(s.substr(6, 2), sec) || h > 23 || m > 59 ||
      sec > 60) {
    return std::nullopt;
  }
  return h * 3600 + m * 60 + sec;
}

std::optional<std::chrono::system_clock::time_point> MakeTime(int year, int month, int day,
                                                              int seconds_of_day) {
  using namespace std::chrono;
  year_month_day ymd{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                     std::chrono::day(static_cast<unsigned>(day))};
  if (!ymd.ok()) return std::nullopt;
  return system_clock::time_point(sys_days(ymd)) + seconds(seconds_of_day);
}

// Splits on runs of spaces (asctime pads single-digit days with a second space).
std::vector<std::string_view> Words(std::string_view s) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && s[i] == ' ') ++i;
    size_t start = i;
    while (i < s.size() && s[i] != ' ') ++i;
    if (i > start) words.push_back(s.substr(start, i - start));
  }
  return words;
}

std::optional<std::chrono::system_clock::time_point> ParseHttpDate(std::string_view s) {
  std::vector<std::string_view> w = Words(s);
  int day = 0, year = 0;
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  if (w.size() == 6 && w[0].size() == 4 && w[0].back() == ',' && w[5] == "GMT") {
    int month = MonthNumber(w[2]);
    auto clock = ParseClock(w[4]);
    if (month == 0 || !clock || !ParseInt(w[1], day) || !ParseInt(w[3], year)) return {};
    return MakeTime(year, month, day, *clock);
  }
  // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; two-digit years within 50 years of now read
  // as the 1900s or 2000s (RFC 9110 §5.6.7); all such dates are long past for a Retry-After.
  if (w.size() == 4 && w[0].back() == ',' && w[3] == "GMT" && w[1].size() == 9 && w[1][2] == '-' &&
      w[1][6] == '-') {
    int month = MonthNumber(w[1].substr(3, 3));
    auto clock = ParseClock(w[2]);
    if (month == 0 || !clock || !ParseInt(w[1].substr(0, 2), day) ||
        !ParseInt(w[1].substr(7, 2), year)) {
      return {};
    }
    year += year < 70 ? 2000 : 1900;
    return MakeTime(year, month, day, *clock);
  }
  // asctime: "Sun Nov  6 08:49:37 1994"
  if (w.size() == 5) {
    int month = MonthNumber(w[1]);
    auto clock = ParseClock(w[3]);
    if (month == 0 || !clock || !ParseInt(w[2], day) || !ParseInt(w[4], year)) return {};
    return MakeTime(year, month, day, *clock);
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value,
                                                    std::chrono::system_clock::time_point now) {
  value = Trim(value);
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    long long seconds = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), seconds);
    if (ec != std::errc() || end != value.data() + value.size() || seconds > kMaxDeltaSeconds) {
      return std::nullopt;
    }
    return std::chrono::seconds(seconds);
  }
  auto when = ParseHttpDate(value);
  if (!when.has_value()) return std::nullopt;
  if (*when <= now) return std::chrono::seconds(0);
  return std::chrono::ceil<std::chrono::seconds>(*when - now);
}

}  // namespace upkeep::acme
