#include "apiserver/registry/resource_registry.h"

namespace upkeep::apiserver {
namespace {

struct BuiltinSpec {
  const char* group;
  const char* version;
  const char* resource;
  const char* singular;
  const char* kind;
  bool namespaced;
  std::vector<std::string> short_names;
  bool has_status = false;
  bool has_scale = false;
  std::vector<std::string> categories = {};
};

}  // namespace

std::vector<ResourceInfo> BuiltinResources() {
  const std::vector<BuiltinSpec> specs = {
      {"", "v1", "namespaces", "namespace", "Namespace", false, {"ns"}, true},
      {"", "v1", "secrets", "secret", "Secret", true, {}},
      {"", "v1", "configmaps", "configmap", "ConfigMap", true, {"cm"}},
      {"", "v1", "services", "service", "Service", true, {"svc"}, true, false, {"all"}},
      {"", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", true, {"sa"}},
      {"", "v1", "pods", "pod", "Pod", true, {"po"}, true, false, {"all"}},
      {"", "v1", "events", "event", "Event", true, {"ev"}},
      {"", "v1", "persistentvolumeclaims", "persistentvolumeclaim", "PersistentVolumeClaim",
       true, {"pvc"}, true},
      {"apps", "v1", "deployments", "deployment", "Deployment", true, {"deploy"}, true, true,
       {"all"}},
      {"apps", "v1", "replicasets", "replicaset", "ReplicaSet", true, {"rs"}, true, true,
       {"all"}},
      {"apps", "v1", "statefulsets", "statefulset", "StatefulSet", true, {"sts"}, true, true,
       {"all"}},
      {"apps", "v1", "daemonsets", "daemonset", "DaemonSet", true, {"ds"}, true, false,
       {"all"}},
      {"apps", "v1", "controllerrevisions", "controllerrevision", "ControllerRevision", true,
       {}},
      {"batch", "v1", "jobs", "job", "Job", true, {}, true, false, {"all"}},
      {"batch", "v1", "cronjobs", "cronjob", "CronJob", true, {"cj"}, true, false, {"all"}},
      {"coordination.k8s.io", "v1", "leases", "lease", "Lease", true, {}},
      {"events.k8s.io", "v1", "events", "event", "Event", true, {"ev"}},
      {"discovery.k8s.io", "v1", "endpointslices", "endpointslice", "EndpointSlice", true, {}},
      {"networking.k8s.io", "v1", "ingresses", "ingress", "Ingress", true, {"ing"}, true},
      {"rbac.authorization.k8s.io", "v1", "roles", "role", "Role", true, {}},
      {"rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding", true,
       {}},
      {"rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", false,
       {}},
      {"rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding",
       "ClusterRoleBinding", false, {}},
      {"apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition",
       "CustomResourceDefinition", false, {"crd", "crds"}, true},
  };
  std::vector<ResourceInfo> out;
  for (const BuiltinSpec& s : specs) {
    ResourceInfo info;
    info.group = s.group;
    info.version = s.version;
    info.resource = s.resource;
    info.singular = s.singular;
    info.kind = s.kind;
    info.list_kind = std::string(s.kind) + "List";
    info.namespaced = s.namespaced;
    info.short_names = s.short_names;
    info.categories = s.categories;
    info.has_status = s.has_status;
    info.has_scale = s.has_scale;
    if (s.has_scale) {
      info.scale = {".spec.replicas", ".status.replicas", ".status.selector"};
    }
    if (info.resource == "namespaces") {
      info.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
    }
    out.push_back(std::move(info));
  }
  return out;
}

}  // namespace upkeep::apiserver
