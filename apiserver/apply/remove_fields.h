// RemoveFields: an object with the fields of a FieldSet taken out.
//
// Server-side apply prunes what an applier stopped applying and nobody else owns. A path in
// the set removes that field, map-list item or set item with everything below it; an object
// or list left empty by the removal goes too, since nobody asked for it to exist empty.
// Free function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

// Items that cannot be identified are kept: they cannot be named by any set.
nlohmann::json RemoveFields(const nlohmann::json& object, const FieldSet& fields,
                            const MergeSemantics& semantics);

}  // namespace upkeep::apiserver
