// Manifests: Kubernetes YAML files read into objects and applied with server-side apply, as
// `kubectl apply --server-side -f DIR` does; used by `upkeep dev` to load crds/ and the
// examples. Kinds map to resources by kube's own guess (kubectl's UnsafeGuessKindToResource)
// unless a CustomResourceDefinition applied earlier names the plural.
#pragma once

#include <map>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/kube_client.h"

namespace upkeep::controller {

// Every document of every *.yaml / *.yml / *.json file in `path` (a file or a folder, files
// in name order; not recursive), skipping empty documents and kustomization.yaml. Errors name
// the file.
absl::StatusOr<std::vector<nlohmann::json>> ReadManifests(const std::string& path);

// "Ingress" -> "ingresses", "Policy" -> "policies", "Endpoints" -> "endpoints".
std::string GuessResourceForKind(const std::string& kind);

class ManifestApplier {
 public:
  explicit ManifestApplier(KubeClient& client, std::string field_manager = "upkeep-dev");
  // Applies CustomResourceDefinitions first and waits (up to `wait`) until they are
  // Established, then the rest in order. A namespaced object without a namespace goes to
  // `default_namespace`. Returns the first error, naming the object.
  absl::Status Apply(const std::vector<nlohmann::json>& objects,
                     const std::string& default_namespace = "default",
                     std::chrono::milliseconds wait = std::chrono::seconds(10));

 private:
  absl::StatusOr<ResourceType> TypeOf(const nlohmann::json& object) const;
  absl::Status ApplyOne(const nlohmann::json& object, const std::string& default_namespace);

  KubeClient& client_;
  const std::string field_manager_;
  // From applied CRDs: "group/Kind" -> {plural, namespaced}.
  std::map<std::string, ResourceType> custom_;
};

}  // namespace upkeep::controller
