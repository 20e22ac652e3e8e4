// BackupExecutor: where a BackupPolicy's runs execute (API.md executor). The reconciler
// starts a run after recording it in status.active, polls it on each reconcile, and records
// its outcome once finished. Inline runs in the controller's process (inline_executor.h); Job
// runs `upkeep run backup` in a Job per run (job_executor.h). Both run policy_run.h.
//
// Implementations are thread-safe.
#pragma once

#include <string>

#include <absl/status/status.h>

#include "controller/client/kube_client.h"
#include "crds/v1alpha1/backup_policy.h"
#include "reconcilers/backup/policy_run.h"

namespace upkeep::reconcilers::backup {

struct RunState {
  enum class Kind {
    kRunning,   // started or waiting for a slot
    kFinished,  // `outcome` holds the result
    kLost,      // the executor knows nothing of it: the controller restarted mid-run, or
                // the Job was deleted; `message` says which
  };
  Kind kind = Kind::kRunning;
  PolicyRunOutcome outcome;
  std::string message;
};

class BackupExecutor {
 public:
  virtual ~BackupExecutor() = default;
  // Starts run `run_id` of `policy`. An error means it did not start.
  virtual absl::Status Start(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                             controller::KubeClient& client) = 0;
  virtual RunState Poll(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                        controller::KubeClient& client) = 0;
  // Stops a run (concurrencyPolicy Replace); what it wrote is removed. A run that already
  // ended is left as it is.
  virtual absl::Status Stop(const api::v1alpha1::BackupPolicy& policy,
                            const std::string& run_id, controller::KubeClient& client) = 0;
  // The outcome of `run_id` is recorded: the executor may drop what it keeps of it.
  virtual void Forget(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id) = 0;
};

}  // namespace upkeep::reconcilers::backup
