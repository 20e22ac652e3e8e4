// FieldSetOf: the set of fields an object, or an applied configuration, specifies.
//
// This is what an applier comes to own: every leaf value, every item of a set or map-list
// (the item itself, written ".": {} in FieldsV1), every empty object or null, and atomic
// lists and maps as a whole. Objects that have content are implied by their fields and are
// not listed themselves, as in structured-merge-diff's ToFieldSet.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

enum class DuplicateItems {
  kReject,  // applied configurations: two items with one key are an error
  kAllow,   // stored objects: tolerated, the key is listed once
};

// Fails when a set or map-list item cannot be identified, or on a duplicate item when
// `duplicates` is kReject; the message starts with the list's path, e.g.
// ".spec.containers: element 0: associative list with keys has an element that omits ...".
absl::StatusOr<FieldSet> FieldSetOf(const nlohmann::json& object, const MergeSemantics& semantics,
                                    DuplicateItems duplicates);

}  // namespace upkeep::apiserver
