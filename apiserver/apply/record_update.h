// RecordUpdate: the ownership change an ordinary write (create, update, patch) makes.
//
// The writer comes to own, as an Update entry, every field it added or changed; those
// fields, and the ones it removed, leave every other manager's set. Shared by TrackUpdate and
// by the first apply to an object that has no managedFields yet (whose existing fields go to
// "before-first-apply").
// Free function; thread-safe.
#pragma once

#include <absl/status/status.h>

#include <nlohmann/json.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/managed_fields.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

// `before` and `after` are the objects without managedFields. `writer` names the entry
// (manager, apiVersion, subresource, time; its operation and fields are ignored). Paths
// under `ignored` are neither taken nor taken away. Fails only when list items cannot be
// identified.
absl::Status RecordUpdate(const nlohmann::json& before, const nlohmann::json& after,
                          const ManagedFieldsEntry& writer, const MergeSemantics& semantics,
                          const FieldSet& ignored, ManagedFields& managed);

}  // namespace upkeep::apiserver
