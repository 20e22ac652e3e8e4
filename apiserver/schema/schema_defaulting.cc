#include "apiserver/schema/schema_defaulting.h"

#include <string>
#include <vector>

#include "apiserver/schema/schema_node.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

bool IsNonNullableNull(const json& value, const json* schema) {
  return value.is_null() && schema != nullptr && !schema::SchemaFlag(*schema, "nullable");
}

const json* DefaultOf(const json* schema) {
  return schema == nullptr ? nullptr : schema::SchemaKeyword(*schema, "default");
}

// The schema a field of an object is validated with: its property, else additionalProperties.
const json* FieldSchema(const json& schema, const std::string& key) {
  if (const json* property = schema::PropertySchema(schema, key)) return property;
  return schema::AdditionalPropertiesSchema(schema);
}

}  // namespace

void ApplySchemaDefaults(const json& schema, json& object) {
  if (!schema.is_object()) return;
  if (object.is_object()) {
    if (const json* properties = schema::SubSchema(schema, "properties")) {
      for (const auto& [key, property] : properties->items()) {
        const json* default_value = DefaultOf(&property);
        if (default_value == nullptr) continue;
        auto it = object.find(key);
        if (it == object.end() || IsNonNullableNull(*it, &property)) object[key] = *default_value;
      }
    }
    const json* additional = schema::AdditionalPropertiesSchema(schema);
    for (auto& [key, value] : object.items()) {
      if (const json* property = schema::PropertySchema(schema, key)) {
        ApplySchemaDefaults(*property, value);
      } else if (additional != nullptr) {
        if (IsNonNullableNull(value, additional) && DefaultOf(additional) != nullptr) {
          value = *DefaultOf(additional);
        }
        ApplySchemaDefaults(*additional, value);
      }
    }
  } else if (object.is_array()) {
    const json* items = schema::SubSchema(schema, "items");
    if (items == nullptr) return;
    for (json& item : object) {
      if (IsNonNullableNull(item, items) && DefaultOf(items) != nullptr) item = *DefaultOf(items);
      ApplySchemaDefaults(*items, item);
    }
  }
}

void PruneNonNullableNulls(const json& schema, json& object) {
  if (object.is_object()) {
    std::vector<std::string> dropped;
    for (auto& [key, value] : object.items()) {
      const json* field_schema = schema.is_object() ? FieldSchema(schema, key) : nullptr;
      if (IsNonNullableNull(value, field_schema) && DefaultOf(field_schema) == nullptr) {
        dropped.push_back(key);
      } else if (field_schema != nullptr) {
        PruneNonNullableNulls(*field_schema, value);
      }
    }
    for (const std::string& key : dropped) object.erase(key);
  } else if (object.is_array()) {
    const json* items = schema.is_object() ? schema::SubSchema(schema, "items") : nullptr;
    if (items == nullptr) return;
    for (json& item : object) PruneNonNullableNulls(*items, item);
  }
}

}  // namespace upkeep::apiserver
