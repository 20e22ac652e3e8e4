#include "reconcilers/backup/run_decision.h"

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers::backup {
namespace {

using api::v1alpha1::ConcurrencyPolicy;
using Action = RunDecision::Action;

std::string Time(TimePoint t) { return controller::FormatRfc3339(t); }

}  // namespace

RunDecision DecideRun(const RunDecisionInput& in) {
  const api::v1alpha1::BackupPolicySpec& spec = *in.spec;
  const api::v1alpha1::BackupPolicyStatus& status = *in.status;
  const bool active = status.active.has_value();
  RunDecision d;

  const TimePoint last = status.last_schedule_time.value_or(in.created);
  if (!in.run_now.empty() && in.run_now != status.common.last_run_now) {
    if (active && spec.concurrency_policy == ConcurrencyPolicy::kForbid) {
      d.message = "run-now waits for the active run " + status.active->run_id + " to finish";
      // The run's end changes status, which brings the policy back.
      return d;
    }
    d.action = active ? Action::kReplace : Action::kStart;
    d.scheduled_time = in.now;
    d.run_now = true;
    d.message = "run-now \"" + in.run_now + "\"";
    if (!spec.suspend) {
      d.next_check = schedule::NextRunAfter(spec.schedule, *in.zone, in.now);
    }
    return d;
  }

  if (spec.suspend) {
    d.message = "suspended";
    return d;
  }

  schedule::DueRuns due =
      schedule::DueAt(spec.schedule, *in.zone, last, in.now, spec.starting_deadline);
  d.next_check = due.next;
  d.newly_missed = due.missed;
  if (!due.run) {
    if (due.missed > 0) {
      // All of them past the deadline: remember the latest so they are not counted again.
      d.scheduled_time = due.latest;
      d.message = std::to_string(due.missed) +
                  " run(s) missed: not started within startingDeadlineSeconds";
    } else {
      d.message = d.next_check ? "next run at " + Time(*d.next_check) : "no run is scheduled";
    }
    return d;
  }
  d.scheduled_time = due.run;
  if (active) {
    if (spec.concurrency_policy == ConcurrencyPolicy::kForbid) {
      d.action = Action::kWait;
      d.newly_missed += 1;
      d.message = "the run for " + Time(*due.run) + " is skipped: run " +
                  status.active->run_id + " is still active (concurrencyPolicy Forbid)";
      return d;
    }
    d.action = Action::kReplace;
    d.message = "the run for " + Time(*due.run) + " replaces the active run " +
                status.active->run_id;
    return d;
  }
  d.action = Action::kStart;
  d.message = "the run for " + Time(*due.run) +
              (due.missed > 0 ? " (" + std::to_string(due.missed) + " earlier run(s) missed)"
                              : "");
  return d;
}

}  // namespace upkeep::reconcilers::backup
