// ResourceRegistry: the set of resources the server serves right now: the built-in kinds
// plus one entry per served version of every established CustomResourceDefinition.
// Discovery, OpenAPI and request routing all read it; creating or changing a CRD updates it
// at once. Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/api/field_error.h"
#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver {

using ResourcePtr = std::shared_ptr<const ResourceInfo>;

class ResourceRegistry {
 public:
  ResourceRegistry();  // starts with the built-in kinds

  // Looks up by group, version and plural resource name.
  ResourcePtr Find(const std::string& group, const std::string& version,
                   const std::string& resource) const;
  // Every served resource, in a stable order (group, version, resource).
  std::vector<ResourcePtr> All() const;
  // Group -> versions, preferred first (built-ins) or in CRD order (custom).
  std::vector<std::pair<std::string, std::vector<std::string>>> Groups() const;

  // Serves (or re-serves) the versions of `crd`; replaces what the CRD served before.
  void ServeCustomResource(const nlohmann::json& crd);
  // Stops serving everything `crd_name` ("backuppolicies.upkeep.dev") served.
  void StopServing(const std::string& crd_name);

  // Bumped on every change, so discovery and OpenAPI documents can be cached.
  uint64_t Generation() const { return generation_.load(); }

 private:
  void Add(ResourcePtr info, const std::string& owner_crd);  // requires mu_
  void RecomputeGroupVersions(const std::string& group);     // requires mu_

  mutable std::shared_mutex mu_;
  std::map<std::string, ResourcePtr> by_key_;  // "group/version/resource"; guarded by mu_
  std::map<std::string, std::vector<std::string>> crd_keys_;  // crd name -> keys; guarded
  std::vector<std::pair<std::string, std::vector<std::string>>> builtin_groups_;
  std::map<std::string, std::vector<std::string>> crd_group_versions_;  // guarded by mu_
  std::atomic<uint64_t> generation_{1};
};

// The built-in kinds the server stores (core, apps, batch, coordination, events, networking,
// rbac, apiextensions), with their names, scope, subresources and `kubectl get` columns.
std::vector<ResourceInfo> BuiltinResources();

// Structural checks of a CustomResourceDefinition itself (names, scope, versions, exactly one
// storage version), with Kubernetes' field paths; schema checks are added by the caller.
FieldErrors ValidateCustomResourceDefinition(const nlohmann::json& crd);

// The ResourceInfo for each served version of `crd`.
std::vector<ResourceInfo> ResourcesOfCrd(const nlohmann::json& crd);

}  // namespace upkeep::apiserver
