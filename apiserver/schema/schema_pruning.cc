#include "apiserver/schema/schema_pruning.h"

#include <algorithm>

#include "apiserver/schema/schema_node.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

bool IsMetaField(const std::string& key) {
  return key == "apiVersion" || key == "kind" || key == "metadata";
}

class Pruner {
 public:
  explicit Pruner(std::vector<std::string>* pruned_paths) : pruned_paths_(pruned_paths) {}

  // `embedded` says the object at this level keeps its apiVersion/kind/metadata; it is the
  // schema's x-kubernetes-embedded-resource, or true for the resource root. A null schema
  // means "no schema": every object field below is unknown.
  void Prune(json& value, const json* schema, bool embedded, const std::string& path) {
    if (schema != nullptr && schema::SchemaFlag(*schema, "x-kubernetes-preserve-unknown-fields")) {
      PruneKnownOnly(value, *schema, embedded, path);
      return;
    }
    if (value.is_object()) {
      std::vector<std::string> removed;
      for (auto& [key, item] : value.items()) {
        if (schema == nullptr) {
          removed.push_back(key);
          continue;
        }
        if (embedded && IsMetaField(key)) continue;
        if (const json* property = schema::PropertySchema(*schema, key)) {
          Prune(item, property, EmbeddedFlag(property), Child(path, key));
        } else if (schema::HasAdditionalProperties(*schema)) {
          const json* additional = schema::AdditionalPropertiesSchema(*schema);
          Prune(item, additional, EmbeddedFlag(additional), Child(path, key));
        } else {
          removed.push_back(key);
        }
      }
      for (const std::string& key : removed) {
        // The resource root's own meta fields are handled apart and never reported.
        if (!(path.empty() && IsMetaField(key))) Record(Child(path, key));
        value.erase(key);
      }
    } else if (value.is_array()) {
      const json* items = schema == nullptr ? nullptr : schema::SubSchema(*schema, "items");
      for (size_t i = 0; i < value.size(); ++i) {
        Prune(value[i], items, EmbeddedFlag(items), Index(path, i));
      }
    }
  }

 private:
  // x-kubernetes-preserve-unknown-fields: unknown fields stay, declared ones are pruned by
  // their own schemas.
  void PruneKnownOnly(json& value, const json& schema, bool embedded, const std::string& path) {
    if (value.is_object()) {
      for (auto& [key, item] : value.items()) {
        if (embedded && IsMetaField(key)) continue;
        if (const json* property = schema::PropertySchema(schema, key)) {
          Prune(item, property, EmbeddedFlag(property), Child(path, key));
        } else if (schema::HasAdditionalProperties(schema)) {
          const json* additional = schema::AdditionalPropertiesSchema(schema);
          Prune(item, additional, EmbeddedFlag(additional), Child(path, key));
        }
      }
    } else if (value.is_array()) {
      const json* items = schema::SubSchema(schema, "items");
      for (size_t i = 0; i < value.size(); ++i) {
        Prune(value[i], items, EmbeddedFlag(items), Index(path, i));
      }
    }
  }

  static bool EmbeddedFlag(const json* schema) {
    return schema != nullptr && schema::SchemaFlag(*schema, "x-kubernetes-embedded-resource");
  }
  static std::string Child(const std::string& path, const std::string& key) {
    return path.empty() ? key : path + "." + key;
  }
  static std::string Index(const std::string& path, size_t i) {
    return path + "[" + std::to_string(i) + "]";
  }
  void Record(std::string path) {
    if (pruned_paths_ != nullptr) pruned_paths_->push_back(std::move(path));
  }

  std::vector<std::string>* pruned_paths_;
};

}  // namespace

void PruneUnknownFields(const json& schema, json& object, std::vector<std::string>* pruned_paths) {
  std::vector<std::string> paths;
  Pruner(&paths).Prune(object, &schema, /*embedded=*/true, "");
  std::sort(paths.begin(), paths.end());
  if (pruned_paths != nullptr) {
    pruned_paths->insert(pruned_paths->end(), paths.begin(), paths.end());
  }
}

void PruneUnknownFieldsOfValue(const json& schema, json& value) {
  Pruner(nullptr).Prune(value, &schema,
                        schema::SchemaFlag(schema, "x-kubernetes-embedded-resource"), "");
}

}  // namespace upkeep::apiserver
