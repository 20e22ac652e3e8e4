// MergeObjects: an applied configuration laid over the live object.
//
// Granular objects merge key by key; map-lists merge item by item on their keys and sets by
// value, keeping live-only items where they were and shared items in the applied order;
// scalars and atomic lists and maps take the applied value. A null in the applied
// configuration removes the field (the applier still owns it), as merge patches do.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>

#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

// Fails only when a set or map-list item of either side cannot be identified.
absl::StatusOr<nlohmann::json> MergeObjects(const nlohmann::json& live,
                                            const nlohmann::json& applied,
                                            const MergeSemantics& semantics);

}  // namespace upkeep::apiserver
