// Discovery documents (/api, /apis, /api/v1, /apis/<group>[/<version>]) built from the
// registry, in the legacy (unaggregated) format that kubectl and client libraries fall back
// to when the server does not offer aggregated discovery. Pure; thread-safe.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_registry.h"

namespace upkeep::apiserver {

nlohmann::json CoreApiVersions(const std::string& server_address);
nlohmann::json ApiGroupList(const ResourceRegistry& registry);
// Empty when the group is not served.
std::optional<nlohmann::json> ApiGroup(const ResourceRegistry& registry, const std::string& group);
// Empty when the group-version is not served.
std::optional<nlohmann::json> ApiResourceList(const ResourceRegistry& registry,
                                              const std::string& group,
                                              const std::string& version);

}  // namespace upkeep::apiserver
