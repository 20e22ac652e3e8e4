// Whether a BackupPolicy starts a run now: the pure "decide" step of its reconciler, on
// Kubernetes CronJob's rules (schedule.run_times for the times), so a restarted controller
// neither skips a due run nor runs one twice: the run being started is recorded as
// status.lastScheduleTime before it starts, and only runs after it are due.
//
// - suspend: nothing starts; runs missed meanwhile are judged when it is lifted (the latest
//   within startingDeadlineSeconds runs, like CronJob).
// - a due run while one is active: Forbid skips it (a missed run), Replace stops the active
//   one and starts the new one.
// - upkeep.dev/run-now with a value not yet in status.lastRunNow starts a run now, whatever
//   the schedule and suspend say (not while one is active under Forbid: it waits).
//
// Pure; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "crds/v1alpha1/backup_policy.h"
#include "reconcilers/schedule/run_times.h"

namespace upkeep::reconcilers::backup {

using TimePoint = std::chrono::system_clock::time_point;

struct RunDecisionInput {
  const api::v1alpha1::BackupPolicySpec* spec = nullptr;
  const api::v1alpha1::BackupPolicyStatus* status = nullptr;
  const schedule::TimeZone* zone = nullptr;
  TimePoint created;     // metadata.creationTimestamp: no run is due before it
  std::string run_now;   // the upkeep.dev/run-now annotation's value, "" when absent
  TimePoint now;
};

struct RunDecision {
  enum class Action {
    kWait,     // nothing to start; look again at next_check
    kStart,    // start a run for `scheduled_time`
    kReplace,  // stop the active run, then start one for `scheduled_time`
  };
  Action action = Action::kWait;
  // The schedule time the started run stands for (now for run-now); becomes
  // status.lastScheduleTime. Also set when a due run is skipped, so it is not due again.
  std::optional<TimePoint> scheduled_time;
  bool run_now = false;      // started by the annotation; record it in status.lastRunNow
  int64_t newly_missed = 0;  // to add to status.missedRuns and upkeep_backup_missed_runs_total
  // When to look again (the next schedule time); nullopt: only on a change (suspended, or a
  // schedule that never runs again).
  std::optional<TimePoint> next_check;
  std::string message;  // why, for the Ready condition and Events
};

RunDecision DecideRun(const RunDecisionInput& input);

}  // namespace upkeep::reconcilers::backup
