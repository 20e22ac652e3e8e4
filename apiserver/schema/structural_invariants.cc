#include "apiserver/schema/structural_invariants.h"

#include <algorithm>
#include <regex>
#include <set>

#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"

namespace upkeep::apiserver::schema {
namespace {

using nlohmann::json;

enum class Level { kRoot, kItem, kField };

// anyOf: [{type: integer}, {type: string}] exactly, the structure x-kubernetes-int-or-string
// is allowed to carry.
bool IsIntOrStringAnyOf(const json* any_of) {
  static const json kPattern = json::parse(R"([{"type":"integer"},{"type":"string"}])");
  return any_of != nullptr && *any_of == kPattern;
}

class StructuralChecker {
 public:
  void CheckInvariants(const json& s, Level level, const std::string& path) {
    if (!s.is_object()) return;
    std::string type = SchemaString(s, "type");
    const json* items = SubSchema(s, "items");
    bool int_or_string = SchemaFlag(s, "x-kubernetes-int-or-string");
    bool preserve = SchemaFlag(s, "x-kubernetes-preserve-unknown-fields");
    bool embedded = SchemaFlag(s, "x-kubernetes-embedded-resource");

    if (type == "array" && items == nullptr) {
      Add(RequiredError(ChildPath(path, "items"), "must be specified"));
    }
    if (items != nullptr) CheckInvariants(*items, Level::kItem, ChildPath(path, "items"));
    if (const json* properties = SubSchema(s, "properties")) {
      for (const auto& [name, property] : properties->items()) {
        CheckInvariants(property, Level::kField, KeyPath(ChildPath(path, "properties"), name));
      }
    }
    if (HasAdditionalProperties(s)) {
      if (level == Level::kRoot) {
        Add(ForbiddenError(ChildPath(path, "additionalProperties"),
                           "must not be used at the root"));
      }
      if (const json* additional = AdditionalPropertiesSchema(s)) {
        CheckInvariants(*additional, Level::kField, ChildPath(path, "additionalProperties"));
      }
    }
    if (int_or_string && preserve) {
      Add(InvalidError(ChildPath(path, "x-kubernetes-preserve-unknown-fields"), true,
                       "must be false if x-kubernetes-int-or-string is true"));
    }
    if (int_or_string && embedded) {
      Add(InvalidError(ChildPath(path, "x-kubernetes-embedded-resource"), true,
                       "must be false if x-kubernetes-int-or-string is true"));
    }

    bool skip_any_of = IsIntOrStringAnyOf(SchemaKeyword(s, "anyOf"));
    const json* all_of = SchemaKeyword(s, "allOf");
    bool skip_first_all_of_any_of = all_of != nullptr && all_of->is_array() && !all_of->empty() &&
                                    IsIntOrStringAnyOf(SchemaKeyword((*all_of)[0], "anyOf"));
    CheckValueValidation(s, skip_any_of, skip_first_all_of_any_of, level, path);

    bool check_metadata = level == Level::kRoot || embedded;
    if (embedded && type != "object") {
      std::string detail = "must be object if x-kubernetes-embedded-resource is true";
      Add(type.empty() ? RequiredError(ChildPath(path, "type"), detail)
                       : InvalidError(ChildPath(path, "type"), type, detail));
    } else if (type.empty() && !int_or_string && !preserve) {
      switch (level) {
        case Level::kRoot:
          Add(RequiredError(ChildPath(path, "type"), "must not be empty at the root"));
          break;
        case Level::kItem:
          Add(RequiredError(ChildPath(path, "type"),
                            "must not be empty for specified array items"));
          break;
        case Level::kField:
          Add(RequiredError(ChildPath(path, "type"),
                            "must not be empty for specified object fields"));
          break;
      }
    }
    if (embedded && HasAdditionalProperties(s)) {
      Add(ForbiddenError(ChildPath(path, "additionalProperties"),
                         "must not be used if x-kubernetes-embedded-resource is set"));
    }
    if (level == Level::kRoot && !type.empty() && type != "object") {
      Add(InvalidError(ChildPath(path, "type"), type, "must be object at the root"));
    }
    std::string properties_path = ChildPath(path, "properties");
    for (const char* meta_string : {"kind", "apiVersion"}) {
      const json* property = PropertySchema(s, meta_string);
      if (property != nullptr && check_metadata && SchemaString(*property, "type") != "string") {
        Add(InvalidError(ChildPath(KeyPath(properties_path, meta_string), "type"),
                         SchemaString(*property, "type"), "must be string"));
      }
    }
    if (const json* metadata = PropertySchema(s, "metadata")) {
      CheckMetadata(*metadata, check_metadata, level, KeyPath(properties_path, "metadata"));
    }
    const json* properties = SubSchema(s, "properties");
    if (embedded && !preserve && (properties == nullptr || properties->empty())) {
      Add(RequiredError(properties_path,
                        "must not be empty if x-kubernetes-embedded-resource is true without "
                        "x-kubernetes-preserve-unknown-fields"));
    }
  }

  // validateStructuralCompleteness: properties and items named inside the root's
  // allOf/anyOf/oneOf/not must also be specified structurally.
  void CheckCompleteness(const json& root, const std::string& path) {
    CheckValueCompleteness(root, &root, path, path);
  }

  FieldErrors TakeSortedErrors() {
    std::sort(errors_.begin(), errors_.end(),
              [](const FieldError& a, const FieldError& b) { return a.ToString() < b.ToString(); });
    return std::move(errors_);
  }

 private:
  void Add(FieldError error) { errors_.push_back(std::move(error)); }

  void CheckMetadata(const json& m, bool check_metadata, Level level, const std::string& path) {
    if (check_metadata && SchemaString(m, "type") != "object") {
      Add(InvalidError(ChildPath(path, "type"), SchemaString(m, "type"), "must be object"));
    }
    if (level != Level::kRoot || !m.is_object()) return;
    // Only the type, a default (checked elsewhere), name and generateName may be given.
    static const std::set<std::string> kIgnoredKeywords = {"type", "default", "example",
                                                           "externalDocs", "properties"};
    bool restricts_more = false;
    for (const auto& [keyword, value] : m.items()) {
      if (kIgnoredKeywords.count(keyword)) continue;
      if (keyword == "nullable" && value == false) continue;
      restricts_more = true;
    }
    if (const json* properties = SubSchema(m, "properties")) {
      bool name = properties->contains("name");
      bool generate_name = properties->contains("generateName");
      size_t allowed = (name ? 1 : 0) + (generate_name ? 1 : 0);
      if (!properties->empty() && allowed != properties->size()) restricts_more = true;
    }
    if (restricts_more) {
      Add(ForbiddenError(path,
                         "must not specify anything other than name and generateName, but "
                         "metadata is implicitly specified"));
    }
  }

  void CheckValueValidation(const json& v, bool skip_any_of, bool skip_first_all_of_any_of,
                            Level level, const std::string& path) {
    if (!skip_any_of) CheckBranches(v, "anyOf", level, path, false);
    if (const json* all_of = SchemaKeyword(v, "allOf"); all_of != nullptr && all_of->is_array()) {
      for (size_t i = 0; i < all_of->size(); ++i) {
        CheckNested((*all_of)[i], skip_first_all_of_any_of && i == 0, level,
                    IndexPath(ChildPath(path, "allOf"), i));
      }
    }
    CheckBranches(v, "oneOf", level, path, false);
    if (const json* not_schema = SubSchema(v, "not")) {
      CheckNested(*not_schema, false, level, ChildPath(path, "not"));
    }
    std::string pattern = SchemaString(v, "pattern");
    if (!pattern.empty()) {
      try {
        std::regex re(pattern, std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        Add(InvalidError(
            ChildPath(path, "pattern"), pattern,
            std::string("must be a valid regular expression, but isn't: ") + e.what()));
      }
    }
  }

  void CheckBranches(const json& v, const char* junctor, Level level, const std::string& path,
                     bool skip_any_of) {
    const json* branches = SchemaKeyword(v, junctor);
    if (branches == nullptr || !branches->is_array()) return;
    for (size_t i = 0; i < branches->size(); ++i) {
      CheckNested((*branches)[i], skip_any_of, level, IndexPath(ChildPath(path, junctor), i));
    }
  }

  // validateNestedValueValidation: inside a junctor only value validation is allowed.
  void CheckNested(const json& v, bool skip_any_of, Level level, const std::string& path) {
    if (!v.is_object()) return;
    CheckValueValidation(v, skip_any_of, false, level, path);
    if (const json* items = SubSchema(v, "items")) {
      CheckNested(*items, false, level, ChildPath(path, "items"));
    }
    if (const json* properties = SubSchema(v, "properties")) {
      for (const auto& [name, property] : properties->items()) {
        CheckNested(property, false, Level::kField, KeyPath(ChildPath(path, "properties"), name));
      }
    }
    auto forbid = [&](const char* keyword, const char* detail) {
      Add(ForbiddenError(ChildPath(path, keyword), detail));
    };
    if (!SchemaString(v, "type").empty()) forbid("type", "must be empty to be structural");
    if (SchemaKeyword(v, "additionalProperties") != nullptr) {
      forbid("additionalProperties", "must be undefined to be structural");
    }
    if (const json* d = SchemaKeyword(v, "default"); d != nullptr && !d->is_null()) {
      forbid("default", "must be undefined to be structural");
    }
    if (!SchemaString(v, "title").empty()) forbid("title", "must be empty to be structural");
    if (!SchemaString(v, "description").empty()) {
      forbid("description", "must be empty to be structural");
    }
    if (SchemaFlag(v, "nullable")) forbid("nullable", "must be false to be structural");
    if (SchemaKeyword(v, "externalDocs") != nullptr) {
      forbid("externalDocs", "must be undefined to be structural");
    }
    for (const char* flag : {"x-kubernetes-preserve-unknown-fields",
                             "x-kubernetes-embedded-resource", "x-kubernetes-int-or-string"}) {
      if (SchemaFlag(v, flag)) forbid(flag, "must be false to be structural");
    }
    if (const json* keys = SchemaKeyword(v, "x-kubernetes-list-map-keys");
        keys != nullptr && keys->is_array() && !keys->empty()) {
      forbid("x-kubernetes-list-map-keys", "must be empty to be structural");
    }
    if (SchemaKeyword(v, "x-kubernetes-list-type") != nullptr) {
      forbid("x-kubernetes-list-type", "must be undefined to be structural");
    }
    if (SchemaKeyword(v, "x-kubernetes-map-type") != nullptr) {
      forbid("x-kubernetes-map-type", "must be undefined to be structural");
    }
    if (const json* rules = SchemaKeyword(v, "x-kubernetes-validations");
        rules != nullptr && rules->is_array() && !rules->empty()) {
      forbid("x-kubernetes-validations", "must be empty to be structural");
    }
    if (PropertySchema(v, "metadata") != nullptr) {
      Add(ForbiddenError(KeyPath(ChildPath(path, "properties"), "metadata"),
                         "must not be specified in a nested context"));
    }
  }

  void CheckValueCompleteness(const json& v, const json* s, const std::string& s_path,
                              const std::string& v_path) {
    if (s == nullptr) {
      Add(RequiredError(s_path, "because it is defined in " + v_path));
      return;
    }
    if (const json* not_schema = SubSchema(v, "not")) {
      CheckNestedCompleteness(*not_schema, s, s_path, ChildPath(v_path, "not"));
    }
    for (const char* junctor : {"allOf", "anyOf", "oneOf"}) {
      const json* branches = SchemaKeyword(v, junctor);
      if (branches == nullptr || !branches->is_array()) continue;
      for (size_t i = 0; i < branches->size(); ++i) {
        CheckNestedCompleteness((*branches)[i], s, s_path,
                                IndexPath(ChildPath(v_path, junctor), i));
      }
    }
  }

  void CheckNestedCompleteness(const json& v, const json* s, const std::string& s_path,
                               const std::string& v_path) {
    if (!v.is_object()) return;
    if (s == nullptr) {
      Add(RequiredError(s_path, "because it is defined in " + v_path));
      return;
    }
    CheckValueCompleteness(v, s, s_path, v_path);
    if (const json* items = SubSchema(v, "items")) {
      CheckNestedCompleteness(*items, SubSchema(*s, "items"), ChildPath(s_path, "items"),
                              ChildPath(v_path, "items"));
    }
    if (const json* properties = SubSchema(v, "properties")) {
      for (const auto& [name, property] : properties->items()) {
        std::string s_property_path = KeyPath(ChildPath(s_path, "properties"), name);
        std::string v_property_path = KeyPath(ChildPath(v_path, "properties"), name);
        const json* structural = PropertySchema(*s, name);
        if (structural == nullptr) {
          Add(RequiredError(s_property_path, "because it is defined in " + v_property_path));
        } else {
          CheckNestedCompleteness(property, structural, s_property_path, v_property_path);
        }
      }
    }
  }

  FieldErrors errors_;
};

}  // namespace

FieldErrors ValidateStructuralInvariants(const json& schema, const std::string& path) {
  StructuralChecker checker;
  checker.CheckInvariants(schema, Level::kRoot, path);
  checker.CheckCompleteness(schema, path);
  return checker.TakeSortedErrors();
}

}  // namespace upkeep::apiserver::schema
