// Retention decisions: each keep rule alone and combined, the backups that are always kept,
// maxAge, calendar periods in a time zone (ISO weeks, days with 23 and 25 hours), input order;
// and a year of simulated daily runs pruned after every run as the controller does, ending
// with exactly the backups the policy promises.
#include "backup/retention.h"

#include <date/date.h>
#include <date/iso_week.h>
#include <date/tz.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <sstream>

#include "controller/object/kube_time.h"
#include "crds/fields/duration.h"

namespace upkeep::backup {
namespace {

using namespace std::chrono_literals;
using api::v1alpha1::RetentionPolicy;
using TimePoint = std::chrono::system_clock::time_point;

TimePoint At(const char* rfc3339) {
  auto t = controller::ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339 << ": " << t.status();
  return t.ok() ? *t : TimePoint();
}
schedule::TimeZone Zone(const std::string& name) {
  auto zone = schedule::TimeZone::Load(name);
  EXPECT_TRUE(zone.ok()) << zone.status();
  return zone.ok() ? *zone : schedule::TimeZone::Utc();
}

// "last=7 daily=30 maxAge=400d": the API's field names, so table rows read like the spec.
RetentionPolicy Policy(const std::string& spec) {
  RetentionPolicy p;
  std::istringstream in(spec);
  std::string item;
  while (in >> item) {
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = item.substr(eq + 1);
    if (key == "maxAge") {
      auto d = api::ParseDuration(value);
      EXPECT_TRUE(d.ok()) << d.status();
      p.max_age = d.ok() ? *d : 0ns;
      continue;
    }
    const std::map<std::string, int64_t*> counts = {
        {"last", &p.keep_last},     {"hourly", &p.keep_hourly},   {"daily", &p.keep_daily},
        {"weekly", &p.keep_weekly}, {"monthly", &p.keep_monthly}, {"yearly", &p.keep_yearly}};
    auto count = counts.find(key);
    if (count == counts.end()) {
      ADD_FAILURE() << "unknown key " << key;
      continue;
    }
    *count->second = std::stoll(value);
  }
  return p;
}

// "b3 kept: last, newest" / "b1 deleted: no rule selected it".
std::string Describe(const RetentionDecision& d) {
  std::string out = d.id + (d.keep ? " kept: " : " deleted: ");
  for (size_t i = 0; i < d.reasons.size(); ++i) out += (i ? ", " : "") + d.reasons[i];
  return out;
}
std::vector<std::string> Describe(const std::vector<RetentionDecision>& decisions) {
  std::vector<std::string> out;
  for (const RetentionDecision& d : decisions) out.push_back(Describe(d));
  return out;
}

struct Backup {
  const char* id;
  const char* completed;  // RFC 3339
  bool verified = false;
};

std::vector<RetentionCandidate> Candidates(const std::vector<Backup>& backups) {
  std::vector<RetentionCandidate> out;
  for (const Backup& b : backups) out.push_back({b.id, At(b.completed), b.verified});
  return out;
}

struct DecideCase {
  std::string name;
  std::string policy;
  std::string zone;
  const char* now;
  std::vector<Backup> backups;
  std::vector<std::string> decisions;  // Describe(), newest first
};
void PrintTo(const DecideCase& c, std::ostream* os) { *os << c.name; }

class DecideRetentionTest : public ::testing::TestWithParam<DecideCase> {
 protected:
  std::vector<RetentionDecision> Decide(const std::vector<RetentionCandidate>& candidates) {
    const DecideCase& c = GetParam();
    return DecideRetention(candidates, Policy(c.policy), Zone(c.zone), At(c.now));
  }
};

TEST_P(DecideRetentionTest, KeepsWhatTheRulesSelectAndSaysWhy) {
  EXPECT_THAT(Describe(Decide(Candidates(GetParam().backups))),
              ::testing::ElementsAreArray(GetParam().decisions));
}

TEST_P(DecideRetentionTest, DecisionDoesNotDependOnInputOrder) {
  std::vector<RetentionCandidate> candidates = Candidates(GetParam().backups);
  std::vector<std::string> expected = Describe(Decide(candidates));
  std::mt19937 rng(7);
  for (int round = 0; round < 10; ++round) {
    std::shuffle(candidates.begin(), candidates.end(), rng);
    EXPECT_EQ(Describe(Decide(candidates)), expected) << "round " << round;
  }
}

// The controller may prune again (after a crash, or on the next reconcile): the survivors of
// one decision are all kept by the next.
TEST_P(DecideRetentionTest, DecidingAgainOnTheSurvivorsDeletesNothing) {
  std::vector<RetentionCandidate> candidates = Candidates(GetParam().backups);
  std::vector<RetentionCandidate> survivors;
  for (const RetentionDecision& d : Decide(candidates)) {
    if (!d.keep) continue;
    for (const RetentionCandidate& c : candidates) {
      if (c.id == d.id) survivors.push_back(c);
    }
  }
  for (const RetentionDecision& d : Decide(survivors)) EXPECT_TRUE(d.keep) << Describe(d);
}

INSTANTIATE_TEST_SUITE_P(
    Rules, DecideRetentionTest,
    ::testing::Values(
        DecideCase{"EmptyInput", "last=3 daily=7 maxAge=30d", "", "2024-05-10T00:00:00Z", {}, {}},
        DecideCase{
            "NoRuleAndNoMaxAgeKeepsAll",
            "",
            "",
            "2030-01-01T00:00:00Z",
            {{"b1", "2020-01-01T00:00:00Z"},
             {"b2", "2020-01-01T00:00:00Z"},
             {"b3", "2024-05-01T00:00:00Z"}},
            {"b3 kept: no keep rule, newest", "b2 kept: no keep rule", "b1 kept: no keep rule"}},
        DecideCase{"ZeroAndNegativeCountsAreNoRule",
                   "last=0 daily=-1",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b1", "2024-05-01T00:00:00Z"}, {"b2", "2024-05-02T00:00:00Z"}},
                   {"b2 kept: no keep rule, newest", "b1 kept: no keep rule"}},
        DecideCase{"KeepLastKeepsTheNewest",
                   "last=2",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b2", "2024-05-02T00:00:00Z"},
                    {"b4", "2024-05-04T00:00:00Z"},
                    {"b1", "2024-05-01T00:00:00Z"},
                    {"b3", "2024-05-03T00:00:00Z"}},
                   {"b4 kept: last, newest", "b3 kept: last", "b2 deleted: no rule selected it",
                    "b1 deleted: no rule selected it"}},
        DecideCase{"KeepLastMoreThanThereAre",
                   "last=10",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b1", "2024-05-01T00:00:00Z"}, {"b2", "2024-05-02T00:00:00Z"}},
                   {"b2 kept: last, newest", "b1 kept: last"}},
        DecideCase{"KeepHourlyKeepsTheNewestOfEachHour",
                   "hourly=2",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"h1", "2024-05-01T10:05:00Z"},
                    {"h2", "2024-05-01T10:50:00Z"},
                    {"h3", "2024-05-01T11:10:00Z"},
                    {"h4", "2024-05-01T12:30:00Z"},
                    {"h5", "2024-05-01T12:40:00Z"}},
                   {"h5 kept: hourly, newest", "h4 deleted: no rule selected it", "h3 kept: hourly",
                    "h2 deleted: no rule selected it", "h1 deleted: no rule selected it"}},
        DecideCase{"KeepDailyCountsOnlyDaysWithABackup",
                   "daily=2",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"d1", "2024-05-01T01:00:00Z"},
                    {"d2", "2024-05-01T23:00:00Z"},
                    {"d3", "2024-05-03T12:00:00Z"},
                    {"d4", "2024-05-07T12:00:00Z"}},
                   {"d4 kept: daily, newest", "d3 kept: daily", "d2 deleted: no rule selected it",
                    "d1 deleted: no rule selected it"}},
        // ISO weeks start on Monday: Sunday 2024-03-10 ends week 10, Monday the 11th starts
        // week 11.
        DecideCase{
            "KeepWeeklyIsoWeeksEndOnSunday",
            "weekly=2",
            "",
            "2024-03-20T00:00:00Z",
            {{"sat", "2024-03-09T12:00:00Z"},
             {"sun", "2024-03-10T23:00:00Z"},
             {"mon", "2024-03-11T01:00:00Z"},
             {"tue", "2024-03-12T01:00:00Z"},
             {"prev-sun", "2024-03-03T12:00:00Z"}},
            {"tue kept: weekly, newest", "mon deleted: no rule selected it", "sun kept: weekly",
             "sat deleted: no rule selected it", "prev-sun deleted: no rule selected it"}},
        // Monday 2024-12-30 is in 2025-W01, with New Year's Day; Sunday the 29th is 2024-W52.
        DecideCase{"KeepWeeklyIsoWeekAcrossNewYear",
                   "weekly=2",
                   "",
                   "2025-01-10T00:00:00Z",
                   {{"2024-12-28", "2024-12-28T12:00:00Z"},
                    {"2024-12-29", "2024-12-29T12:00:00Z"},
                    {"2024-12-30", "2024-12-30T12:00:00Z"},
                    {"2025-01-02", "2025-01-02T12:00:00Z"}},
                   {"2025-01-02 kept: weekly, newest", "2024-12-30 deleted: no rule selected it",
                    "2024-12-29 kept: weekly", "2024-12-28 deleted: no rule selected it"}},
        DecideCase{"KeepMonthlyKeepsTheLastOfEachMonth",
                   "monthly=3",
                   "",
                   "2024-03-10T00:00:00Z",
                   {{"dec", "2023-12-31T12:00:00Z"},
                    {"jan15", "2024-01-15T12:00:00Z"},
                    {"jan31", "2024-01-31T12:00:00Z"},
                    {"feb10", "2024-02-10T12:00:00Z"},
                    {"mar1", "2024-03-01T12:00:00Z"}},
                   {"mar1 kept: monthly, newest", "feb10 kept: monthly", "jan31 kept: monthly",
                    "jan15 deleted: no rule selected it", "dec deleted: no rule selected it"}},
        DecideCase{"KeepYearlyKeepsTheLastOfEachYear",
                   "yearly=2",
                   "",
                   "2024-03-10T00:00:00Z",
                   {{"2022", "2022-12-31T12:00:00Z"},
                    {"2023a", "2023-03-01T12:00:00Z"},
                    {"2023b", "2023-11-01T12:00:00Z"},
                    {"2024", "2024-01-05T12:00:00Z"}},
                   {"2024 kept: yearly, newest", "2023b kept: yearly",
                    "2023a deleted: no rule selected it", "2022 deleted: no rule selected it"}},
        DecideCase{"CombinedRulesNameEveryRuleThatSelected",
                   "last=1 daily=2 weekly=2 monthly=2 yearly=1",
                   "",
                   "2024-03-10T00:00:00Z",
                   {{"feb-end", "2024-02-29T12:00:00Z"},
                    {"sun", "2024-03-03T12:00:00Z"},
                    {"mon", "2024-03-04T12:00:00Z"},
                    {"tue-early", "2024-03-05T01:00:00Z"},
                    {"tue-late", "2024-03-05T20:00:00Z"}},
                   {"tue-late kept: last, daily, weekly, monthly, yearly, newest",
                    "tue-early deleted: no rule selected it", "mon kept: daily", "sun kept: weekly",
                    "feb-end kept: monthly"}},
        DecideCase{"NewestVerifiedIsAlwaysKept",
                   "last=1",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b1", "2024-05-01T00:00:00Z", true},
                    {"b2", "2024-05-02T00:00:00Z", true},
                    {"b3", "2024-05-03T00:00:00Z"},
                    {"b4", "2024-05-04T00:00:00Z"}},
                   {"b4 kept: last, newest", "b3 deleted: no rule selected it",
                    "b2 kept: newest-verified", "b1 deleted: no rule selected it"}},
        DecideCase{"NewestCanAlsoBeNewestVerified",
                   "last=1",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b1", "2024-05-01T00:00:00Z", true}, {"b2", "2024-05-02T00:00:00Z", true}},
                   {"b2 kept: last, newest, newest-verified", "b1 deleted: no rule selected it"}},
        // A backup exactly maxAge old is not older than maxAge.
        DecideCase{"MaxAgeOverridesKeepRules",
                   "daily=10 maxAge=3d",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b5", "2024-05-05T12:00:00Z"},
                    {"b6", "2024-05-06T23:59:59Z"},
                    {"b7", "2024-05-07T00:00:00Z"},
                    {"b8", "2024-05-08T00:00:00Z"}},
                   {"b8 kept: daily, newest", "b7 kept: daily", "b6 deleted: older than maxAge 3d",
                    "b5 deleted: older than maxAge 3d"}},
        DecideCase{"MaxAgeDoesNotOverrideNewestAndNewestVerified",
                   "last=5 maxAge=400d",
                   "",
                   "2026-01-01T00:00:00Z",
                   {{"b1", "2024-05-01T00:00:00Z", true},
                    {"b2", "2024-05-02T00:00:00Z", true},
                    {"b3", "2024-05-03T00:00:00Z"},
                    {"b4", "2024-05-04T00:00:00Z"}},
                   {"b4 kept: newest", "b3 deleted: older than maxAge 400d",
                    "b2 kept: newest-verified", "b1 deleted: older than maxAge 400d"}},
        DecideCase{"MaxAgeAloneKeepsEverythingYounger",
                   "maxAge=36h",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b1", "2024-05-07T00:00:00Z"},
                    {"b2", "2024-05-08T12:00:00Z"},
                    {"b3", "2024-05-09T00:00:00Z"}},
                   {"b3 kept: no keep rule, newest", "b2 kept: no keep rule",
                    "b1 deleted: older than maxAge 36h"}},
        DecideCase{"SameTimeIsOrderedById",
                   "last=1",
                   "",
                   "2024-05-10T00:00:00Z",
                   {{"b", "2024-05-01T00:00:00Z"}, {"a", "2024-05-01T00:00:00Z"}},
                   {"b kept: last, newest", "a deleted: no rule selected it"}},
        // 23:30 UTC on May 1 is 01:30 on May 2 in Berlin: the same backups, other days.
        DecideCase{"DaysAreUtcDaysInUtc",
                   "daily=2",
                   "UTC",
                   "2024-05-10T00:00:00Z",
                   {{"a", "2024-05-01T08:00:00Z"},
                    {"b", "2024-05-01T23:30:00Z"},
                    {"c", "2024-05-02T12:00:00Z"}},
                   {"c kept: daily, newest", "b kept: daily", "a deleted: no rule selected it"}},
        DecideCase{"DaysAreLocalDaysInTheTimeZone",
                   "daily=2",
                   "Europe/Berlin",
                   "2024-05-10T00:00:00Z",
                   {{"a", "2024-05-01T08:00:00Z"},
                    {"b", "2024-05-01T23:30:00Z"},
                    {"c", "2024-05-02T12:00:00Z"}},
                   {"c kept: daily, newest", "b deleted: no rule selected it", "a kept: daily"}},
        DecideCase{"WeeksAreLocalWeeksInTheTimeZone",
                   "weekly=2",
                   "America/New_York",
                   "2024-03-20T00:00:00Z",
                   {{"sat", "2024-03-09T12:00:00Z"},
                    {"sun-local", "2024-03-11T03:00:00Z"},
                    {"mon", "2024-03-11T05:00:00Z"}},
                   {"mon kept: weekly, newest", "sun-local kept: weekly",
                    "sat deleted: no rule selected it"}},
        DecideCase{"MonthsAreLocalMonthsInTheTimeZone",
                   "monthly=2",
                   "Asia/Tokyo",
                   "2024-03-20T00:00:00Z",
                   {{"jan31", "2024-01-31T10:00:00Z"},
                    {"feb1-local", "2024-01-31T16:00:00Z"},
                    {"feb2", "2024-02-02T00:00:00Z"}},
                   {"feb2 kept: monthly, newest", "feb1-local deleted: no rule selected it",
                    "jan31 kept: monthly"}},
        // 2024-03-31 has 23 hours in Berlin: 00:30 CET and 23:30 CEST are the same day;
        // 22:10 UTC is 00:10 on April 1 (CEST), though it would be 23:10 at the winter offset.
        DecideCase{
            "DaylightSavingSpringDayIsOneDay",
            "daily=2",
            "Europe/Berlin",
            "2024-04-10T00:00:00Z",
            {{"mar30", "2024-03-30T12:00:00Z"},
             {"mar31-0030", "2024-03-30T23:30:00Z"},
             {"mar31-2330", "2024-03-31T21:30:00Z"},
             {"apr1-0010", "2024-03-31T22:10:00Z"}},
            {"apr1-0010 kept: daily, newest", "mar31-2330 kept: daily",
             "mar31-0030 deleted: no rule selected it", "mar30 deleted: no rule selected it"}},
        // 2024-10-27 has 25 hours in Berlin: 00:30 CEST and 23:30 CET are the same day.
        DecideCase{
            "DaylightSavingAutumnDayIsOneDay",
            "daily=2",
            "Europe/Berlin",
            "2024-11-10T00:00:00Z",
            {{"oct26", "2024-10-26T12:00:00Z"},
             {"oct27-0030", "2024-10-26T22:30:00Z"},
             {"oct27-2330", "2024-10-27T22:30:00Z"},
             {"oct28-0010", "2024-10-27T23:10:00Z"}},
            {"oct28-0010 kept: daily, newest", "oct27-2330 kept: daily",
             "oct27-0030 deleted: no rule selected it", "oct26 deleted: no rule selected it"}},
        // When the clocks go back, 02:00-03:00 happens twice (CEST, then CET): two hours.
        DecideCase{"DaylightSavingRepeatedHourIsTwoHours",
                   "hourly=3",
                   "Europe/Berlin",
                   "2024-11-10T00:00:00Z",
                   {{"0215-cest", "2024-10-27T00:15:00Z"},
                    {"0245-cest", "2024-10-27T00:45:00Z"},
                    {"0215-cet", "2024-10-27T01:15:00Z"},
                    {"0245-cet", "2024-10-27T01:45:00Z"},
                    {"0315-cet", "2024-10-27T02:15:00Z"}},
                   {"0315-cet kept: hourly, newest", "0245-cet kept: hourly",
                    "0215-cet deleted: no rule selected it", "0245-cest kept: hourly",
                    "0215-cest deleted: no rule selected it"}},
        // India is UTC+05:30: its hours begin at half past the UTC hour.
        DecideCase{"HoursAreLocalHoursInTheTimeZone",
                   "hourly=2",
                   "Asia/Kolkata",
                   "2024-05-10T00:00:00Z",
                   {{"a", "2024-05-01T10:20:00Z"},
                    {"b", "2024-05-01T10:40:00Z"},
                    {"c", "2024-05-01T11:20:00Z"}},
                   {"c kept: hourly, newest", "b deleted: no rule selected it", "a kept: hourly"}}),
    [](const ::testing::TestParamInfo<DecideCase>& info) { return info.param.name; });

// ---- a year of simulated runs ----------------------------------------------------------------

// What the test knows of a simulated run, computed with the tz database directly: its local
// date and period labels, for the reference checks below.
struct SimulatedRun {
  std::string id;
  TimePoint completed;
  bool verified = false;
  date::local_days local_day;
  std::string hour_label;  // "2024-10-27 02 CEST": a repeated hour is two hours
  std::string week_label;  // "2024-W52"
};

struct SimulationCase {
  std::string name;
  std::string policy;
  int days = 400;
  // Verification passes on every 7th daily run, until this day (exclusive; -1: all along).
  int verify_until_day = -1;
};
void PrintTo(const SimulationCase& c, std::ostream* os) { *os << c.name; }

constexpr char kSimulationZone[] = "Europe/Amsterdam";
const date::local_days kFirstDay = date::local_days(date::year(2024) / 1 / 1);

// Each day a backup at 03:00 local; on some days (every 30th, both daylight saving days and
// the last two days) also one at half past every hour of the day, 23, 24 or 25 of them.
std::vector<SimulatedRun> SimulatedRuns(const SimulationCase& c) {
  const date::time_zone* tz = date::locate_zone(kSimulationZone);
  std::vector<SimulatedRun> runs;
  auto add = [&](TimePoint t, bool verified) {
    SimulatedRun r;
    r.id = controller::FormatRfc3339(t);
    r.completed = t;
    r.verified = verified;
    date::zoned_time<std::chrono::seconds> z(tz, std::chrono::floor<std::chrono::seconds>(t));
    r.local_day = std::chrono::floor<date::days>(z.get_local_time());
    r.hour_label = date::format("%F %H %Z", z);
    r.week_label = date::format("%G-W%V", r.local_day);
    runs.push_back(r);
  };
  for (int day = 0; day < c.days; ++day) {
    date::local_days local = kFirstDay + date::days(day);
    bool verified = day % 7 == 6 && (c.verify_until_day < 0 || day < c.verify_until_day);
    add(tz->to_sys(local + 3h), verified);
    date::year_month_day ymd(local);
    bool dst_day = (ymd.month() == date::March || ymd.month() == date::October) &&
                   ymd.day() >= date::day(25) && date::weekday(local) == date::Sunday;
    if (day % 30 == 15 || dst_day || day >= c.days - 2) {
      for (TimePoint t = tz->to_sys(local) + 30min; t < tz->to_sys(local + date::days(1));
           t += 1h) {
        add(t, false);
      }
    }
  }
  std::sort(runs.begin(), runs.end(),
            [](const SimulatedRun& a, const SimulatedRun& b) { return a.completed < b.completed; });
  return runs;
}

// The ids the policy's rules select from `backups`, computed the plain way: group by period
// label, newest per group, the newest `n` groups. Only for the assertion that nothing a rule
// selects is deleted.
std::set<std::string> SelectedByRules(const std::vector<SimulatedRun>& backups,
                                      const RetentionPolicy& p) {
  std::set<std::string> selected;
  std::vector<SimulatedRun> newest_first(backups.rbegin(), backups.rend());
  for (int64_t i = 0; i < p.keep_last && i < static_cast<int64_t>(newest_first.size()); ++i) {
    selected.insert(newest_first[i].id);
  }
  auto by_period = [&](int64_t n, auto label) {
    std::map<std::string, const SimulatedRun*> newest;  // label -> newest run in it
    for (const SimulatedRun& r : newest_first) newest.emplace(label(r), &r);
    std::vector<const SimulatedRun*> periods;
    for (auto& [_, r] : newest) periods.push_back(r);
    std::sort(periods.begin(), periods.end(), [](const SimulatedRun* a, const SimulatedRun* b) {
      return a->completed > b->completed;
    });
    for (int64_t i = 0; i < n && i < static_cast<int64_t>(periods.size()); ++i) {
      selected.insert(periods[i]->id);
    }
  };
  by_period(p.keep_hourly, [](const SimulatedRun& r) { return r.hour_label; });
  by_period(p.keep_daily, [](const SimulatedRun& r) { return date::format("%F", r.local_day); });
  by_period(p.keep_weekly, [](const SimulatedRun& r) { return r.week_label; });
  by_period(p.keep_monthly,
            [](const SimulatedRun& r) { return date::format("%Y-%m", r.local_day); });
  by_period(p.keep_yearly, [](const SimulatedRun& r) { return date::format("%Y", r.local_day); });
  return selected;
}

// What must survive a whole simulation, from the calendar: the last runs; the last run of
// each of the last days, of the last Sundays (and today, for this week), of the last days of
// the months (and today, for this month); the runs of today's hours; the newest verified run;
// minus what is older than maxAge.
std::set<std::string> ExpectedSurvivors(const std::vector<SimulatedRun>& all,
                                        const RetentionPolicy& p) {
  std::map<date::local_days, const SimulatedRun*> last_of_day;
  for (const SimulatedRun& r : all) last_of_day[r.local_day] = &r;
  const SimulatedRun& newest = all.back();
  const date::local_days today = newest.local_day;
  std::set<date::local_days> days;
  for (int64_t i = 0; i < p.keep_daily; ++i) days.insert(today - date::days(i));
  if (p.keep_weekly > 0) days.insert(today);
  date::local_days sunday = today - (date::weekday(today) - date::Sunday);
  if (sunday == today) sunday -= date::days(7);
  for (int64_t i = 1; i < p.keep_weekly; ++i, sunday -= date::days(7)) days.insert(sunday);
  if (p.keep_monthly > 0) days.insert(today);
  date::year_month month = date::year_month_day(today).year() / date::year_month_day(today).month();
  for (int64_t i = 1; i < p.keep_monthly; ++i) {
    month -= date::months(1);
    days.insert(date::local_days(month / date::last));
  }
  EXPECT_EQ(p.keep_yearly, 0) << "not simulated";

  std::set<std::string> expected;
  for (date::local_days d : days) {
    if (last_of_day.count(d)) expected.insert(last_of_day[d]->id);
  }
  for (int64_t i = 0; i < p.keep_last; ++i) expected.insert(all[all.size() - 1 - i].id);
  if (p.keep_hourly > 0) {
    // The simulation ends with a whole day of hourly runs: the last 24 hours that have a
    // backup are today's, and each hour's newest is its half-past run.
    EXPECT_EQ(p.keep_hourly, 24) << "not simulated";
    for (const SimulatedRun& r : all) {
      if (r.local_day == today && r.id.find(":30:00") != std::string::npos) expected.insert(r.id);
    }
  }
  if (p.max_age) {
    std::erase_if(expected, [&](const std::string& id) {
      return *controller::ParseRfc3339(id) < newest.completed - *p.max_age;
    });
  }
  expected.insert(newest.id);
  for (auto r = all.rbegin(); r != all.rend(); ++r) {
    if (r->verified) {
      expected.insert(r->id);
      break;
    }
  }
  return expected;
}

class RetentionSimulationTest : public ::testing::TestWithParam<SimulationCase> {};

TEST_P(RetentionSimulationTest, PruningAfterEveryRunLeavesWhatThePolicyPromises) {
  const SimulationCase& c = GetParam();
  const RetentionPolicy policy = Policy(c.policy);
  const schedule::TimeZone zone = Zone(kSimulationZone);
  std::vector<SimulatedRun> all = SimulatedRuns(c);
  ASSERT_GT(all.size(), static_cast<size_t>(c.days));

  std::vector<SimulatedRun> stored;  // at the destination, oldest first
  std::optional<std::string> newest_verified;
  for (const SimulatedRun& run : all) {
    stored.push_back(run);
    if (run.verified) newest_verified = run.id;
    const TimePoint now = run.completed;
    std::vector<RetentionCandidate> candidates;
    for (const SimulatedRun& r : stored) candidates.push_back({r.id, r.completed, r.verified});

    std::vector<RetentionDecision> decisions = DecideRetention(candidates, policy, zone, now);
    ASSERT_EQ(decisions.size(), stored.size());
    std::set<std::string> selected = SelectedByRules(stored, policy);
    std::set<std::string> deleted;
    for (const RetentionDecision& d : decisions) {
      if (d.keep) continue;
      deleted.insert(d.id);
      bool expired = policy.max_age && d.completion_time < now - *policy.max_age;
      ASSERT_FALSE(selected.count(d.id) && !expired)
          << "after " << run.id << ": deleted what a rule selects: " << Describe(d);
    }
    ASSERT_FALSE(deleted.count(run.id)) << "after " << run.id << ": deleted the newest";
    if (newest_verified) {
      ASSERT_FALSE(deleted.count(*newest_verified))
          << "after " << run.id << ": deleted the newest verified " << *newest_verified;
    }
    std::erase_if(stored, [&](const SimulatedRun& r) { return deleted.count(r.id) != 0; });
  }

  std::set<std::string> survivors;
  for (const SimulatedRun& r : stored) survivors.insert(r.id);
  EXPECT_THAT(survivors, ::testing::ContainerEq(ExpectedSurvivors(all, policy)));
}

INSTANTIATE_TEST_SUITE_P(
    YearOfRuns, RetentionSimulationTest,
    ::testing::Values(
        SimulationCase{"ApiExample", "last=7 daily=30 weekly=8 monthly=12 maxAge=400d"},
        SimulationCase{"ApiExampleWithoutMaxAge", "last=7 daily=30 weekly=8 monthly=12"},
        SimulationCase{"MaxAgeCutsTheMonths", "last=7 daily=30 weekly=8 monthly=12 maxAge=180d"},
        SimulationCase{"HourlyAndDaily", "hourly=24 daily=7"},
        SimulationCase{"VerificationStoppedLongAgo", "last=3 maxAge=10d", 400, 100}),
    [](const ::testing::TestParamInfo<SimulationCase>& info) { return info.param.name; });

}  // namespace
}  // namespace upkeep::backup
