// How a schema names another schema in each OpenAPI dialect the server publishes. Internal to
// the openapi component. Free functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver::openapi_internal {

enum class OpenApiDialect {
  kSwagger2,  // /openapi/v2: "#/definitions/<name>"
  kOpenApi3,  // /openapi/v3/...: "#/components/schemas/<name>"
};

// "#/definitions/<name>" or "#/components/schemas/<name>".
std::string SchemaRef(OpenApiDialect dialect, const std::string& name);

// {"$ref": ...} alone, for places with nothing else to say (array items, response bodies).
nlohmann::json RefSchema(OpenApiDialect dialect, const std::string& name);

// A property that is a named schema plus its own description. OpenAPI 3.0 ignores siblings of
// "$ref", so v3 wraps the reference in a one-element allOf (kubectl explain then shows both
// descriptions and the referenced type's name); Swagger 2.0 readers expect the plain "$ref".
nlohmann::json RefProperty(OpenApiDialect dialect, const std::string& name,
                           const std::string& description);

// {"type": type, "description": description}, with "format" when not empty.
nlohmann::json ScalarProperty(const std::string& type, const std::string& description,
                              const std::string& format = "");

}  // namespace upkeep::apiserver::openapi_internal
