// CompareObjects: which fields a write added, changed and removed.
//
// Ownership follows change: an Update manager comes to own what its write added or changed,
// other managers lose what it changed or removed, and an applier conflicts with the owners
// of what its apply would change. Leaves (scalars, atomic lists and maps) are compared by
// value; a map, map-list item or set item that appears or disappears as a whole is reported
// as well as its contents, as structured-merge-diff's Compare does.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

struct Comparison {
  FieldSet added;     // in `after` only
  FieldSet modified;  // leaves in both with different values
  FieldSet removed;   // in `before` only
};

// Fails only when a set or map-list item cannot be identified.
absl::StatusOr<Comparison> CompareObjects(const nlohmann::json& before, const nlohmann::json& after,
                                          const MergeSemantics& semantics);

}  // namespace upkeep::apiserver
