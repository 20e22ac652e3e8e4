#include "apiserver/schema/list_type_validation.h"

#include <map>
#include <vector>

#include "apiserver/schema/go_value_format.h"
#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"
#include "apiserver/schema/unstructured_value.h"

namespace upkeep::apiserver::schema {
namespace {

using nlohmann::json;

FieldErrors ValidateValue(const json& schema, const json& value, const std::string& path);

// Indexes of the second appearance of every repeated element, in order.
std::vector<size_t> SecondOccurrences(const std::vector<json>& items) {
  std::vector<size_t> repeated;
  std::vector<int> seen_count(items.size(), 0);
  for (size_t i = 0; i < items.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (GoDeepEqual(items[i], items[j])) {
        if (++seen_count[j] == 1) repeated.push_back(i);
        break;
      }
    }
  }
  return repeated;
}

FieldErrors ValidateListMap(const json& schema, const json& list, const std::string& path) {
  for (size_t i = 0; i < list.size(); ++i) {
    if (!list[i].is_null() && !list[i].is_object()) {
      return {InvalidError(IndexPath(path, i), list[i],
                           "must be an object for an array of list-type map")};
    }
  }
  if (list.size() <= 1) return {};
  std::vector<std::string> key_fields;
  if (const json* keys = SchemaKeyword(schema, "x-kubernetes-list-map-keys");
      keys != nullptr && keys->is_array()) {
    for (const json& k : *keys) {
      if (k.is_string()) key_fields.push_back(k.get<std::string>());
    }
  }
  // Each item's key as a map of the key fields it sets; an item without any is the "unset" key.
  std::vector<json> keys;
  for (const json& item : list) {
    json key = json::object();
    for (const std::string& field : key_fields) {
      if (item.is_object() && item.contains(field)) key[field] = item[field];
    }
    keys.push_back(std::move(key));
  }
  FieldErrors errors;
  for (size_t i : SecondOccurrences(keys)) {
    errors.push_back(DuplicateError(IndexPath(path, i), keys[i]));
  }
  return errors;
}

FieldErrors ValidateArray(const json& schema, const json& list, const std::string& path) {
  FieldErrors errors;
  std::string list_type = SchemaString(schema, "x-kubernetes-list-type");
  if (list_type == "set") {
    std::vector<json> items(list.begin(), list.end());
    for (size_t i : SecondOccurrences(items)) {
      errors.push_back(DuplicateError(IndexPath(path, i), list[i]));
    }
  } else if (list_type == "map") {
    errors = ValidateListMap(schema, list, path);
  }
  if (const json* items = SubSchema(schema, "items")) {
    for (size_t i = 0; i < list.size(); ++i) {
      FieldErrors nested = ValidateValue(*items, list[i], IndexPath(path, i));
      errors.insert(errors.end(), nested.begin(), nested.end());
    }
  }
  return errors;
}

FieldErrors ValidateValue(const json& schema, const json& value, const std::string& path) {
  if (value.is_array()) return ValidateArray(schema, value, path);
  if (value.is_object()) return ValidateListSetsAndMaps(schema, value, path);
  return {};
}

}  // namespace

FieldErrors ValidateListSetsAndMaps(const json& schema, const json& object,
                                    const std::string& path) {
  FieldErrors errors;
  if (!object.is_object() || !schema.is_object()) return errors;
  if (const json* additional = AdditionalPropertiesSchema(schema)) {
    for (const auto& [key, value] : object.items()) {
      FieldErrors nested = ValidateValue(*additional, value, KeyPath(path, key));
      errors.insert(errors.end(), nested.begin(), nested.end());
    }
  }
  for (const auto& [key, value] : object.items()) {
    if (const json* property = PropertySchema(schema, key)) {
      FieldErrors nested = ValidateValue(*property, value, ChildPath(path, key));
      errors.insert(errors.end(), nested.begin(), nested.end());
    }
  }
  return errors;
}

}  // namespace upkeep::apiserver::schema
