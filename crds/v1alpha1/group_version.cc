#include "crds/v1alpha1/group_version.h"

namespace upkeep::api::v1alpha1 {
namespace {

controller::ResourceType Upkeep(const char* resource, const char* kind) {
  return controller::ResourceType{kGroup, kVersion, resource, kind, /*namespaced=*/true};
}

}  // namespace

controller::ResourceType BackupPolicies() { return Upkeep("backuppolicies", "BackupPolicy"); }
controller::ResourceType CertRenewals() { return Upkeep("certrenewals", "CertRenewal"); }
controller::ResourceType HealthGates() { return Upkeep("healthgates", "HealthGate"); }
controller::ResourceType SecretRotations() { return Upkeep("secretrotations", "SecretRotation"); }
controller::ResourceType LogRotations() { return Upkeep("logrotations", "LogRotation"); }

const std::vector<KindInfo>& AllKinds() {
  static const std::vector<KindInfo> kKinds = [] {
    std::vector<KindInfo> kinds;
    for (auto [type, short_name] : {std::pair{BackupPolicies(), "bp"},
                                    std::pair{CertRenewals(), "cr"},
                                    std::pair{HealthGates(), "hg"},
                                    std::pair{SecretRotations(), "sr"},
                                    std::pair{LogRotations(), "lr"}}) {
      std::string file = std::string(kGroup) + "_" + type.resource + ".yaml";
      kinds.push_back(KindInfo{std::move(type), short_name, std::move(file)});
    }
    return kinds;
  }();
  return kKinds;
}

}  // namespace upkeep::api::v1alpha1
