#include "apiserver/schema/crd_schema_rules.h"

#include <set>

#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"

namespace upkeep::apiserver::schema {
namespace {

using nlohmann::json;

struct RuleContext {
  bool allow_defaults = true;
  std::string disallow_defaults_reason;
  bool inside_resource_meta = false;
};

bool IsMetaField(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

class CrdSchemaRules {
 public:
  explicit CrdSchemaRules(bool* uses_unsupported_keywords)
      : unsupported_(uses_unsupported_keywords) {}

  void Validate(const json& s, const std::string& path, const RuleContext& ctx, bool is_root) {
    if (!s.is_object()) return;
    ValidateNode(s, path, ctx);

    if (SchemaFlag(s, "uniqueItems")) {
      Add(ForbiddenError(ChildPath(path, "uniqueItems"),
                         "uniqueItems cannot be set to true since the runtime complexity "
                         "becomes quadratic"));
    }
    const json* properties = SubSchema(s, "properties");
    bool has_properties = properties != nullptr && !properties->empty();
    if (const json* additional = SchemaKeyword(s, "additionalProperties")) {
      bool disallows = additional->is_boolean() && !additional->get<bool>();
      if (has_properties && (disallows || additional->is_object())) {
        Add(ForbiddenError(ChildPath(path, "additionalProperties"),
                           "additionalProperties and properties are mutual exclusive"));
      }
      RuleContext sub = ctx;
      if (ctx.inside_resource_meta) {
        // Pruning a default without the value it applies to is ambiguous in metadata maps.
        sub.allow_defaults = false;
        sub.disallow_defaults_reason = "inside additionalProperties applying to object metadata";
      }
      if (additional->is_object()) {
        Validate(*additional, ChildPath(path, "additionalProperties"), sub, false);
      }
    }
    if (has_properties) {
      for (const auto& [name, property] : properties->items()) {
        RuleContext sub = ctx;
        if ((is_root || SchemaFlag(s, "x-kubernetes-embedded-resource")) && IsMetaField(name)) {
          sub.inside_resource_meta = true;
          if (is_root) {
            sub.allow_defaults = false;
            sub.disallow_defaults_reason = "in top-level " + name;
          }
        }
        Validate(property, KeyPath(ChildPath(path, "properties"), name), sub, false);
      }
    }
    if (const json* not_schema = SubSchema(s, "not")) {
      Validate(*not_schema, ChildPath(path, "not"), ctx, false);
    }
    for (const char* junctor : {"allOf", "oneOf", "anyOf"}) {
      const json* branches = SchemaKeyword(s, junctor);
      if (branches == nullptr || !branches->is_array()) continue;
      for (size_t i = 0; i < branches->size(); ++i) {
        Validate((*branches)[i], IndexPath(ChildPath(path, junctor), i), ctx, false);
      }
    }
    if (const json* items = SubSchema(s, "items")) {
      Validate(*items, ChildPath(path, "items"), ctx, false);
    }
    ValidateExtensions(s, path);
  }

  FieldErrors TakeErrors() { return std::move(errors_); }

 private:
  void Add(FieldError error) { errors_.push_back(std::move(error)); }
  void AddUnsupported(FieldError error) {
    *unsupported_ = true;
    Add(std::move(error));
  }

  // specStandardValidatorV3.validate.
  void ValidateNode(const json& s, const std::string& path, const RuleContext& ctx) {
    static const std::set<std::string> kTypes = {"array",  "boolean", "integer",
                                                 "number", "object",  "string"};
    std::string type = SchemaString(s, "type");
    if (!type.empty() && kTypes.count(type) == 0) {
      Add(NotSupportedError(ChildPath(path, "type"), type,
                            {"array", "boolean", "integer", "number", "object", "string"}));
    }
    if (SchemaKeyword(s, "default") != nullptr && !ctx.allow_defaults) {
      std::string detail = "must not be set";
      if (!ctx.disallow_defaults_reason.empty()) detail += " " + ctx.disallow_defaults_reason;
      Add(ForbiddenError(ChildPath(path, "default"), detail));
    }
    if (!SchemaString(s, "id").empty()) {
      AddUnsupported(ForbiddenError(ChildPath(path, "id"), "id is not supported"));
    }
    if (SchemaKeyword(s, "additionalItems") != nullptr) {
      AddUnsupported(
          ForbiddenError(ChildPath(path, "additionalItems"), "additionalItems is not supported"));
    }
    for (const char* keyword : {"patternProperties", "definitions"}) {
      const json* value = SchemaKeyword(s, keyword);
      if (value != nullptr && value->is_object() && !value->empty()) {
        AddUnsupported(
            ForbiddenError(ChildPath(path, keyword), std::string(keyword) + " is not supported"));
      }
    }
    if (SchemaKeyword(s, "dependencies") != nullptr) {
      AddUnsupported(
          ForbiddenError(ChildPath(path, "dependencies"), "dependencies is not supported"));
    }
    if (SchemaKeyword(s, "$ref") != nullptr) {
      AddUnsupported(ForbiddenError(ChildPath(path, "$ref"), "$ref is not supported"));
    }
    if (type == "null") {
      Add(ForbiddenError(ChildPath(path, "type"),
                         "type cannot be set to null, use nullable as an alternative"));
    }
    if (const json* items = SchemaKeyword(s, "items"); items != nullptr && items->is_array()) {
      AddUnsupported(ForbiddenError(ChildPath(path, "items"),
                                    "items must be a schema object and not an array"));
    }
    if (ctx.inside_resource_meta && SchemaFlag(s, "x-kubernetes-embedded-resource")) {
      Add(ForbiddenError(ChildPath(path, "x-kubernetes-embedded-resource"),
                         "must not be used inside of resource meta"));
    }
  }

  void ValidateExtensions(const json& s, const std::string& path) {
    std::string type = SchemaString(s, "type");
    if (const json* preserve = SchemaKeyword(s, "x-kubernetes-preserve-unknown-fields");
        preserve != nullptr && preserve->is_boolean() && !preserve->get<bool>()) {
      AddUnsupported(InvalidError(ChildPath(path, "x-kubernetes-preserve-unknown-fields"), false,
                                  "must be true or undefined"));
    }
    if (const json* map_type = SchemaKeyword(s, "x-kubernetes-map-type")) {
      if (type != "object") {
        std::string detail = "must be object if x-kubernetes-map-type is specified";
        Add(type.empty() ? RequiredError(ChildPath(path, "type"), detail)
                         : InvalidError(ChildPath(path, "type"), type, detail));
      }
      if (*map_type != "atomic" && *map_type != "granular") {
        Add(NotSupportedError(ChildPath(path, "x-kubernetes-map-type"), *map_type,
                              {"atomic", "granular"}));
      }
    }
    const json* list_type = SchemaKeyword(s, "x-kubernetes-list-type");
    const json* items = SubSchema(s, "items");
    if (list_type != nullptr && type != "array") {
      std::string detail = "must be array if x-kubernetes-list-type is specified";
      Add(type.empty() ? RequiredError(ChildPath(path, "type"), detail)
                       : InvalidError(ChildPath(path, "type"), type, detail));
    } else if (list_type != nullptr && *list_type == "set" && items != nullptr) {
      std::string item_type = SchemaString(*items, "type");
      const json* item_list_type = SchemaKeyword(*items, "x-kubernetes-list-type");
      if (item_type == "array" && item_list_type != nullptr && *item_list_type != "atomic") {
        Add(InvalidError(ChildPath(ChildPath(path, "items"), "x-kubernetes-list-type"),
                         *item_list_type,
                         "must be atomic as item of a list with x-kubernetes-list-type=set"));
      } else if (item_type == "object" &&
                 SchemaString(*items, "x-kubernetes-map-type") != "atomic") {
        // Kubernetes reports the item's list type here (null when unset).
        Add(InvalidError(ChildPath(ChildPath(path, "items"), "x-kubernetes-map-type"),
                         item_list_type != nullptr ? *item_list_type : json(nullptr),
                         "must be atomic as item of a list with x-kubernetes-list-type=set"));
      }
    }
    if (list_type != nullptr && *list_type != "atomic" && *list_type != "set" &&
        *list_type != "map") {
      Add(NotSupportedError(ChildPath(path, "x-kubernetes-list-type"), *list_type,
                            {"atomic", "set", "map"}));
    }
    const json* map_keys = SchemaKeyword(s, "x-kubernetes-list-map-keys");
    bool has_map_keys = map_keys != nullptr && map_keys->is_array() && !map_keys->empty();
    if (has_map_keys) {
      std::string detail = "must be map if x-kubernetes-list-map-keys is non-empty";
      if (list_type == nullptr) {
        Add(RequiredError(ChildPath(path, "x-kubernetes-list-type"), detail));
      } else if (*list_type != "map") {
        Add(InvalidError(ChildPath(path, "x-kubernetes-list-type"), *list_type, detail));
      }
    }
    if (list_type != nullptr && *list_type == "map") ValidateListMap(s, path, map_keys);
    if (list_type != nullptr && (*list_type == "set" || *list_type == "map") && items != nullptr) {
      ValidateListItemsNotNullable(*items, path, list_type->get<std::string>(), map_keys);
    }
  }

  void ValidateListMap(const json& s, const std::string& path, const json* map_keys) {
    const json* raw_items = SchemaKeyword(s, "items");
    if (map_keys == nullptr || !map_keys->is_array() || map_keys->empty()) {
      Add(RequiredError(ChildPath(path, "x-kubernetes-list-map-keys"),
                        "must not be empty if x-kubernetes-list-type is map"));
    }
    if (raw_items == nullptr) {
      Add(RequiredError(ChildPath(path, "items"),
                        "must have a schema if x-kubernetes-list-type is map"));
      return;
    }
    if (!raw_items->is_object()) {
      Add(InvalidError(ChildPath(path, "items"), *raw_items,
                       "must only have a single schema if x-kubernetes-list-type is map"));
      return;
    }
    std::string item_type = SchemaString(*raw_items, "type");
    if (item_type != "object") {
      Add(InvalidError(ChildPath(ChildPath(path, "items"), "type"), item_type,
                       "must be object if parent array's x-kubernetes-list-type is map"));
      return;
    }
    if (map_keys == nullptr || !map_keys->is_array()) return;
    std::set<std::string> seen;
    for (const json& key : *map_keys) {
      std::string name = key.is_string() ? key.get<std::string>() : "";
      if (const json* property = PropertySchema(*raw_items, name)) {
        std::string property_type = SchemaString(*property, "type");
        if (property_type == "array" || property_type == "object") {
          // Kubernetes names the item type, not the key's, as the bad value.
          Add(InvalidError(
              ChildPath(KeyPath(ChildPath(ChildPath(path, "items"), "properties"), name), "type"),
              item_type, "must be a scalar type if parent array's x-kubernetes-list-type is map"));
        }
      } else {
        Add(InvalidError(ChildPath(path, "x-kubernetes-list-map-keys"), *map_keys,
                         "entries must all be names of item properties"));
      }
      if (!seen.insert(name).second) {
        Add(InvalidError(ChildPath(path, "x-kubernetes-list-map-keys"), *map_keys,
                         "must not contain duplicate entries"));
      }
    }
  }

  // validateMapListKeysMapSet.
  void ValidateListItemsNotNullable(const json& items, const std::string& path,
                                    const std::string& list_type, const json* map_keys) {
    std::string items_path = ChildPath(path, "items");
    if (SchemaFlag(items, "nullable")) {
      Add(ForbiddenError(ChildPath(items_path, "nullable"),
                         "cannot be nullable when x-kubernetes-list-type is " + list_type));
    }
    if (list_type != "map" || map_keys == nullptr || !map_keys->is_array()) return;
    std::set<std::string> required;
    if (const json* r = SchemaKeyword(items, "required"); r != nullptr && r->is_array()) {
      for (const json& name : *r) {
        if (name.is_string()) required.insert(name.get<std::string>());
      }
    }
    for (const json& key : *map_keys) {
      if (!key.is_string()) continue;
      std::string name = key.get<std::string>();
      const json* property = PropertySchema(items, name);
      if (property == nullptr) continue;
      std::string property_path = KeyPath(ChildPath(items_path, "properties"), name);
      if (required.count(name) == 0 && SchemaKeyword(*property, "default") == nullptr) {
        Add(RequiredError(ChildPath(property_path, "default"),
                          "this property is in x-kubernetes-list-map-keys, so it must have a "
                          "default or be a required property"));
      }
      if (SchemaFlag(*property, "nullable")) {
        Add(ForbiddenError(ChildPath(property_path, "nullable"),
                           "this property is in x-kubernetes-list-map-keys, so it cannot be "
                           "nullable"));
      }
    }
  }

  bool* unsupported_;
  FieldErrors errors_;
};

}  // namespace

FieldErrors ValidateCrdSchemaRules(const json& schema, const std::string& path,
                                   bool* uses_unsupported_keywords) {
  *uses_unsupported_keywords = false;
  CrdSchemaRules rules(uses_unsupported_keywords);
  rules.Validate(schema, path, RuleContext{}, /*is_root=*/true);
  return rules.TakeErrors();
}

}  // namespace upkeep::apiserver::schema
