// The scale subresource: an autoscaling/v1 Scale view of an object (spec.replicas,
// status.replicas, status.selector) at the paths its ResourceInfo names, and writing a
// Scale's spec.replicas back into the object. Pure functions; thread-safe.
#pragma once

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver {

nlohmann::json ScaleOf(const ResourceInfo& info, const nlohmann::json& object);

// `object` with spec replicas taken from `scale`; 422 when scale.spec.replicas is not a
// non-negative integer.
absl::StatusOr<nlohmann::json> WithScale(const ResourceInfo& info, nlohmann::json object,
                                         const nlohmann::json& scale);

}  // namespace upkeep::apiserver
