#include "apiserver/openapi/schema_ref.h"

namespace upkeep::apiserver::openapi_internal {

std::string SchemaRef(OpenApiDialect dialect, const std::string& name) {
  return (dialect == OpenApiDialect::kSwagger2 ? "#/definitions/" : "#/components/schemas/") +
         name;
}

nlohmann::json RefSchema(OpenApiDialect dialect, const std::string& name) {
  return {{"$ref", SchemaRef(dialect, name)}};
}

nlohmann::json RefProperty(OpenApiDialect dialect, const std::string& name,
                           const std::string& description) {
  nlohmann::json property = nlohmann::json::object();
  if (dialect == OpenApiDialect::kSwagger2) {
    property["$ref"] = SchemaRef(dialect, name);
  } else {
    property["allOf"] = nlohmann::json::array({RefSchema(dialect, name)});
  }
  if (!description.empty()) property["description"] = description;
  return property;
}

nlohmann::json ScalarProperty(const std::string& type, const std::string& description,
                              const std::string& format) {
  nlohmann::json property = {{"type", type}};
  if (!description.empty()) property["description"] = description;
  if (!format.empty()) property["format"] = format;
  return property;
}

}  // namespace upkeep::apiserver::openapi_internal
