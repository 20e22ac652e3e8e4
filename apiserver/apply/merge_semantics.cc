#include "apiserver/apply/merge_semantics.h"

#include <optional>
#include <utility>

namespace upkeep::apiserver {
namespace {

using Path = std::vector<std::string>;

// ObjectMeta is the same for every kind (a CRD's schema says only "type: object" for it), so
// its lists are described here rather than by each caller.
std::optional<ListSemantics> ObjectMetaList(const Path& path) {
  if (path.size() != 2 || path[0] != "metadata") return std::nullopt;
  if (path[1] == "finalizers") return ListSemantics{ListSemantics::Type::kSet, {}, {}};
  if (path[1] == "ownerReferences") return ListSemantics{ListSemantics::Type::kMap, {"uid"}, {}};
  return std::nullopt;
}

// A string-valued extension, or `fallback` when absent or not a string (schemas are user
// input; nlohmann's value() would throw on a wrong type).
std::string Extension(const nlohmann::json& schema, const char* name, const char* fallback) {
  auto it = schema.find(name);
  return it != schema.end() && it->is_string() ? it->get<std::string>() : fallback;
}

bool IsListSchema(const nlohmann::json& schema) {
  return schema.is_object() && schema.contains("items") && schema["items"].is_object();
}

// The schema of the value at `path` (list items are entered implicitly, since the path has
// no indexes), or null when the schema does not describe it.
const nlohmann::json* SchemaAt(const nlohmann::json& root, const Path& path) {
  const nlohmann::json* node = &root;
  for (const std::string& name : path) {
    while (IsListSchema(*node)) node = &(*node)["items"];
    if (!node->is_object()) return nullptr;
    auto props = node->find("properties");
    if (props != node->end() && props->is_object() && props->contains(name)) {
      node = &(*props)[name];
      continue;
    }
    auto additional = node->find("additionalProperties");
    if (additional != node->end() && additional->is_object()) {
      node = &*additional;
      continue;
    }
    return nullptr;
  }
  return node;
}

ListSemantics ListFromSchemaNode(const nlohmann::json& schema) {
  ListSemantics out;
  std::string type = Extension(schema, "x-kubernetes-list-type", "atomic");
  if (type == "set") {
    out.type = ListSemantics::Type::kSet;
  } else if (type == "map") {
    out.type = ListSemantics::Type::kMap;
    auto keys = schema.find("x-kubernetes-list-map-keys");
    if (keys != schema.end() && keys->is_array()) {
      for (const auto& k : *keys) {
        if (k.is_string()) out.keys.push_back(k.get<std::string>());
      }
    }
    const nlohmann::json& items = schema["items"];
    auto props = items.find("properties");
    if (props != items.end() && props->is_object()) {
      for (const std::string& key : out.keys) {
        auto prop = props->find(key);
        if (prop != props->end() && prop->is_object() && prop->contains("default")) {
          out.key_defaults[key] = (*prop)["default"];
        }
      }
    }
    // A map-list without keys cannot be merged by key; Kubernetes rejects such schemas, and
    // treating it as atomic is the safe reading.
    if (out.keys.empty()) out.type = ListSemantics::Type::kAtomic;
  }
  return out;
}

std::string Dotted(const Path& path) {
  std::string out;
  for (const std::string& name : path) {
    if (!out.empty()) out += ".";
    out += name;
  }
  return out;
}

}  // namespace

ListSemantics MergeSemantics::ListAt(const std::vector<std::string>& path) const {
  if (std::optional<ListSemantics> meta = ObjectMetaList(path)) return *meta;
  if (!lists) return ListSemantics{};
  return lists(path);
}

bool MergeSemantics::IsAtomicMap(const std::vector<std::string>& path) const {
  return maps && maps(path) == MapType::kAtomic;
}

ListSemanticsResolver ListSemanticsFromSchema(const nlohmann::json& open_api_v3_schema) {
  return [schema = open_api_v3_schema](const Path& path) {
    const nlohmann::json* node = SchemaAt(schema, path);
    if (node == nullptr || !IsListSchema(*node)) return ListSemantics{};
    return ListFromSchemaNode(*node);
  };
}

MapTypeResolver MapTypesFromSchema(const nlohmann::json& open_api_v3_schema) {
  return [schema = open_api_v3_schema](const Path& path) {
    const nlohmann::json* node = SchemaAt(schema, path);
    if (node == nullptr) return MapType::kGranular;
    while (IsListSchema(*node)) node = &(*node)["items"];
    if (node->is_object() && Extension(*node, "x-kubernetes-map-type", "granular") == "atomic") {
      return MapType::kAtomic;
    }
    return MapType::kGranular;
  };
}

ListSemanticsResolver ListSemanticsFromTable(std::map<std::string, ListSemantics> by_dotted_path) {
  return [table = std::move(by_dotted_path)](const Path& path) {
    auto it = table.find(Dotted(path));
    return it == table.end() ? ListSemantics{} : it->second;
  };
}

}  // namespace upkeep::apiserver
