#include "controller/object/finalizers.h"

#include <string>

#include "controller/object/json_fields.h"

namespace upkeep::controller {
namespace {

using nlohmann::json;
using object_internal::FieldOrNull;
using object_internal::MutableArrayField;
using object_internal::MutableObjectField;
using object_internal::StringField;

const json* FinalizersOrNull(const json& object) {
  const json* metadata = FieldOrNull(object, "metadata");
  const json* finalizers = metadata == nullptr ? nullptr : FieldOrNull(*metadata, "finalizers");
  return finalizers != nullptr && finalizers->is_array() ? finalizers : nullptr;
}

bool IsFinalizer(const json& entry, std::string_view finalizer) {
  return entry.is_string() && entry.get_ref<const std::string&>() == finalizer;
}

}  // namespace

bool HasFinalizer(const json& object, std::string_view finalizer) {
  const json* finalizers = FinalizersOrNull(object);
  if (finalizers == nullptr) return false;
  for (const json& entry : *finalizers) {
    if (IsFinalizer(entry, finalizer)) return true;
  }
  return false;
}

bool AddFinalizer(json& object, std::string_view finalizer) {
  if (HasFinalizer(object, finalizer)) return false;
  if (!object.is_object()) object = json::object();
  MutableArrayField(MutableObjectField(object, "metadata"), "finalizers")
      .push_back(std::string(finalizer));
  return true;
}

bool RemoveFinalizer(json& object, std::string_view finalizer) {
  if (!HasFinalizer(object, finalizer)) return false;
  json& metadata = object["metadata"];
  json& finalizers = metadata["finalizers"];
  for (auto it = finalizers.begin(); it != finalizers.end();) {
    it = IsFinalizer(*it, finalizer) ? finalizers.erase(it) : it + 1;
  }
  if (finalizers.empty()) metadata.erase("finalizers");
  return true;
}

bool IsBeingDeleted(const json& object) {
  const json* metadata = FieldOrNull(object, "metadata");
  return metadata != nullptr && !StringField(*metadata, "deletionTimestamp").empty();
}

}  // namespace upkeep::controller
