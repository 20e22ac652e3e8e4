// Typed reads of one openAPIV3Schema node (a JSONSchemaProps as JSON), tolerant of absent or
// mistyped keywords so the algorithms can walk schemas that have not been validated yet.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace upkeep::apiserver::schema {

// The keyword's value if `schema` is an object that has it, else nullptr.
const nlohmann::json* SchemaKeyword(const nlohmann::json& schema, std::string_view keyword);
// The keyword's value if it is itself a schema (an object), else nullptr; e.g. "items", "not".
const nlohmann::json* SubSchema(const nlohmann::json& schema, std::string_view keyword);
// properties[name] if present.
const nlohmann::json* PropertySchema(const nlohmann::json& schema, std::string_view name);
// A boolean keyword such as "nullable" or "x-kubernetes-preserve-unknown-fields"; false if
// absent.
bool SchemaFlag(const nlohmann::json& schema, std::string_view keyword);
// A string keyword such as "type" or "format"; empty if absent.
std::string SchemaString(const nlohmann::json& schema, std::string_view keyword);
// True if "additionalProperties" is present at all (true, false or a schema); Kubernetes then
// treats unknown keys as map entries instead of pruning them.
bool HasAdditionalProperties(const nlohmann::json& schema);
// "additionalProperties" when it is a schema, else nullptr.
const nlohmann::json* AdditionalPropertiesSchema(const nlohmann::json& schema);

}  // namespace upkeep::apiserver::schema
