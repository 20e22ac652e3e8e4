// The one place that knows each upkeep kind's group, version, resource, short name and CRD
// file. Reconcilers, RBAC tests and the drift check read it from here. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "controller/client/resource_type.h"

namespace upkeep::api::v1alpha1 {

inline constexpr char kGroup[] = "upkeep.dev";
inline constexpr char kVersion[] = "v1alpha1";
inline constexpr char kApiVersion[] = "upkeep.dev/v1alpha1";
// Every kind is in this `kubectl get upkeep` category.
inline constexpr char kCategory[] = "upkeep";

controller::ResourceType BackupPolicies();
controller::ResourceType CertRenewals();
controller::ResourceType HealthGates();
controller::ResourceType SecretRotations();
controller::ResourceType LogRotations();

struct KindInfo {
  controller::ResourceType type;
  std::string short_name;  // "bp"
  // The CRD's file under crds/ (and the chart's crds/): "upkeep.dev_backuppolicies.yaml".
  std::string crd_file;
  // metadata.name of the CRD: "backuppolicies.upkeep.dev".
  std::string CrdName() const { return type.resource + "." + type.group; }
};

// The five kinds, in API.md's order.
const std::vector<KindInfo>& AllKinds();

}  // namespace upkeep::api::v1alpha1
