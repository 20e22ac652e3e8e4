// JobExecutor: each run is a Job (backup_job.h) that runs `upkeep run backup`, so backups run
// beside the volumes they read, with their own resources and deadline, and a dying controller
// does not take a run with it. Its state lives in the cluster: a restarted controller finds the
// Job of status.active and reads its result from the Pod's termination message.
//
// Thread-safe (no state of its own; the client is the caller's).
#pragma once

#include "reconcilers/backup/backup_executor.h"
#include "reconcilers/backup/backup_job.h"

namespace upkeep::reconcilers::backup {

class JobExecutor final : public BackupExecutor {
 public:
  explicit JobExecutor(BackupJobOptions options) : options_(std::move(options)) {}

  // Creates the Job; a Job of this run already there (a retried reconcile) is fine.
  absl::Status Start(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                     controller::KubeClient& client) override;
  // The Job and its Pods (label job-name); a missing Job is kLost.
  RunState Poll(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                controller::KubeClient& client) override;
  // Deletes the Job and its Pods (the runner's SIGTERM handler removes what it wrote).
  absl::Status Stop(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                    controller::KubeClient& client) override;
  void Forget(const api::v1alpha1::BackupPolicy&, const std::string&) override {}

 private:
  const BackupJobOptions options_;
};

// batch/v1 Jobs.
controller::ResourceType JobsResource();

}  // namespace upkeep::reconcilers::backup
