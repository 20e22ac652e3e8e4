// Defaulting of custom resources from the `default` values in a CRD schema, as
// apiextensions-apiserver does when it decodes a request or reads from storage
// (pkg/apiserver/schema/defaulting).
//
// The server's order is: PruneUnknownFields, PruneNonNullableNulls, ApplySchemaDefaults, then
// ValidateAgainstSchema. Free functions; thread-safe for distinct objects.
#pragma once

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

// Sets `default` values top-down: a property that is absent, or null while not nullable, gets
// its default (a deep copy), and then every property, additionalProperties value and array item
// is defaulted in turn, so a freshly defaulted object also receives its nested defaults.
// Null map values and array items that are not nullable get the default of their schema if it
// has one.
void ApplySchemaDefaults(const nlohmann::json& schema, nlohmann::json& object);

// Removes object fields whose value is null when their schema is not nullable and has no
// default (Kubernetes drops them instead of rejecting them; nulls that have a default are left
// for ApplySchemaDefaults). Fields without a schema are left alone.
void PruneNonNullableNulls(const nlohmann::json& schema, nlohmann::json& object);

}  // namespace upkeep::apiserver
