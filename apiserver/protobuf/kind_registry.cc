#include "apiserver/protobuf/kind_registry.h"

#include "apiserver/protobuf/kind_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

struct KindEntry {
  std::string_view api_version;
  std::string_view kind;
  MessageRef message;
};

constexpr KindEntry kKinds[] = {
    {"v1", "Secret", &SecretMessage},
    {"v1", "ConfigMap", &ConfigMapMessage},
    {"v1", "Namespace", &NamespaceMessage},
    {"v1", "ServiceAccount", &ServiceAccountMessage},
    {"v1", "Service", &ServiceMessage},
    {"v1", "Pod", &PodMessage},
    {"v1", "ResourceQuota", &ResourceQuotaMessage},
    {"apps/v1", "Deployment", &DeploymentMessage},
    {"batch/v1", "Job", &JobMessage},
    {"batch/v1", "CronJob", &CronJobMessage},
    {"rbac.authorization.k8s.io/v1", "Role", &RoleMessage},
    {"rbac.authorization.k8s.io/v1", "ClusterRole", &ClusterRoleMessage},
    {"rbac.authorization.k8s.io/v1", "RoleBinding", &RoleBindingMessage},
    {"rbac.authorization.k8s.io/v1", "ClusterRoleBinding", &RoleBindingMessage},
    {"coordination.k8s.io/v1", "Lease", &LeaseMessage},
    {"policy/v1", "PodDisruptionBudget", &PodDisruptionBudgetMessage},
    {"scheduling.k8s.io/v1", "PriorityClass", &PriorityClassMessage},
    {"authentication.k8s.io/v1", "TokenRequest", &TokenRequestMessage},
};

}  // namespace

const MessageDescriptor* FindKindMessage(std::string_view api_version, std::string_view kind) {
  for (const KindEntry& entry : kKinds) {
    if (entry.api_version == api_version && entry.kind == kind) return &entry.message();
  }
  return nullptr;
}

}  // namespace upkeep::apiserver::protobuf
