#include "reconcilers/workloads/rollout_restart.h"

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers {

absl::Status RolloutRestart(controller::KubeClient& client, const std::string& ns,
                            const api::v1alpha1::WorkloadReference& target,
                            std::chrono::system_clock::time_point now) {
  std::string resource;
  if (target.kind == "Deployment") {
    resource = "deployments";
  } else if (target.kind == "StatefulSet") {
    resource = "statefulsets";
  } else if (target.kind == "DaemonSet") {
    resource = "daemonsets";
  } else {
    return absl::InvalidArgumentError("cannot restart a " + target.kind +
                                      " (one of Deployment, StatefulSet, DaemonSet)");
  }
  controller::ResourceType type{"apps", "v1", resource, target.kind, true};
  nlohmann::json patch = {
      {"spec",
       {{"template",
         {{"metadata",
           {{"annotations", {{kRestartedAtAnnotation, controller::FormatRfc3339(now)}}}}}}}}}};
  auto patched = client.Patch(type, ns, target.name, controller::PatchType::kMerge, patch);
  if (!patched.ok()) return patched.status();
  return absl::OkStatus();
}

}  // namespace upkeep::reconcilers
