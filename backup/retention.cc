#include "backup/retention.h"

#include <date/date.h>
#include <date/iso_week.h>
#include <date/tz.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <numeric>
#include <set>

#include "crds/fields/duration.h"

namespace upkeep::backup {
namespace {

using Clock = std::chrono::system_clock;
using TimePoint = Clock::time_point;
using LocalTime = date::local_time<Clock::duration>;

// A backup's time on the policy's wall clock, and that clock's offset from UTC then.
struct WallClock {
  LocalTime local;
  std::chrono::seconds offset{0};
};

WallClock ToWallClock(const schedule::TimeZone& zone, TimePoint t) {
  if (zone.zone() == nullptr) return {LocalTime(t.time_since_epoch()), std::chrono::seconds(0)};
  date::sys_info info = zone.zone()->get_info(t);
  return {LocalTime(t.time_since_epoch() + info.offset), info.offset};
}

// Period keys: equal for two backups exactly when they are in the same period.
using PeriodKey = int64_t;

PeriodKey HourKey(const WallClock& w) {
  // The real instant the local hour began: the hour that repeats when the clocks go back is
  // two hours, as it is for the backups a schedule runs in it.
  auto hour = std::chrono::floor<std::chrono::hours>(w.local).time_since_epoch();
  return std::chrono::duration_cast<std::chrono::seconds>(hour - w.offset).count();
}
PeriodKey DayKey(const WallClock& w) {
  return std::chrono::floor<date::days>(w.local).time_since_epoch().count();
}
PeriodKey WeekKey(const WallClock& w) {
  iso_week::year_weeknum_weekday week{date::local_days(std::chrono::floor<date::days>(w.local))};
  return static_cast<int>(week.year()) * int64_t{100} + static_cast<unsigned>(week.weeknum());
}
date::year_month_day LocalDate(const WallClock& w) {
  return date::year_month_day{date::local_days(std::chrono::floor<date::days>(w.local))};
}
PeriodKey MonthKey(const WallClock& w) {
  date::year_month_day ymd = LocalDate(w);
  return static_cast<int>(ymd.year()) * int64_t{12} + static_cast<unsigned>(ymd.month()) - 1;
}
PeriodKey YearKey(const WallClock& w) { return static_cast<int>(LocalDate(w).year()); }

struct PeriodRule {
  const char* reason;
  int64_t count;
  PeriodKey (*key)(const WallClock&);
};

// "400d" for whole days (as API.md writes maxAge), else Go's spelling ("36h", "90m").
std::string FormatMaxAge(std::chrono::nanoseconds d) {
  constexpr std::chrono::nanoseconds kDay = std::chrono::hours(24);
  if (d > d.zero() && d % kDay == d.zero()) return std::to_string(d / kDay) + "d";
  return api::FormatDuration(d);
}

}  // namespace

std::vector<RetentionDecision> DecideRetention(const std::vector<RetentionCandidate>& candidates,
                                               const api::v1alpha1::RetentionPolicy& policy,
                                               const schedule::TimeZone& zone, TimePoint now) {
  // Newest first; the same time is ordered by id so the decision does not depend on the
  // order the destination listed the backups in.
  std::vector<size_t> order(candidates.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    const RetentionCandidate& x = candidates[a];
    const RetentionCandidate& y = candidates[b];
    if (x.completion_time != y.completion_time) return x.completion_time > y.completion_time;
    return x.id > y.id;
  });

  // selected[i]: the keep reasons of order[i].
  std::vector<std::vector<std::string>> selected(order.size());
  const std::array<PeriodRule, 5> period_rules = {{
      {kKeptByHourly, policy.keep_hourly, &HourKey},
      {kKeptByDaily, policy.keep_daily, &DayKey},
      {kKeptByWeekly, policy.keep_weekly, &WeekKey},
      {kKeptByMonthly, policy.keep_monthly, &MonthKey},
      {kKeptByYearly, policy.keep_yearly, &YearKey},
  }};
  bool any_rule = policy.keep_last > 0;
  for (const PeriodRule& rule : period_rules) any_rule = any_rule || rule.count > 0;

  if (!any_rule) {
    for (auto& reasons : selected) reasons.push_back(kKeptWithoutRules);
  }
  for (size_t i = 0; i < order.size() && static_cast<int64_t>(i) < policy.keep_last; ++i) {
    selected[i].push_back(kKeptByLast);
  }
  if (std::any_of(period_rules.begin(), period_rules.end(),
                  [](const PeriodRule& r) { return r.count > 0; })) {
    std::vector<WallClock> wall(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      wall[i] = ToWallClock(zone, candidates[order[i]].completion_time);
    }
    for (const PeriodRule& rule : period_rules) {
      if (rule.count <= 0) continue;
      // Newest first, so the first backup seen in a period is its newest; periods without a
      // backup never appear and so are not counted.
      std::set<PeriodKey> periods;
      for (size_t i = 0; i < order.size(); ++i) {
        PeriodKey key = rule.key(wall[i]);
        if (periods.count(key) != 0) continue;
        if (static_cast<int64_t>(periods.size()) >= rule.count) break;
        periods.insert(key);
        selected[i].push_back(rule.reason);
      }
    }
  }

  std::optional<TimePoint> cutoff;
  if (policy.max_age) {
    auto max_age = std::chrono::duration_cast<Clock::duration>(*policy.max_age);
    // A max_age reaching before the clock's range expires nothing (and must not overflow).
    if (now.time_since_epoch() >= Clock::duration::min() + max_age) cutoff = now - max_age;
  }
  std::optional<size_t> newest_verified;
  for (size_t i = 0; i < order.size() && !newest_verified; ++i) {
    if (candidates[order[i]].verified) newest_verified = i;
  }

  std::vector<RetentionDecision> decisions;
  decisions.reserve(order.size());
  for (size_t i = 0; i < order.size(); ++i) {
    const RetentionCandidate& c = candidates[order[i]];
    RetentionDecision d;
    d.id = c.id;
    d.completion_time = c.completion_time;
    bool expired = cutoff && c.completion_time < *cutoff;
    if (!expired) d.reasons = std::move(selected[i]);
    if (i == 0) d.reasons.push_back(kKeptAsNewest);
    if (newest_verified == i) d.reasons.push_back(kKeptAsNewestVerified);
    d.keep = !d.reasons.empty();
    if (!d.keep) {
      d.reasons.push_back(expired ? kDeletedOlderThanPrefix + FormatMaxAge(*policy.max_age)
                                  : std::string(kDeletedUnselected));
    }
    decisions.push_back(std::move(d));
  }
  return decisions;
}

}  // namespace upkeep::backup
