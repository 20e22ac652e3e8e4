// A rolling restart of a Deployment, StatefulSet or DaemonSet, as `kubectl rollout restart`
// does it: the pod template's annotation kubectl.kubernetes.io/restartedAt is set to the
// time, so the workload's own controller replaces its pods at its own pace. Used after a new
// certificate or rotated secret is written (CertRenewal reloadTargets, SecretRotation
// restartTargets). Thread-safe (stateless).
#pragma once

#include <chrono>
#include <string>

#include <absl/status/status.h>

#include "controller/client/kube_client.h"
#include "crds/v1alpha1/common.h"

namespace upkeep::reconcilers {

inline constexpr char kRestartedAtAnnotation[] = "kubectl.kubernetes.io/restartedAt";

// NotFound when the workload does not exist; InvalidArgument for an unknown kind.
absl::Status RolloutRestart(controller::KubeClient& client, const std::string& ns,
                            const api::v1alpha1::WorkloadReference& target,
                            std::chrono::system_clock::time_point now);

}  // namespace upkeep::reconcilers
