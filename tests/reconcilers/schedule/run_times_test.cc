// Run times of cron schedules in real time zones (the system tz database), across daylight
// saving changes, and missed-run accounting after the controller was away.
#include "reconcilers/schedule/run_times.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/object/kube_time.h"

namespace upkeep::schedule {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;

TimePoint At(const char* rfc3339) { return *controller::ParseRfc3339(rfc3339); }
std::string Str(std::optional<TimePoint> t) {
  return t ? controller::FormatRfc3339(*t) : "never";
}
api::Schedule Cron(const char* text) {
  auto parsed = api::ParseSchedule(text);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return *parsed;
}
TimeZone Zone(const char* name) {
  auto zone = TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : TimeZone::Utc();
}

// The next `n` runs after `after`, as UTC strings.
std::vector<std::string> Runs(const char* cron, const char* zone, const char* after, int n) {
  std::vector<std::string> runs;
  std::optional<TimePoint> t = At(after);
  for (int i = 0; i < n; ++i) {
    t = NextRunAfter(Cron(cron), Zone(zone), *t);
    runs.push_back(Str(t));
    if (!t) break;
  }
  return runs;
}

struct RunCase {
  const char* what;
  const char* cron;
  const char* zone;
  const char* after;
  std::vector<std::string> runs;
};

class RunTimesTest : public ::testing::TestWithParam<RunCase> {};

TEST_P(RunTimesTest, NextRuns) {
  const RunCase& c = GetParam();
  EXPECT_EQ(Runs(c.cron, c.zone, c.after, static_cast<int>(c.runs.size())), c.runs) << c.what;
}

INSTANTIATE_TEST_SUITE_P(
    Schedules, RunTimesTest,
    ::testing::Values(
        RunCase{"daily in UTC; a run exactly at `after` is not next", "0 3 * * *", "",
                "2026-12-01T03:00:00Z", {"2026-12-02T03:00:00Z", "2026-12-03T03:00:00Z"}},
        RunCase{"seconds of `after` are ignored for the minute", "*/5 * * * *", "UTC",
                "2026-12-01T03:04:59.5Z", {"2026-12-01T03:05:00Z", "2026-12-01T03:10:00Z"}},
        RunCase{"daily in Berlin is 02:30 local, winter then summer", "30 2 * * *",
                "Europe/Berlin", "2027-03-26T12:00:00Z",
                // CET 02:30 = 01:30Z; on the 28th 02:30 does not exist: at the jump (01:00Z);
                // then CEST 02:30 = 00:30Z. Once every day.
                {"2027-03-27T01:30:00Z", "2027-03-28T01:00:00Z", "2027-03-29T00:30:00Z"}},
        RunCase{"daily at a time that happens twice runs once, at the first", "30 2 * * *",
                "Europe/Berlin", "2027-10-30T12:00:00Z",
                {"2027-10-31T00:30:00Z", "2027-11-01T01:30:00Z"}},
        RunCase{"hourly keeps running every real hour when the clock goes back", "0 * * * *",
                "Europe/Berlin", "2027-10-30T21:30:00Z",
                {"2027-10-30T22:00:00Z", "2027-10-30T23:00:00Z", "2027-10-31T00:00:00Z",
                 "2027-10-31T01:00:00Z", "2027-10-31T02:00:00Z"}},
        RunCase{"every 15 minutes across the spring gap in New York", "*/15 * * * *",
                "America/New_York", "2027-03-14T06:40:00Z",
                // 01:45 EST, then 02:00-02:45 do not exist: one run at the jump, 03:00 EDT.
                {"2027-03-14T06:45:00Z", "2027-03-14T07:00:00Z", "2027-03-14T07:15:00Z"}},
        RunCase{"day of month or day of week when both are given", "0 0 13 * 5", "",
                "2026-11-30T00:00:00Z",
                {"2026-12-04T00:00:00Z", "2026-12-11T00:00:00Z", "2026-12-13T00:00:00Z",
                 "2026-12-18T00:00:00Z"}},
        RunCase{"leap day only", "0 12 29 2 *", "Asia/Tokyo", "2026-11-30T00:00:00Z",
                {"2028-02-29T03:00:00Z"}},
        RunCase{"never", "0 0 30 2 *", "", "2026-11-30T00:00:00Z", {"never"}},
        RunCase{"monthly on the 31st skips short months", "0 1 31 * *", "", "2027-01-31T02:00:00Z",
                {"2027-03-31T01:00:00Z", "2027-05-31T01:00:00Z"}}));

TEST(RunTimes, EveryIsAnIntervalAfterThePreviousRunWhateverTheZone) {
  EXPECT_EQ(Str(NextRunAfter(Cron("@every 90m"), Zone("Europe/Berlin"),
                             At("2027-10-31T00:15:00Z"))),
            "2027-10-31T01:45:00Z");
}

TEST(RunTimes, UnknownTimeZoneIsNamed) {
  auto zone = TimeZone::Load("Mars/Olympus_Mons");
  ASSERT_FALSE(zone.ok());
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(zone.status().message(), HasSubstr("Mars/Olympus_Mons"));
  EXPECT_EQ(Zone("Europe/Berlin").name(), "Europe/Berlin");
}

TEST(DueAt, AControllerAwayRunsTheMostRecentAndCountsTheRestMissed) {
  // Daily at 03:00; the last run was Nov 1; back on Nov 5 at noon.
  DueRuns due = DueAt(Cron("0 3 * * *"), TimeZone::Utc(), At("2026-11-01T03:00:00Z"),
                      At("2026-11-05T12:00:00Z"), std::nullopt);
  EXPECT_EQ(Str(due.run), "2026-11-05T03:00:00Z");
  EXPECT_EQ(due.missed, 3);  // Nov 2, 3, 4
  EXPECT_EQ(Str(due.next), "2026-11-06T03:00:00Z");
}

TEST(DueAt, TheMostRecentPastTheStartingDeadlineIsMissedToo) {
  DueRuns late = DueAt(Cron("0 3 * * *"), TimeZone::Utc(), At("2026-11-01T03:00:00Z"),
                       At("2026-11-05T12:00:00Z"), 1h);
  EXPECT_FALSE(late.run.has_value());
  EXPECT_EQ(late.missed, 4);
  EXPECT_EQ(Str(late.latest), "2026-11-05T03:00:00Z");  // counted: not to be counted again
  DueRuns in_time = DueAt(Cron("0 3 * * *"), TimeZone::Utc(), At("2026-11-01T03:00:00Z"),
                          At("2026-11-05T12:00:00Z"), 10h);
  EXPECT_EQ(Str(in_time.run), "2026-11-05T03:00:00Z");
  EXPECT_EQ(in_time.missed, 3);
}

TEST(DueAt, ARestartAfterTheRunNeitherRunsItAgainNorSkipsTheNext) {
  const api::Schedule daily = Cron("0 3 * * *");
  // Recorded as run at 03:00; the controller restarts at 03:00:30 and again the next day.
  DueRuns again = DueAt(daily, TimeZone::Utc(), At("2026-11-05T03:00:00Z"),
                        At("2026-11-05T03:00:30Z"), std::nullopt);
  EXPECT_FALSE(again.run.has_value());
  EXPECT_EQ(again.missed, 0);
  EXPECT_EQ(Str(again.next), "2026-11-06T03:00:00Z");
  DueRuns next_day = DueAt(daily, TimeZone::Utc(), At("2026-11-05T03:00:00Z"),
                           At("2026-11-06T03:00:00Z"), std::nullopt);
  EXPECT_EQ(Str(next_day.run), "2026-11-06T03:00:00Z");  // due exactly now
  EXPECT_EQ(next_day.missed, 0);
}

TEST(DueAt, AWeekOfMinutelyRunsIsCountedUpToTheCapAndStillFindsTheLatest) {
  DueRuns due = DueAt(Cron("* * * * *"), Zone("Europe/Berlin"), At("2026-11-23T12:00:00Z"),
                      At("2026-11-30T12:00:30Z"), std::nullopt);
  EXPECT_EQ(Str(due.run), "2026-11-30T12:00:00Z");
  EXPECT_EQ(due.missed, kMaxCountedMissed);
  EXPECT_EQ(Str(due.next), "2026-11-30T12:01:00Z");
}

TEST(DueAt, EveryCountsIntervalsArithmetically) {
  DueRuns due = DueAt(Cron("@every 1s"), TimeZone::Utc(), At("2026-11-23T12:00:00Z"),
                      At("2026-11-30T12:00:00.5Z"), std::nullopt);
  EXPECT_EQ(Str(due.run), "2026-11-30T12:00:00Z");
  EXPECT_EQ(due.missed, kMaxCountedMissed);
  EXPECT_EQ(Str(due.next), "2026-11-30T12:00:01Z");
  DueRuns none = DueAt(Cron("@every 1h"), TimeZone::Utc(), At("2026-11-30T12:00:00Z"),
                       At("2026-11-30T12:59:59Z"), std::nullopt);
  EXPECT_FALSE(none.run.has_value());
  EXPECT_EQ(Str(none.next), "2026-11-30T13:00:00Z");
}

}  // namespace
}  // namespace upkeep::schedule
