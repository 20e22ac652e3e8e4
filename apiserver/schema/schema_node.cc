#include "apiserver/schema/schema_node.h"

namespace upkeep::apiserver::schema {

const nlohmann::json* SchemaKeyword(const nlohmann::json& schema, std::string_view keyword) {
  if (!schema.is_object()) return nullptr;
  auto it = schema.find(std::string(keyword));
  return it == schema.end() ? nullptr : &*it;
}

const nlohmann::json* SubSchema(const nlohmann::json& schema, std::string_view keyword) {
  const nlohmann::json* value = SchemaKeyword(schema, keyword);
  return value != nullptr && value->is_object() ? value : nullptr;
}

const nlohmann::json* PropertySchema(const nlohmann::json& schema, std::string_view name) {
  const nlohmann::json* properties = SubSchema(schema, "properties");
  if (properties == nullptr) return nullptr;
  auto it = properties->find(std::string(name));
  return it == properties->end() ? nullptr : &*it;
}

bool SchemaFlag(const nlohmann::json& schema, std::string_view keyword) {
  const nlohmann::json* value = SchemaKeyword(schema, keyword);
  return value != nullptr && value->is_boolean() && value->get<bool>();
}

std::string SchemaString(const nlohmann::json& schema, std::string_view keyword) {
  const nlohmann::json* value = SchemaKeyword(schema, keyword);
  return value != nullptr && value->is_string() ? value->get<std::string>() : std::string();
}

bool HasAdditionalProperties(const nlohmann::json& schema) {
  const nlohmann::json* value = SchemaKeyword(schema, "additionalProperties");
  return value != nullptr && (value->is_boolean() || value->is_object());
}

const nlohmann::json* AdditionalPropertiesSchema(const nlohmann::json& schema) {
  return SubSchema(schema, "additionalProperties");
}

}  // namespace upkeep::apiserver::schema
