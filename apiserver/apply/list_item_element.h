// ListItemElement: the path element that identifies one item of a set or map-list.
//
// Items of a map-list are identified by their key fields ("k:{\"name\":\"nginx\"}"), items
// of a set by their value ("v:\"a\""), so that the same item matches across the live
// object, an applied configuration and recorded field sets, wherever it sits in the list.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

// Fails (with structured-merge-diff's wording) when the item cannot be identified: a
// map-list item that is not an object or lacks a key field without a default, a set item
// that is an object or a list. Must not be called for atomic lists.
absl::StatusOr<PathElement> ListItemElement(const ListSemantics& semantics,
                                            const nlohmann::json& item);

}  // namespace upkeep::apiserver
