// Validation of custom resources against a CRD version's schema.openAPIV3Schema, with the
// results kube-apiserver's apiextensions-apiserver produces: the k8s.io/kube-openapi schema
// validator (type, enum, pattern, bounds, lengths, allOf/anyOf/oneOf/not, ...) converted to
// field errors, then the embedded-resource and x-kubernetes-list-type invariants.
//
// Run it after PruneUnknownFields, PruneNonNullableNulls and ApplySchemaDefaults, as the server
// does, so pruned fields and defaulted nulls are not reported. x-kubernetes-validations (CEL)
// rules are ignored. Field paths follow Kubernetes: kube-openapi errors name map entries with
// dots ("spec.labels.foo"), the list-type and embedded-resource checks with brackets
// ("spec.labels[foo]"); errors kube-openapi reports without a field (anyOf/oneOf/allOf/not)
// carry the field "<nil>" exactly as a real server prints them.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver {

// Validates a whole custom resource (apiVersion, kind, metadata, spec, status, ...). Root
// apiVersion/kind/metadata are only checked as far as the schema itself describes them; the
// server validates ObjectMeta separately.
FieldErrors ValidateAgainstSchema(const nlohmann::json& schema, const nlohmann::json& object);

// The kube-openapi part alone, for a value found at `field_path` (e.g. a default inside a CRD,
// "spec.versions[0].schema.openAPIV3Schema.properties[spec].default"). Messages name paths
// relative to the value, as kube-apiserver's do. An empty field_path means the value is a
// whole resource.
FieldErrors ValidateValueAgainstSchema(const nlohmann::json& schema, const nlohmann::json& value,
                                       const std::string& field_path);

}  // namespace upkeep::apiserver
