// Acceptance of a CRD version's schema.openAPIV3Schema, with the errors kube-apiserver returns
// when such a CRD is created or updated: the per-node OpenAPI rules, the structural-schema
// rules and the validity of every default. Stops where Kubernetes stops: structural rules only
// run on a schema without unsupported keywords, defaults only on a structural schema.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver {

// `field_path` names the schema in the CRD, e.g.
// "spec.versions[0].schema.openAPIV3Schema"; errors are reported below it
// ("spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be
// empty for specified object fields").
FieldErrors ValidateStructuralSchema(const nlohmann::json& schema, const std::string& field_path);

}  // namespace upkeep::apiserver
