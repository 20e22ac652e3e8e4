// Non-throwing reads of object JSON for the object/ functions: a field of the wrong type
// reads as absent, since an object from the API server may be partial or hand-written.
// Internal to upkeep_controller_object. Thread-compatible.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace upkeep::controller::object_internal {

// obj[key] when obj is an object holding key, else nullptr.
inline const nlohmann::json* FieldOrNull(const nlohmann::json& obj, std::string_view key) {
  if (!obj.is_object()) return nullptr;
  auto it = obj.find(key);
  return it == obj.end() ? nullptr : &*it;
}

// obj[key] as a string, or "" when absent or not a string.
inline std::string StringField(const nlohmann::json& obj, std::string_view key) {
  const nlohmann::json* v = FieldOrNull(obj, key);
  return v != nullptr && v->is_string() ? v->get<std::string>() : std::string();
}

// obj[key], made an object (replacing anything else) so it can be written to. `obj` must
// be an object or null.
inline nlohmann::json& MutableObjectField(nlohmann::json& obj, const std::string& key) {
  nlohmann::json& v = obj[key];
  if (!v.is_object()) v = nlohmann::json::object();
  return v;
}

// obj[key], made an array (replacing anything else) so it can be written to.
inline nlohmann::json& MutableArrayField(nlohmann::json& obj, const std::string& key) {
  nlohmann::json& v = obj[key];
  if (!v.is_array()) v = nlohmann::json::array();
  return v;
}

}  // namespace upkeep::controller::object_internal
