// ResourceInfo: everything the API server knows about one served resource (a built-in kind
// or one version of a CustomResourceDefinition): its names, scope, verbs, subresources,
// printer columns and, for custom resources, the structural schema.
// Value type; thread-compatible. The registry hands out shared_ptr<const ResourceInfo>.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

// One column of `kubectl get` (CRD additionalPrinterColumns shape).
struct PrinterColumn {
  std::string name;         // "Ready"
  std::string type;         // integer | number | string | boolean | date
  std::string format;       // optional, e.g. "date-time"
  std::string description;
  int priority = 0;         // 0 shows in the default view, >0 only with -o wide
  std::string json_path;    // ".status.conditions[?(@.type==\"Ready\")].status"
};

struct ScaleSubresource {
  std::string spec_replicas_path;    // ".spec.replicas"
  std::string status_replicas_path;  // ".status.replicas"
  std::string label_selector_path;   // optional
};

struct ResourceInfo {
  std::string group;            // "" for the core group
  std::string version;          // "v1"
  std::string resource;         // plural: "deployments"
  std::string singular;         // "deployment"
  std::string kind;             // "Deployment"
  std::string list_kind;        // "DeploymentList"
  bool namespaced = true;
  std::vector<std::string> short_names;
  std::vector<std::string> categories;
  std::vector<std::string> verbs = {"create", "delete", "deletecollection", "get",
                                    "list",   "patch",  "update",           "watch"};
  bool has_status = false;      // status subresource
  bool has_scale = false;       // scale subresource
  ScaleSubresource scale;
  std::vector<PrinterColumn> printer_columns;  // besides NAME and AGE
  // openAPIV3Schema for custom resources; null for built-ins (stored as given).
  nlohmann::json schema;
  bool custom = false;          // served from a CustomResourceDefinition
  std::string storage_version;  // the version objects are stored in (custom resources)
  // Strategic merge patch is accepted for built-in kinds only, as in Kubernetes.
  bool strategic_merge_patch = true;

  // "apps/v1" or "v1".
  std::string GroupVersion() const { return group.empty() ? version : group + "/" + version; }
  // "deployments.apps" or "secrets": the storage key prefix, shared by all versions.
  std::string GroupResource() const { return group.empty() ? resource : resource + "." + group; }
};

}  // namespace upkeep::apiserver
