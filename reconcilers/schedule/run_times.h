// When a schedule (crds/fields/schedule.h) runs, in a time zone, and which runs a controller
// that was away has missed: the part of BackupPolicy, SecretRotation and LogRotation
// scheduling that is pure time arithmetic. Kubernetes CronJob is the model (most recent due
// run only, the rest counted as missed, startingDeadlineSeconds), with cron's rules for
// daylight saving time, so "30 2 * * *" runs exactly once every day:
// - a local time that does not exist (the clock jumps from 02:00 to 03:00) runs at the jump;
// - a local time that happens twice (03:00 back to 02:00) runs at the first, except that a
//   schedule with every hour ("0 * * * *") runs at both, so no hour goes without a run.
// "@every D" runs D after the previous run (or the anchor) and ignores the time zone.
//
// Value types and pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

#include "crds/fields/schedule.h"

namespace date {
class time_zone;
}  // namespace date

namespace upkeep::schedule {

using TimePoint = std::chrono::system_clock::time_point;

// An IANA time zone from the system's tz database (Debian's tzdata), or UTC.
class TimeZone {
 public:
  // "" and "UTC" are UTC. InvalidArgument naming the zone when the database has no such zone.
  static absl::StatusOr<TimeZone> Load(std::string_view name);
  static TimeZone Utc() { return TimeZone(); }
  const std::string& name() const { return name_; }
  // The zone's rules; nullptr for UTC.
  const date::time_zone* zone() const { return zone_; }

 private:
  TimeZone() = default;
  std::string name_ = "UTC";
  const date::time_zone* zone_ = nullptr;
};

// The first run strictly after `after`, to the second; nullopt when the schedule never runs
// in the next five years (a cron like "0 0 30 2 *"). For "@every", `after` + the interval.
std::optional<TimePoint> NextRunAfter(const api::Schedule& schedule, const TimeZone& zone,
                                      TimePoint after);

// What is due at `now` for a schedule whose last run was scheduled at `last` (or, before the
// first run, the object's creation time).
struct DueRuns {
  // The most recent run time in (last, now] that is still within the starting deadline: the
  // one to start now. nullopt: nothing to start.
  std::optional<TimePoint> run;
  // Run times in (last, now] that will never run: all but the most recent, and the most
  // recent too when it is past the deadline. Counted exactly up to kMaxCountedMissed.
  int missed = 0;
  // The first run time after `now`: when to look again.
  std::optional<TimePoint> next;
  // The most recent run time in (last, now], started or missed: the new "last", so the
  // same runs are not counted again.
  std::optional<TimePoint> latest;
};
inline constexpr int kMaxCountedMissed = 1000;

// `starting_deadline`: a run not started within this long of its time is missed (CronJob's
// startingDeadlineSeconds); nullopt: no deadline.
DueRuns DueAt(const api::Schedule& schedule, const TimeZone& zone, TimePoint last, TimePoint now,
              std::optional<std::chrono::seconds> starting_deadline);

}  // namespace upkeep::schedule
