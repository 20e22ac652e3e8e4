// The structural-schema rules of apiextensions-apiserver (pkg/apiserver/schema/validation.go
// and complete.go): every specified field and array item has a type (unless
// x-kubernetes-int-or-string or x-kubernetes-preserve-unknown-fields stands in for it), the
// root is an object without additionalProperties, allOf/anyOf/oneOf/not only add value
// validation, metadata at the root restricts nothing but name and generateName, and so on.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver::schema {

// Errors for the openAPIV3Schema at `path`, sorted by their text as Kubernetes sorts them.
FieldErrors ValidateStructuralInvariants(const nlohmann::json& schema, const std::string& path);

}  // namespace upkeep::apiserver::schema
