// The BackupPolicy reconciler: runs each policy's backups on its schedule through an executor
// and keeps its status (API.md "BackupPolicy"). Gather (the policy, the executor's view of the
// active run), decide (run_decision.h: CronJob's rules, run-now, concurrencyPolicy), apply
// (record a finished run, start the next one, write status, Events and metrics).
//
// A run is claimed before it starts: status.active and lastScheduleTime are written at the
// cached resourceVersion, so a reconcile working from a stale cache gets Conflict instead of
// starting the same run twice, and a restarted controller finds the run in status. A run the
// executor no longer knows (the controller died mid-run) is recorded as failed; its half-
// written backup was never listed and is removed by the next run.
//
// Status: lastScheduleTime, nextScheduleTime, active, lastSuccessfulTime, lastFailureTime,
// lastVerifiedTime, missedRuns, backups (the destination's inventory as the last run found
// it), history (newest first, historyLimit successful and failed runs), observedGeneration
// and the conditions:
//   LastBackupSucceeded  the last finished run (reason Succeeded | Failed, with its message)
//   Verified             the last restore test (Passed | Failed); absent before the first
//   Ready                False for an invalid spec, a failed last run or a failed restore
//                        test; else True (Scheduled, Running or Suspended).
//
// Thread-safe: the controller never reconciles one object on two workers; the executor is
// thread-safe.
#pragma once

#include <memory>

#include "controller/runtime/manager.h"
#include "controller/runtime/reconciler.h"
#include "reconcilers/backup/backup_executor.h"
#include "reconcilers/backup/backup_metrics.h"

namespace upkeep::reconcilers::backup {

struct BackupExecutors {
  BackupExecutor* inline_executor = nullptr;  // borrowed; null: not available
  BackupExecutor* job_executor = nullptr;     // borrowed; null: not available
  // What executor.mode unset means here: Job in a cluster, Inline in `upkeep dev`.
  api::v1alpha1::ExecutorSpec::Mode default_mode = api::v1alpha1::ExecutorSpec::Mode::kJob;
};

class BackupPolicyReconciler final : public controller::Reconciler {
 public:
  // `metrics` may be null.
  BackupPolicyReconciler(BackupExecutors executors, BackupMetrics* metrics);

  absl::StatusOr<controller::Action> Reconcile(const nlohmann::json& object,
                                               controller::ReconcileContext& ctx) override;

 private:
  absl::StatusOr<controller::Action> ReconcilePolicy(const nlohmann::json& object,
                                                     controller::ReconcileContext& ctx);
  api::v1alpha1::ExecutorSpec::Mode EffectiveMode(const api::v1alpha1::BackupPolicySpec& spec) const;
  BackupExecutor* ExecutorFor(const api::v1alpha1::BackupPolicySpec& spec) const;

  // Constant after construction.
  const BackupExecutors executors_;
  BackupMetrics* const metrics_;
};

struct BackupPolicyControllerOptions {
  api::v1alpha1::ExecutorSpec::Mode default_mode = api::v1alpha1::ExecutorSpec::Mode::kJob;
  int max_concurrent_inline_runs = 2;
  // Where the Inline executor finds volume claims (policy_backups.h); default: $UPKEEP_VOLUME_ROOT
  // or /var/lib/upkeep/volumes.
  std::string volume_root;
  // The image a run's Job uses when spec.executor.image is unset: upkeep's own (the chart
  // sets $UPKEEP_IMAGE on the controller); "" and unset there: such runs fail, saying so.
  std::string runner_image;
};

// Everything the BackupPolicy controller needs, owned together for the manager's lifetime.
class BackupPolicyController {
 public:
  explicit BackupPolicyController(controller::Manager& manager,
                                  BackupPolicyControllerOptions options = {});
  ~BackupPolicyController();

 private:
  std::unique_ptr<BackupMetrics> metrics_;
  std::unique_ptr<BackupExecutor> inline_;
  std::unique_ptr<BackupExecutor> job_;
  std::unique_ptr<BackupPolicyReconciler> reconciler_;
  std::shared_ptr<controller::GaugeRefresher> gauge_refresher_;
};

}  // namespace upkeep::reconcilers::backup
