// Schedules as API.md spells them: 5-field cron ("0 3 * * *", with lists, ranges, steps and
// month/day names), the macros @hourly @daily @midnight @weekly @monthly @yearly @annually,
// and "@every <duration>". This is the parsed form; computing run times (time zones, DST)
// belongs to the scheduler that uses it. Value type; pure functions; thread-safe.
#pragma once

#include <bitset>
#include <chrono>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::api {

// The pattern the CRDs use to reject obvious garbage early; ParseSchedule has the last word.
inline constexpr char kSchedulePattern[] =
    R"(^(@(yearly|annually|monthly|weekly|daily|midnight|hourly)|@every [0-9].*|[^ @]+( +[^ ]+){4})$)";

struct Schedule {
  std::string text;
  // "@every": a fixed interval (> 0); the cron fields are unused.
  bool is_interval = false;
  std::chrono::nanoseconds interval{0};
  std::bitset<60> minutes;
  std::bitset<24> hours;
  std::bitset<32> days_of_month;  // bit 0 unused
  std::bitset<13> months;         // bit 0 unused
  std::bitset<7> days_of_week;    // 0 = Sunday
  // Cron's rule: when both day fields are restricted, a day matching either runs.
  bool day_of_month_restricted = false;
  bool day_of_week_restricted = false;
};

// InvalidArgument names the field that is wrong ("minute field \"61\": out of range 0-59").
absl::StatusOr<Schedule> ParseSchedule(std::string_view text);

}  // namespace upkeep::api
