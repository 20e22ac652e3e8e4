#include "reconcilers/backup/backup_job.h"

#include <algorithm>

#include "backup/sha256_sink.h"
#include "controller/object/kube_time.h"
#include "controller/object/owner_references.h"
#include "reconcilers/backup/run_report.h"

namespace upkeep::reconcilers::backup {
namespace {

using nlohmann::json;

constexpr size_t kMaxNameLength = 63;

struct Claim {
  std::string name;
  bool read_only;
};

// Every claim the policy uses, once each; read-only unless backups are written to it.
std::vector<Claim> ClaimsOf(const api::v1alpha1::BackupPolicySpec& spec) {
  std::vector<Claim> claims;
  if (const auto* dest = std::get_if<api::v1alpha1::VolumeDestination>(&spec.destination)) {
    claims.push_back({dest->claim_name, false});
  }
  if (const auto* source = std::get_if<api::v1alpha1::VolumeSource>(&spec.source)) {
    if (claims.empty() || claims.front().name != source->claim_name) {
      claims.push_back({source->claim_name, true});
    }
  }
  return claims;
}

std::string ConditionTrue(const json& job, const char* type, std::string* message) {
  if (!job.contains("status") || !job["status"].contains("conditions")) return "";
  for (const json& c : job["status"]["conditions"]) {
    if (c.value("type", "") == type && c.value("status", "") == "True") {
      *message = c.value("message", "");
      std::string reason = c.value("reason", "");
      return reason.empty() ? type : reason;
    }
  }
  return "";
}

// The runner container's terminated state in `pod`, or null.
const json* Terminated(const json& pod) {
  if (!pod.contains("status") || !pod["status"].contains("containerStatuses")) return nullptr;
  for (const json& c : pod["status"]["containerStatuses"]) {
    if (c.value("name", "") != kRunnerContainer) continue;
    if (c.contains("state") && c["state"].contains("terminated")) return &c["state"]["terminated"];
  }
  return nullptr;
}

std::string CreationTimestamp(const json& pod) {
  return pod.contains("metadata") ? pod["metadata"].value("creationTimestamp", "") : "";
}

}  // namespace

std::string BackupJobName(const std::string& policy_name, const std::string& run_id) {
  std::string name = policy_name + "-" + run_id;
  if (name.size() <= kMaxNameLength) return name;
  std::string hash = upkeep::backup::Sha256Hex(policy_name).substr(0, 8);
  size_t room = kMaxNameLength - run_id.size() - hash.size() - 2;
  std::string prefix = policy_name.substr(0, room);
  while (!prefix.empty() && (prefix.back() == '-' || prefix.back() == '.')) prefix.pop_back();
  return prefix + "-" + hash + "-" + run_id;
}

absl::StatusOr<json> BuildBackupJob(const api::v1alpha1::BackupPolicy& policy,
                                    const std::string& run_id, const BackupJobOptions& options) {
  const api::v1alpha1::ExecutorSpec& executor = policy.spec.executor;
  const std::string image = executor.image.empty() ? options.default_image : executor.image;
  if (image.empty()) {
    return absl::InvalidArgumentError(
        "spec.executor.image: no image to run the backup Job with (the controller does not "
        "know its own image: set UPKEEP_IMAGE on the controller or spec.executor.image)");
  }
  const std::string& ns = policy.metadata.namespace_;
  const std::string& name = policy.metadata.name;
  const std::string job_name = BackupJobName(name, run_id);
  json labels = {{"app.kubernetes.io/name", "upkeep"},
                 {"app.kubernetes.io/component", "backup"},
                 {"app.kubernetes.io/managed-by", "upkeep"},
                 {kPolicyLabel, name.size() <= kMaxNameLength ? name : job_name},
                 {kRunIdLabel, run_id}};
  json container = {
      {"name", kRunnerContainer},
      {"image", image},
      {"args", {"run", "backup", ns + "/" + name, "--run-id", run_id}},
      {"env", {{{"name", "UPKEEP_VOLUME_ROOT"}, {"value", kJobVolumeRoot}}}},
      {"terminationMessagePath", kDefaultTerminationLogPath},
      {"terminationMessagePolicy", "FallbackToLogsOnError"},
      {"securityContext",
       {{"allowPrivilegeEscalation", false},
        {"readOnlyRootFilesystem", true},
        {"runAsNonRoot", true},
        {"capabilities", {{"drop", {"ALL"}}}},
        {"seccompProfile", {{"type", "RuntimeDefault"}}}}},
      {"volumeMounts", {{{"name", "tmp"}, {"mountPath", "/tmp"}}}}};
  if (executor.resources.is_object() && !executor.resources.empty()) {
    container["resources"] = executor.resources;
  }
  json volumes = {{{"name", "tmp"}, {"emptyDir", json::object()}}};
  int index = 0;
  for (const Claim& claim : ClaimsOf(policy.spec)) {
    std::string volume = "claim-" + std::to_string(index++);
    container["volumeMounts"].push_back({{"name", volume},
                                         {"mountPath", std::string(kJobVolumeRoot) + "/" + claim.name},
                                         {"readOnly", claim.read_only}});
    volumes.push_back({{"name", volume},
                       {"persistentVolumeClaim",
                        {{"claimName", claim.name}, {"readOnly", claim.read_only}}}});
  }
  json pod_spec = {{"restartPolicy", "Never"},
                   {"automountServiceAccountToken", true},  // it reads the policy and Secrets
                   {"containers", {container}},
                   {"volumes", volumes}};
  if (!executor.service_account_name.empty()) {
    pod_spec["serviceAccountName"] = executor.service_account_name;
  }
  json job = {{"apiVersion", "batch/v1"},
              {"kind", "Job"},
              {"metadata", {{"name", job_name}, {"namespace", ns}, {"labels", labels}}},
              {"spec",
               {{"backoffLimit", executor.backoff_limit.value_or(1)},
                {"activeDeadlineSeconds", executor.active_deadline_seconds.value_or(3600)},
                {"ttlSecondsAfterFinished", options.ttl_seconds_after_finished},
                {"template", {{"metadata", {{"labels", labels}}}, {"spec", pod_spec}}}}}};
  json owner = {{"apiVersion", "upkeep.dev/v1alpha1"},
                {"kind", "BackupPolicy"},
                {"metadata", {{"name", name}, {"namespace", ns}, {"uid", policy.metadata.uid}}}};
  absl::Status owned = controller::SetControllerReference(owner, job);
  if (!owned.ok()) return owned;
  return job;
}

RunState ReadBackupJob(const json& job, const std::vector<json>& pods) {
  RunState state;
  std::string message;
  std::string complete = ConditionTrue(job, "Complete", &message);
  std::string failed = complete.empty() ? ConditionTrue(job, "Failed", &message) : "";
  if (complete.empty() && failed.empty()) return state;  // still running
  state.kind = RunState::Kind::kFinished;

  // The newest Pod that ended; its report says what happened.
  std::vector<const json*> ended;
  for (const json& pod : pods) {
    if (Terminated(pod) != nullptr) ended.push_back(&pod);
  }
  std::sort(ended.begin(), ended.end(), [](const json* a, const json* b) {
    return CreationTimestamp(*a) > CreationTimestamp(*b);
  });
  std::string container_reason;
  for (const json* pod : ended) {
    const json& terminated = *Terminated(*pod);
    auto report = ParseRunReport(terminated.value("message", ""));
    if (report.ok()) {
      state.outcome = std::move(*report);
      return state;
    }
    if (container_reason.empty()) {
      container_reason = terminated.value("reason", "") + ", exit code " +
                         std::to_string(terminated.value("exitCode", -1));
    }
  }
  state.outcome.succeeded = false;
  state.outcome.message = "Job " + job["metadata"].value("name", "") + " " +
                          (complete.empty() ? "failed (" + failed + ")" : "completed") +
                          " without a report" + (message.empty() ? "" : ": " + message) +
                          (container_reason.empty() ? "" : " (container: " + container_reason + ")");
  return state;
}

}  // namespace upkeep::reconcilers::backup
