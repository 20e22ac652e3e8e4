// Strategic merge patch (Content-Type application/strategic-merge-patch+json) for built-in
// kinds, as kube-apiserver applies what kubectl sends: client-side `kubectl apply`,
// `kubectl patch --type strategic`, `kubectl rollout restart`, `kubectl set image`, ...
//
// Maps merge recursively and null deletes a member. Lists follow the field's patch strategy
// (builtin_merge_keys.h): merge-by-key lists (containers by name, env by name, ...) merge
// element-wise, merge-set lists (finalizers) take the union, every other list is replaced.
// Kinds without a table entry get map-merge with list-replace. Directives honoured:
//  - "$patch": "replace" | "delete" | "merge" in a map, and as a list element
//    ({"$patch":"replace"} replaces the whole list, {"name":"x","$patch":"delete"} deletes
//    element x);
//  - "$deleteFromPrimitiveList/<field>": scalars to remove from a merge-set list;
//  - "$setElementOrder/<field>": the order the resulting list must have (kubectl apply sends it);
//  - "$retainKeys": the only keys the map may keep after the patch.
// Errors follow kube-apiserver: malformed directives are 400 BadRequest ("invalid patch format
// of retainKeys"), lists of lists are its generic 422, and an element without its merge key or
// an unknown $patch value is a 500 carrying the Go error text.
// Deliberate differences: "$patch": "merge" is accepted as the default instead of being an
// error, and directives inside newly added values are resolved (a new map's "$patch": "replace"
// keeps the map) where kube drops such maps.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>
#include <string_view>

namespace upkeep::apiserver {

// Applies `patch` (a JSON object; null is an empty patch) to a copy of `document`, an object
// of `kind` ("Deployment", "Pod", ...).
absl::StatusOr<nlohmann::json> ApplyStrategicMergePatch(const nlohmann::json& document,
                                                        const nlohmann::json& patch,
                                                        std::string_view kind);

}  // namespace upkeep::apiserver
