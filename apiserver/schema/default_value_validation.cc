#include "apiserver/schema/default_value_validation.h"

#include "apiserver/schema/embedded_resource_validation.h"
#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"
#include "apiserver/schema/schema_pruning.h"
#include "apiserver/schema/schema_validator.h"
#include "apiserver/schema/unstructured_value.h"

namespace upkeep::apiserver::schema {
namespace {

using nlohmann::json;

bool IsMetaField(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

void ValidateDefaultsAt(const json& s, const std::string& path, bool is_resource_root,
                        bool inside_meta, FieldErrors* errors) {
  if (!s.is_object()) return;
  bool embedded = is_resource_root || SchemaFlag(s, "x-kubernetes-embedded-resource");
  if (embedded) inside_meta = false;

  const json* default_value = SchemaKeyword(s, "default");
  if (default_value != nullptr && !default_value->is_null() && !inside_meta) {
    std::string default_path = ChildPath(path, "default");
    json pruned = *default_value;
    if (is_resource_root) {
      PruneUnknownFields(s, pruned, nullptr);
    } else {
      PruneUnknownFieldsOfValue(s, pruned);
    }
    if (!GoDeepEqual(pruned, *default_value)) {
      errors->push_back(InvalidError(default_path, *default_value, "must not have unknown fields"));
    }
    FieldErrors embedded_errors =
        ValidateEmbeddedResources(s, *default_value, default_path, embedded);
    if (!embedded_errors.empty()) {
      errors->insert(errors->end(), embedded_errors.begin(), embedded_errors.end());
    } else {
      FieldErrors value_errors = ValidateValueAgainstSchema(s, *default_value, default_path);
      errors->insert(errors->end(), value_errors.begin(), value_errors.end());
    }
  }

  if (const json* items = SubSchema(s, "items")) {
    ValidateDefaultsAt(*items, ChildPath(path, "items"), false, inside_meta, errors);
  }
  if (const json* properties = SubSchema(s, "properties")) {
    for (const auto& [name, property] : properties->items()) {
      bool property_inside_meta = inside_meta || (embedded && IsMetaField(name));
      ValidateDefaultsAt(property, KeyPath(ChildPath(path, "properties"), name), false,
                         property_inside_meta, errors);
    }
  }
}

}  // namespace

FieldErrors ValidateSchemaDefaults(const json& schema, const std::string& path) {
  FieldErrors errors;
  ValidateDefaultsAt(schema, path, /*is_resource_root=*/true, /*inside_meta=*/false, &errors);
  return errors;
}

}  // namespace upkeep::apiserver::schema
