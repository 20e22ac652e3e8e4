#include "reconcilers/backup/job_executor.h"

#include "controller/client/api_error.h"

namespace upkeep::reconcilers::backup {

controller::ResourceType JobsResource() { return {"batch", "v1", "jobs", "Job", true}; }

absl::Status JobExecutor::Start(const api::v1alpha1::BackupPolicy& policy,
                                const std::string& run_id, controller::KubeClient& client) {
  absl::StatusOr<nlohmann::json> job = BuildBackupJob(policy, run_id, options_);
  if (!job.ok()) return job.status();
  auto created = client.Create(JobsResource(), policy.metadata.namespace_, *job);
  if (!created.ok() && !controller::IsAlreadyExists(created.status())) {
    return absl::Status(created.status().code(),
                        "creating Job " + (*job)["metadata"]["name"].get<std::string>() + ": " +
                            std::string(created.status().message()));
  }
  return absl::OkStatus();
}

RunState JobExecutor::Poll(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                           controller::KubeClient& client) {
  const std::string& ns = policy.metadata.namespace_;
  const std::string name = BackupJobName(policy.metadata.name, run_id);
  RunState state;
  auto job = client.Get(JobsResource(), ns, name);
  if (!job.ok()) {
    if (controller::IsNotFound(job.status())) {
      state.kind = RunState::Kind::kLost;
      state.message = "Job " + name + " of run " + run_id + " was deleted before it finished";
    }
    return state;  // another error: still running as far as we know; looked at again
  }
  controller::ListOptions by_job;
  by_job.label_selector = "job-name=" + name;
  auto pods = client.List(controller::resources::Pods(), ns, by_job);
  std::vector<nlohmann::json> items;
  if (pods.ok() && (*pods).contains("items")) {
    for (const nlohmann::json& pod : (*pods)["items"]) items.push_back(pod);
  }
  return ReadBackupJob(*job, items);
}

absl::Status JobExecutor::Stop(const api::v1alpha1::BackupPolicy& policy,
                               const std::string& run_id, controller::KubeClient& client) {
  controller::DeleteOptions background;
  background.propagation_policy = "Background";
  absl::Status deleted = client.Delete(JobsResource(), policy.metadata.namespace_,
                                       BackupJobName(policy.metadata.name, run_id), background);
  if (!deleted.ok() && !controller::IsNotFound(deleted)) return deleted;
  return absl::OkStatus();
}

}  // namespace upkeep::reconcilers::backup
