// The per-node rules apiextensions-apiserver applies to a CRD's openAPIV3Schema before it looks
// at structure (ValidateCustomResourceDefinitionOpenAPISchema and specStandardValidatorV3):
// supported types, unsupported JSON-Schema keywords, uniqueItems, properties vs
// additionalProperties, defaults in top-level metadata, and the x-kubernetes-list-type /
// -map-type / -list-map-keys rules. x-kubernetes-validations (CEL) rules are not compiled.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver::schema {

// Checks `schema` (the openAPIV3Schema at `path`). Sets *uses_unsupported_keywords when the
// schema cannot be read as a structural schema at all (id, $ref, definitions, items arrays,
// x-kubernetes-preserve-unknown-fields: false, ...), in which case Kubernetes skips the
// structural checks.
FieldErrors ValidateCrdSchemaRules(const nlohmann::json& schema, const std::string& path,
                                   bool* uses_unsupported_keywords);

}  // namespace upkeep::apiserver::schema
