// MergeSemantics: how the lists and maps of one kind merge under server-side apply.
//
// Server-side apply needs to know, for every list, whether it is atomic (replaced whole), a
// set of scalars (merged by value) or a map-list (merged item by item on key fields, e.g.
// containers by "name"); and for every object whether it is granular (merged key by key) or
// atomic. Custom resources say so in their OpenAPI v3 schema (x-kubernetes-list-type,
// x-kubernetes-list-map-keys, x-kubernetes-map-type); built-in kinds are described by a
// table the caller supplies. ObjectMeta's own lists (finalizers, ownerReferences) are known
// here and apply to every kind.
// Resolvers are immutable after construction and safe to call from any thread.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace upkeep::apiserver {

struct ListSemantics {
  enum class Type { kAtomic, kSet, kMap };
  Type type = Type::kAtomic;
  // Key fields of a map-list (Type::kMap), e.g. {"containerPort", "protocol"}.
  std::vector<std::string> keys;
  // Values used for key fields an item leaves out (the schema default, e.g. protocol "TCP").
  // Default: none; an item without a key field is then an error.
  std::map<std::string, nlohmann::json> key_defaults;
};

// `path` is the list field's path of field names from the object root with list indexes
// left out, e.g. {"spec", "template", "spec", "containers"}.
using ListSemanticsResolver = std::function<ListSemantics(const std::vector<std::string>& path)>;

enum class MapType { kGranular, kAtomic };
// `path` names an object the same way; the object in a list item has the list's path.
using MapTypeResolver = std::function<MapType(const std::vector<std::string>& path)>;

// The two resolvers together. A null resolver means: every list atomic, every object
// granular (ObjectMeta's lists keep their own semantics either way).
struct MergeSemantics {
  ListSemanticsResolver lists;
  MapTypeResolver maps;

  ListSemantics ListAt(const std::vector<std::string>& path) const;
  bool IsAtomicMap(const std::vector<std::string>& path) const;
};

// From a CustomResourceDefinition version's openAPIV3Schema. Lists without
// x-kubernetes-list-type are atomic, as in Kubernetes.
ListSemanticsResolver ListSemanticsFromSchema(const nlohmann::json& open_api_v3_schema);
// x-kubernetes-map-type from the same schema; objects without it are granular.
MapTypeResolver MapTypesFromSchema(const nlohmann::json& open_api_v3_schema);
// For built-in kinds: keys are dotted paths, e.g. "spec.template.spec.containers". Lists not
// in the table are atomic.
ListSemanticsResolver ListSemanticsFromTable(std::map<std::string, ListSemantics> by_dotted_path);

}  // namespace upkeep::apiserver
