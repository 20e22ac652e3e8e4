// The checks apiextensions-apiserver runs on every `default` in a structural CRD schema
// (pkg/apiserver/schema/defaulting/validation.go): the default must survive pruning unchanged,
// embedded resources in it must be valid, and it must pass its own schema's validation.
// Defaults under additionalProperties are not visited, as in Kubernetes; defaults inside
// resource metadata are rejected earlier by the CRD schema rules.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver::schema {

// Validates the defaults in the (structurally valid) openAPIV3Schema at `path`.
FieldErrors ValidateSchemaDefaults(const nlohmann::json& schema, const std::string& path);

}  // namespace upkeep::apiserver::schema
