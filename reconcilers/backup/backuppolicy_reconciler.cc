#include "reconcilers/backup/backuppolicy_reconciler.h"

#include <algorithm>

#include "controller/client/api_error.h"
#include "controller/events/event_recorder.h"
#include "controller/logging/logger.h"
#include "controller/object/conditions.h"
#include "controller/object/kube_time.h"
#include "crds/v1alpha1/group_version.h"
#include "reconcilers/backup/run_decision.h"

namespace upkeep::reconcilers::backup {
namespace {

using api::v1alpha1::BackupPolicy;
using api::v1alpha1::BackupPolicyStatus;
using api::v1alpha1::kConditionLastBackupSucceeded;
using api::v1alpha1::kConditionReady;
using api::v1alpha1::kConditionVerified;
using controller::Action;
using controller::ReconcileContext;
using nlohmann::json;
using Mode = api::v1alpha1::ExecutorSpec::Mode;

constexpr char kActionBackup[] = "Backup";
constexpr char kActionReconcile[] = "Reconcile";
// Look again at least this often: a clock jump, a Job event that was missed.
constexpr auto kMaxRequeue = std::chrono::hours(12);
constexpr auto kActivePoll = std::chrono::minutes(1);

std::string Time(TimePoint t) { return controller::FormatRfc3339(t); }

int64_t Generation(const json& object) {
  return object.contains("metadata") ? object["metadata"].value("generation", int64_t{0}) : 0;
}

TimePoint CreationTime(const json& object) {
  if (!object.contains("metadata")) return {};
  auto parsed = controller::ParseRfc3339(object["metadata"].value("creationTimestamp", ""));
  return parsed.ok() ? *parsed : TimePoint{};
}

Action RequeueAt(std::optional<TimePoint> when, TimePoint now, bool active) {
  TimePoint at = when.value_or(now + kMaxRequeue);
  if (active) at = std::min(at, now + kActivePoll);
  return Action::RequeueAfter(std::clamp<std::chrono::system_clock::duration>(
      at - now, std::chrono::seconds(1), kMaxRequeue));
}

void Set(json& object, const char* type, bool status, const std::string& reason,
         const std::string& message, int64_t generation, TimePoint now) {
  controller::SetCondition(object,
                           controller::Condition{type,
                                                 status ? controller::kConditionTrue
                                                        : controller::kConditionFalse,
                                                 reason, message, generation, ""},
                           now);
}

// `object` with status replaced by `status`, except conditions and observedGeneration, which
// stay as they are (they are set on the JSON, with transition times).
json WithStatus(const json& object, const BackupPolicyStatus& status) {
  json updated = object;
  json fields = api::v1alpha1::BackupPolicyStatusToJson(status);
  const json* old =
      object.contains("status") && object["status"].is_object() ? &object["status"] : nullptr;
  for (const char* kept : {"conditions", "observedGeneration"}) {
    fields.erase(kept);
    if (old != nullptr && old->contains(kept)) fields[kept] = (*old)[kept];
  }
  updated["status"] = std::move(fields);
  return updated;
}

// Writes `updated`'s status when it differs from `object`'s, or always (claiming a run: the
// write at the cached resourceVersion fails with Conflict when the cache is stale).
absl::StatusOr<json> WriteStatus(ReconcileContext& ctx, const json& object, json updated,
                                 int64_t observed, bool always = false) {
  updated["status"]["observedGeneration"] = observed;
  if (!always && object.contains("status") && updated["status"] == object["status"]) {
    return object;
  }
  controller::WriteOptions options;
  options.subresource = "status";
  return ctx.client.Update(api::v1alpha1::BackupPolicies(), updated, options);
}

// A run id from the time it stands for, readable and sortable: "r20261201t030000" (a run-now
// gets "-now"; a second run for the same second, only possible with run-now, a counter).
std::string NewRunId(TimePoint scheduled, bool run_now, const BackupPolicyStatus& status) {
  std::string stamp = Time(scheduled);  // 2026-12-01T03:00:00Z
  std::string id = "r";
  for (char c : stamp) {
    if (c >= '0' && c <= '9') id += c;
    if (c == 'T') id += 't';
  }
  if (run_now) id += "-now";
  std::string unique = id;
  for (int n = 2; std::any_of(status.history.begin(), status.history.end(),
                              [&](const auto& h) { return h.run_id == unique; });
       ++n) {
    unique = id + "-" + std::to_string(n);
  }
  return unique;
}

// What one finished run changes, and what to tell about it once it is written.
struct Recorded {
  struct Event {
    bool warning;
    std::string reason;
    std::string message;
  };
  std::vector<Event> events;
};

// The run `outcome` into status: history (within historyLimit), the times, the inventory.
Recorded RecordOutcome(const BackupPolicy& policy, const PolicyRunOutcome& outcome,
                       const std::optional<TimePoint>& started, TimePoint now,
                       BackupPolicyStatus& status, json& conditions_on, BackupMetrics* metrics) {
  Recorded r;
  const int64_t generation = policy.metadata.generation;
  const TimePoint completed = outcome.completion_time.value_or(now);
  const TimePoint start = outcome.start_time ? *outcome.start_time : started.value_or(completed);
  api::v1alpha1::BackupRunRecord entry;
  entry.run_id = outcome.run_id;
  entry.start_time = start;
  entry.completion_time = completed;
  entry.result =
      outcome.succeeded ? api::v1alpha1::RunResult::kSucceeded : api::v1alpha1::RunResult::kFailed;
  entry.message = outcome.message;
  status.history.insert(status.history.begin(), entry);
  // historyLimit: the newest `successful` successes and `failed` failures.
  int64_t successes = 0, failures = 0;
  std::erase_if(status.history, [&](const api::v1alpha1::BackupRunRecord& h) {
    bool ok = h.result == api::v1alpha1::RunResult::kSucceeded;
    int64_t& seen = ok ? successes : failures;
    ++seen;
    return seen > (ok ? policy.spec.history_limit.successful : policy.spec.history_limit.failed);
  });
  if (metrics) {
    metrics->CountRun(policy.metadata.namespace_, policy.metadata.name, outcome.succeeded,
                      completed - start);
  }

  if (!outcome.succeeded) {
    status.last_failure_time = completed;
    std::string message = "run " + outcome.run_id + " failed: " + outcome.message;
    Set(conditions_on, kConditionLastBackupSucceeded, false, "Failed", message, generation, now);
    r.events.push_back({true, "BackupFailed", message});
    return r;
  }
  status.last_successful_time = completed;
  if (!outcome.backups.empty()) status.backups = outcome.backups;
  std::string message = "run " + outcome.run_id + ": " + outcome.message;
  Set(conditions_on, kConditionLastBackupSucceeded, true, "Succeeded", message, generation, now);
  r.events.push_back({false, "BackupSucceeded", message});
  if (!outcome.pruned.empty()) {
    std::string ids;
    for (const std::string& id : outcome.pruned) ids += (ids.empty() ? "" : ", ") + id;
    r.events.push_back({false, "Pruned",
                        "retention deleted " + std::to_string(outcome.pruned.size()) +
                            " backup(s): " + ids});
  }
  if (!outcome.retention_error.empty()) {
    r.events.push_back({true, "RetentionFailed", outcome.retention_error});
  }
  if (outcome.verification) {
    const auto& v = *outcome.verification;
    if (metrics) {
      metrics->CountVerification(policy.metadata.namespace_, policy.metadata.name, v.passed);
    }
    std::string about = "restore test of backup " + outcome.backup_id + ": " + v.message;
    if (v.passed) status.last_verified_time = v.time;
    Set(conditions_on, kConditionVerified, v.passed, v.passed ? "Passed" : "Failed", about,
        generation, now);
    r.events.push_back({!v.passed, v.passed ? "Verified" : "VerificationFailed", about});
  } else if (!outcome.verification_error.empty()) {
    std::string about = "restore test of backup " + outcome.backup_id +
                        " could not run: " + outcome.verification_error;
    Set(conditions_on, kConditionVerified, false, "Failed", about, generation, now);
    r.events.push_back({true, "VerificationFailed", about});
    if (metrics) metrics->CountVerification(policy.metadata.namespace_, policy.metadata.name, false);
  }
  return r;
}

// Ready from the other conditions and the schedule.
void SetReady(json& updated, const BackupPolicy& policy, const BackupPolicyStatus& status,
              const std::string& schedule_message, TimePoint now) {
  const int64_t generation = policy.metadata.generation;
  auto last = controller::FindCondition(updated, kConditionLastBackupSucceeded);
  auto verified = controller::FindCondition(updated, kConditionVerified);
  if (last && last->status == controller::kConditionFalse) {
    Set(updated, kConditionReady, false, "LastBackupFailed", last->message, generation, now);
  } else if (verified && verified->status == controller::kConditionFalse && policy.spec.verify) {
    Set(updated, kConditionReady, false, "VerificationFailed", verified->message, generation,
        now);
  } else if (status.active) {
    Set(updated, kConditionReady, true, "Running",
        "run " + status.active->run_id + " is in progress" +
            (schedule_message.empty() ? "" : "; " + schedule_message),
        generation, now);
  } else if (policy.spec.suspend) {
    Set(updated, kConditionReady, true, "Suspended", "suspended: no run starts on schedule",
        generation, now);
  } else {
    Set(updated, kConditionReady, true, "Scheduled", schedule_message, generation, now);
  }
  if (!policy.spec.verify) controller::RemoveCondition(updated, kConditionVerified);
}

std::string ScheduleMessage(const BackupPolicyStatus& status) {
  return status.next_schedule_time ? "next run at " + Time(*status.next_schedule_time)
                                   : "no run is scheduled";
}

void Emit(ReconcileContext& ctx, const json& object, const Recorded& recorded) {
  if (!ctx.events) return;
  for (const auto& e : recorded.events) {
    if (e.warning) {
      ctx.events->Warning(object, e.reason, kActionBackup, e.message);
    } else {
      ctx.events->Normal(object, e.reason, kActionBackup, e.message);
    }
  }
}

}  // namespace

BackupPolicyReconciler::BackupPolicyReconciler(BackupExecutors executors, BackupMetrics* metrics)
    : executors_(executors), metrics_(metrics) {}

Mode BackupPolicyReconciler::EffectiveMode(const api::v1alpha1::BackupPolicySpec& spec) const {
  return spec.executor.mode == Mode::kDefault ? executors_.default_mode : spec.executor.mode;
}

BackupExecutor* BackupPolicyReconciler::ExecutorFor(
    const api::v1alpha1::BackupPolicySpec& spec) const {
  return EffectiveMode(spec) == Mode::kInline ? executors_.inline_executor
                                              : executors_.job_executor;
}

absl::StatusOr<Action> BackupPolicyReconciler::Reconcile(const json& object,
                                                         ReconcileContext& ctx) {
  absl::StatusOr<Action> action = ReconcilePolicy(object, ctx);
  // A status write from a stale cache: the newer object's event brings the policy back.
  if (!action.ok() && controller::IsConflict(action.status())) return Action::AwaitChange();
  return action;
}

absl::StatusOr<Action> BackupPolicyReconciler::ReconcilePolicy(const json& object,
                                                               ReconcileContext& ctx) {
  const TimePoint now = ctx.clock.Now();
  const int64_t generation = Generation(object);

  // Gather: the policy. A spec the schema let through but the parser refuses is reported and
  // left alone until it changes; a run in progress is left to finish.
  absl::StatusOr<BackupPolicy> parsed = api::v1alpha1::ParseBackupPolicy(object);
  absl::StatusOr<schedule::TimeZone> zone =
      parsed.ok() ? schedule::TimeZone::Load(parsed->spec.time_zone)
                  : absl::StatusOr<schedule::TimeZone>(parsed.status());
  if (!zone.ok()) {
    json updated = object;
    std::string message(zone.status().message());
    Set(updated, kConditionReady, false, "InvalidSpec", message, generation, now);
    if (ctx.events) ctx.events->Warning(object, "InvalidSpec", kActionReconcile, message);
    auto written = WriteStatus(ctx, object, std::move(updated), generation);
    if (!written.ok()) return written.status();
    return Action::AwaitChange();
  }
  const BackupPolicy& policy = *parsed;
  BackupExecutor* executor = ExecutorFor(policy.spec);
  BackupPolicyStatus status = policy.status;
  json conditions = object;  // conditions are set here and copied onto the written object
  Recorded recorded;
  auto run_now_it = policy.metadata.annotations.find(api::v1alpha1::kRunNowAnnotation);
  const std::string run_now =
      run_now_it == policy.metadata.annotations.end() ? "" : run_now_it->second;

  // Gather: the active run, as the executor sees it.
  std::optional<std::string> finished_run;
  if (status.active && executor != nullptr) {
    RunState state = executor->Poll(policy, status.active->run_id, ctx.client);
    if (state.kind == RunState::Kind::kRunning) {
      RunDecision during = DecideRun({&policy.spec, &status, &*zone, CreationTime(object), run_now, now});
      if (during.action == RunDecision::Action::kReplace) {
        absl::Status stopped = executor->Stop(policy, status.active->run_id, ctx.client);
        if (!stopped.ok()) return stopped;
        state.kind = RunState::Kind::kFinished;
        state.outcome.run_id = status.active->run_id;
        state.outcome.message = "stopped: " + during.message;
      }
    } else if (state.kind == RunState::Kind::kLost) {
      state.outcome.run_id = status.active->run_id;
      state.outcome.message = state.message;
    }
    if (state.kind != RunState::Kind::kRunning) {
      state.outcome.run_id = status.active->run_id;
      Recorded r = RecordOutcome(policy, state.outcome, status.active->start_time, now, status,
                                 conditions, metrics_);
      recorded.events.insert(recorded.events.end(), r.events.begin(), r.events.end());
      finished_run = status.active->run_id;
      status.active.reset();
    }
  }

  // Decide.
  RunDecision decision =
      DecideRun({&policy.spec, &status, &*zone, CreationTime(object), run_now, now});
  status.missed_runs += decision.newly_missed;
  if (decision.newly_missed > 0) {
    if (metrics_) {
      metrics_->CountMissed(policy.metadata.namespace_, policy.metadata.name,
                            decision.newly_missed);
    }
    recorded.events.push_back({true, "MissedRun", decision.message});
  }
  if (decision.scheduled_time) status.last_schedule_time = decision.scheduled_time;
  status.next_schedule_time = decision.next_check;
  if (decision.run_now) status.common.last_run_now = run_now;
  const bool start = decision.action != RunDecision::Action::kWait && executor != nullptr;
  std::string run_id;
  if (start) {
    run_id = NewRunId(*decision.scheduled_time, decision.run_now, status);
    status.active = api::v1alpha1::ActiveBackupRun{run_id, now};
  }

  json updated = WithStatus(object, status);
  if (conditions.contains("status") && conditions["status"].contains("conditions")) {
    updated["status"]["conditions"] = conditions["status"]["conditions"];
  }
  if (executor == nullptr) {
    Set(updated, kConditionReady, false, "ExecutorUnavailable",
        std::string("the ") + (EffectiveMode(policy.spec) == Mode::kInline ? "Inline" : "Job") +
            " executor is not available in this controller; set spec.executor.mode",
        generation, now);
  } else {
    SetReady(updated, policy, status, ScheduleMessage(status), now);
  }

  // Apply: claim the run (always written), or write what changed.
  absl::StatusOr<json> stored = WriteStatus(ctx, object, updated, generation, start);
  if (!stored.ok()) return stored.status();
  if (finished_run) executor->Forget(policy, *finished_run);
  Emit(ctx, object, recorded);
  if (!start) return RequeueAt(decision.next_check, now, status.active.has_value());

  absl::Status started = executor->Start(policy, run_id, ctx.client);
  if (started.ok()) {
    if (ctx.events) {
      ctx.events->Normal(object, "Started", kActionBackup,
                         "run " + run_id + " started: " + decision.message);
    }
    return RequeueAt(decision.next_check, now, true);
  }
  // It never started: record it as failed at once (nothing was written anywhere).
  ctx.log.Error("Starting a backup run failed", started);
  PolicyRunOutcome failed;
  failed.run_id = run_id;
  failed.message = "could not start: " + std::string(started.message());
  json after = *stored;
  Recorded r = RecordOutcome(policy, failed, now, now, status, after, metrics_);
  status.active.reset();
  json final_status = WithStatus(after, status);
  SetReady(final_status, policy, status, ScheduleMessage(status), now);
  auto written = WriteStatus(ctx, *stored, std::move(final_status), generation);
  if (!written.ok()) return written.status();
  Emit(ctx, object, r);
  return RequeueAt(decision.next_check, now, false);
}

}  // namespace upkeep::reconcilers::backup
