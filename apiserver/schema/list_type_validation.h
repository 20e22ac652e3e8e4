// The x-kubernetes-list-type invariants apiextensions-apiserver checks on every write
// (pkg/apiserver/schema/listtype): items of a "set" are unique, items of a "map" are objects
// whose x-kubernetes-list-map-keys values are unique. Missing keys count as one shared "unset"
// key, as in Kubernetes; requiring the keys is the schema's job (required or default).
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver::schema {

// Walks `object` (a map at `path`, "" for a whole resource) along `schema`'s properties and
// additionalProperties ("spec.labels[key]" style paths) and reports FieldValueDuplicate errors
// on the second occurrence of each repeated item.
FieldErrors ValidateListSetsAndMaps(const nlohmann::json& schema, const nlohmann::json& object,
                                    const std::string& path);

}  // namespace upkeep::apiserver::schema
