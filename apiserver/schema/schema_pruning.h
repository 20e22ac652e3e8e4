// Pruning of unknown fields from custom resources, as apiextensions-apiserver does for
// structural schemas (pkg/apiserver/schema/pruning): a field survives only if the schema
// declares it in `properties`, the object has `additionalProperties` (then every key is a map
// entry), or x-kubernetes-preserve-unknown-fields: true applies at that level. apiVersion,
// kind and metadata are kept at the resource root and inside x-kubernetes-embedded-resource
// objects.
// Free functions; thread-safe for distinct objects.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace upkeep::apiserver {

// Prunes a whole custom resource in place. When `pruned_paths` is not null it receives the
// path of every removed field ("spec.foo", "spec.items[1].bar"), sorted, for the
// `unknown field "spec.foo"` warnings and errors of fieldValidation=Warn|Strict.
void PruneUnknownFields(const nlohmann::json& schema, nlohmann::json& object,
                        std::vector<std::string>* pruned_paths);

// Prunes a value that is not itself a resource (e.g. a default inside a CRD); the value is
// treated as a resource root only if its schema is an x-kubernetes-embedded-resource.
void PruneUnknownFieldsOfValue(const nlohmann::json& schema, nlohmann::json& value);

}  // namespace upkeep::apiserver
