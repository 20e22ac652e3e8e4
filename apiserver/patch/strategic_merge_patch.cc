#include "apiserver/patch/strategic_merge_patch.h"

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "apiserver/api/api_status.h"
#include "apiserver/patch/builtin_merge_keys.h"
#include "apiserver/patch/go_value_text.h"
#include "apiserver/patch/list_element_order.h"
#include "apiserver/patch/patch_errors.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using Mode = ListMergeStrategy::Mode;

constexpr char kDirectiveMarker[] = "$patch";
constexpr char kRetainKeys[] = "$retainKeys";
constexpr char kDeleteFromPrimitiveList[] = "$deleteFromPrimitiveList";
constexpr char kSetElementOrder[] = "$setElementOrder";

// Messages of k8s.io/apimachinery/pkg/util/mergepatch errors.
constexpr std::string_view kBadRetainKeys = "invalid patch format of retainKeys";
constexpr std::string_view kBadPrimitiveList = "invalid patch format of primitive list";
constexpr std::string_view kBadSetElementOrder = "invalid patch format of setElementOrder list";

std::string FieldPath(const std::string& parent, const std::string& field) {
  return parent.empty() ? field : parent + "." + field;
}

// "$setElementOrder/containers" names "containers"; kube rejects a directive without "/".
std::optional<std::string> DirectiveField(std::string_view key, std::string_view prefix) {
  std::size_t slash = key.find('/');
  if (slash == std::string_view::npos || key.substr(0, slash) != prefix) return std::nullopt;
  return std::string(key.substr(slash + 1));
}

bool IsParallelListDirective(std::string_view key) {
  return key.starts_with(kDeleteFromPrimitiveList) || key.starts_with(kSetElementOrder);
}

absl::Status NoMergeKeyError(const json& element, std::string_view merge_key) {
  return patch::PatchFailedError("map: " + patch::FormatGoValue(element) +
                                 " does not contain declared merge key: " + std::string(merge_key));
}

absl::Status UnknownPatchTypeError(const json& directive, const json& map) {
  return patch::PatchFailedError("unknown patch type: " + patch::FormatGoValue(directive) +
                                 " in map: " + patch::FormatGoValue(map));
}

absl::Status NotAListError(const json& value) {
  return patch::PatchFailedError("expected a []interface {}, but received a " +
                                 patch::GoTypeName(value));
}

// A value added where nothing existed has nothing to delete or reorder: its nulls and
// directives are resolved against emptiness. nullopt means the value deletes itself.
std::optional<json> ResolvedNewValue(const json& value) {
  if (value.is_array()) {
    json out = json::array();
    for (const json& element : value) {
      std::optional<json> resolved = ResolvedNewValue(element);
      // A bare {"$patch": "replace"} element only instructs; it is not an element.
      if (resolved &&
          !(element.is_object() && element.contains(kDirectiveMarker) && resolved->empty())) {
        out.push_back(std::move(*resolved));
      }
    }
    return out;
  }
  if (!value.is_object()) return value;
  auto directive = value.find(kDirectiveMarker);
  if (directive != value.end() && *directive == "delete") return std::nullopt;
  json out = json::object();
  for (const auto& [key, member] : value.items()) {
    if (key == kDirectiveMarker || key == kRetainKeys || IsParallelListDirective(key) ||
        member.is_null()) {
      continue;
    }
    if (std::optional<json> resolved = ResolvedNewValue(member)) out[key] = std::move(*resolved);
  }
  return out;
}

enum class ElementKind { kObject, kArray, kString, kNumber, kBool, kNull };

ElementKind KindOf(const json& value) {
  if (value.is_object()) return ElementKind::kObject;
  if (value.is_array()) return ElementKind::kArray;
  if (value.is_string()) return ElementKind::kString;
  if (value.is_number()) return ElementKind::kNumber;
  if (value.is_boolean()) return ElementKind::kBool;
  return ElementKind::kNull;
}

// The one element kind of two lists, as sliceElementType() insists on.
absl::StatusOr<ElementKind> CommonElementKind(const json& live, const json& patch) {
  std::optional<ElementKind> common;
  for (const json* list : {&live, &patch}) {
    for (const json& element : *list) {
      ElementKind kind = KindOf(element);
      if (!common) {
        if (kind == ElementKind::kArray) {
          return patch::PatchRejectedError("lists of lists are not supported");
        }
        common = kind;
      } else if (*common != kind) {
        return patch::PatchFailedError("list element types are not identical: [" +
                                       patch::FormatGoValue(live) + " " +
                                       patch::FormatGoValue(patch) + "]");
      }
    }
  }
  return common.value_or(ElementKind::kNull);
}

json WithoutElements(const json& list, const json& to_remove) {
  json out = json::array();
  for (const json& element : list) {
    bool removed = false;
    for (const json& gone : to_remove) removed = removed || gone == element;
    if (!removed) out.push_back(element);
  }
  return out;
}

const json* MergeKeyValue(const json& element, const std::string& merge_key) {
  if (!element.is_object()) return nullptr;
  auto it = element.find(merge_key);
  return it == element.end() ? nullptr : &*it;
}

// Every element must carry its merge key before a list of objects can be ordered.
absl::Status RequireMergeKeys(const json& list, const std::string& merge_key) {
  for (const json& element : list) {
    if (!element.is_object()) {
      return patch::PatchFailedError("expected a map[string]interface {}, but received a " +
                                     patch::GoTypeName(element));
    }
    if (MergeKeyValue(element, merge_key) == nullptr) return NoMergeKeyError(element, merge_key);
  }
  return absl::OkStatus();
}

// Applies one strategic merge patch; knows the kind so it can look list strategies up.
class StrategicMerger {
 public:
  explicit StrategicMerger(std::string_view kind) : kind_(kind) {}

  absl::StatusOr<json> MergeMap(json live, json patch, const std::string& path) const {
    if (auto directive = patch.find(kDirectiveMarker); directive != patch.end()) {
      if (*directive == "delete") return json::object();
      if (*directive == "replace") {
        patch.erase(directive);
        return ResolvedNewValue(patch).value_or(json::object());
      }
      if (*directive != "merge") return UnknownPatchTypeError(*directive, patch);
      patch.erase(directive);
    }
    if (!live.is_object()) live = json::object();
    if (absl::Status status = ApplyRetainKeys(live, patch); !status.ok()) return status;
    if (absl::Status status = ApplySetElementOrders(live, patch, path); !status.ok()) {
      return status;
    }
    for (const auto& [key, patch_value] : patch.items()) {
      std::string field = key;
      bool is_delete_list = false;
      if (key.starts_with(kDeleteFromPrimitiveList)) {
        std::optional<std::string> target = DirectiveField(key, kDeleteFromPrimitiveList);
        if (!target) return BadRequestError(kBadPrimitiveList);
        field = *target;
        is_delete_list = true;
      }
      if (patch_value.is_null()) {
        live.erase(field);
        continue;
      }
      auto existing = live.find(field);
      if (existing == live.end() || KindOf(*existing) != KindOf(patch_value)) {
        if (is_delete_list) continue;
        if (std::optional<json> resolved = ResolvedNewValue(patch_value)) {
          live[field] = std::move(*resolved);
        } else {
          live.erase(field);
        }
        continue;
      }
      if (patch_value.is_object()) {
        absl::StatusOr<json> merged = MergeMap(*existing, patch_value, FieldPath(path, field));
        if (!merged.ok()) return merged.status();
        *existing = std::move(*merged);
      } else if (patch_value.is_array()) {
        absl::StatusOr<json> merged =
            MergeList(*existing, patch_value, FieldPath(path, field), is_delete_list);
        if (!merged.ok()) return merged.status();
        *existing = std::move(*merged);
      } else if (!is_delete_list) {
        *existing = patch_value;
      }
    }
    return live;
  }

 private:
  // "$retainKeys": keys of the live map not listed are cleared; the patch may not set others.
  static absl::Status ApplyRetainKeys(json& live, json& patch) {
    auto directive = patch.find(kRetainKeys);
    if (directive == patch.end()) return absl::OkStatus();
    json retained = *directive;
    patch.erase(directive);
    if (!retained.is_array()) return BadRequestError(kBadRetainKeys);
    auto is_retained = [&](const std::string& key) {
      for (const json& name : retained) {
        if (name == key) return true;
      }
      return false;
    };
    for (const auto& [key, value] : patch.items()) {
      if (value.is_null() || IsParallelListDirective(key)) continue;
      if (!is_retained(key)) return BadRequestError(kBadRetainKeys);
    }
    std::vector<std::string> cleared;
    for (const auto& [key, value] : live.items()) {
      if (!is_retained(key)) cleared.push_back(key);
    }
    for (const std::string& key : cleared) live.erase(key);
    return absl::OkStatus();
  }

  // "$setElementOrder/<field>": merges <field> now and orders the result as listed, so the
  // main loop no longer sees either key.
  absl::Status ApplySetElementOrders(json& live, json& patch, const std::string& path) const {
    std::vector<std::string> directives;
    for (const auto& [key, value] : patch.items()) {
      if (key.starts_with(kSetElementOrder)) directives.push_back(key);
    }
    for (const std::string& directive : directives) {
      json order = patch[directive];
      patch.erase(directive);
      std::optional<std::string> field = DirectiveField(directive, kSetElementOrder);
      if (!field || !order.is_array()) return BadRequestError(kBadSetElementOrder);

      const json* live_list = live.contains(*field) ? &live[*field] : nullptr;
      const json* patch_list = patch.contains(*field) ? &patch[*field] : nullptr;
      if (live_list != nullptr && !live_list->is_array()) return NotAListError(*live_list);
      if (patch_list != nullptr && !patch_list->is_array()) return NotAListError(*patch_list);

      std::string list_path = FieldPath(path, *field);
      ListMergeStrategy strategy = BuiltinListMergeStrategy(kind_, list_path);
      std::string merge_key = strategy.mode == Mode::kMergeByKey ? strategy.merge_key : "";
      if (patch_list != nullptr) {
        if (absl::Status status = ValidateOrderMatchesPatch(*patch_list, order, merge_key);
            !status.ok()) {
          return status;
        }
      }

      json merged;
      if (live_list != nullptr && patch_list != nullptr) {
        absl::StatusOr<json> result = MergeList(*live_list, *patch_list, list_path, false);
        if (!result.ok()) return result.status();
        merged = std::move(*result);
      } else if (live_list != nullptr) {
        merged = *live_list;
      } else if (patch_list != nullptr) {
        merged = ResolvedNewValue(*patch_list).value_or(json::array());
      } else {
        continue;
      }

      json live_order = live_list != nullptr ? *live_list : json::array();
      bool list_of_objects = !merged.empty() && merged[0].is_object();
      if (!merge_key.empty()) {
        for (const json* list : {&merged, &order}) {
          if (absl::Status status = RequireMergeKeys(*list, merge_key); !status.ok()) {
            return status;
          }
        }
        merged = patch::OrderMergedList(merged, order, live_order, merge_key);
      } else if (!list_of_objects) {
        merged = patch::OrderMergedList(merged, order, live_order, "");
      }
      // A replace-strategy list of objects has no identity to order by; it stays as patched.
      live[*field] = std::move(merged);
      patch.erase(*field);
    }
    return absl::OkStatus();
  }

  // The patch list must name its elements in the order $setElementOrder gives them.
  static absl::Status ValidateOrderMatchesPatch(const json& patch_list, const json& order,
                                                const std::string& merge_key) {
    if (patch_list.empty() || order.empty()) return absl::OkStatus();
    std::vector<const json*> named;
    for (const json& element : patch_list) {
      if (!merge_key.empty()) {
        if (!element.is_object()) {
          return patch::PatchFailedError("expected a map[string]interface {}, but received a " +
                                         patch::GoTypeName(element));
        }
        auto directive = element.find(kDirectiveMarker);
        if (directive != element.end() && *directive == "delete") continue;
      }
      named.push_back(&element);
    }
    std::size_t p = 0;
    std::size_t o = 0;
    while (p < named.size() && o < order.size()) {
      const json& element = *named[p];
      if (element.is_object() && element.contains(kDirectiveMarker)) {
        ++p;
        continue;
      }
      bool same = false;
      if (merge_key.empty()) {
        same = element == order[o];
      } else {
        const json* left = MergeKeyValue(element, merge_key);
        if (left == nullptr) return NoMergeKeyError(element, merge_key);
        const json* right = MergeKeyValue(order[o], merge_key);
        if (right == nullptr) return NoMergeKeyError(order[o], merge_key);
        same = *left == *right;
      }
      if (same) ++p;
      ++o;
    }
    if (p < named.size()) {
      return patch::PatchFailedError(
          "the order in patch list:\n" + patch::FormatGoValue(patch_list) + "\n doesn't match " +
          std::string(kSetElementOrder) + " list:\n" + patch::FormatGoValue(order));
    }
    return absl::OkStatus();
  }

  absl::StatusOr<json> MergeList(const json& live, const json& patch, const std::string& path,
                                 bool is_delete_list) const {
    ListMergeStrategy strategy = BuiltinListMergeStrategy(kind_, path);
    if (strategy.mode == Mode::kReplace) {
      // kube would replace the list with the deletion list here; removing is what was meant.
      if (is_delete_list) return WithoutElements(live, patch);
      return ResolvedNewValue(patch).value_or(json::array());
    }
    if (live.empty() && patch.empty()) return live;
    absl::StatusOr<ElementKind> kind = CommonElementKind(live, patch);
    if (!kind.ok()) return kind.status();
    if (*kind != ElementKind::kObject) {
      if (is_delete_list) return WithoutElements(live, patch);
      json merged = json::array();
      for (const json* list : {&live, &patch}) {
        for (const json& element : *list) {
          if (std::find(merged.begin(), merged.end(), element) == merged.end()) {
            merged.push_back(element);
          }
        }
      }
      return patch::OrderMergedList(merged, patch, live, "");
    }
    if (strategy.mode != Mode::kMergeByKey) {
      return patch::PatchFailedError("cannot merge lists without merge key for type map");
    }
    return MergeListOfObjects(live, patch, strategy.merge_key, path);
  }

  absl::StatusOr<json> MergeListOfObjects(json live, const json& patch,
                                          const std::string& merge_key,
                                          const std::string& path) const {
    json named = json::array();
    bool replace = false;
    for (const json& element : patch) {
      auto directive = element.find(kDirectiveMarker);
      if (directive == element.end()) {
        named.push_back(element);
      } else if (*directive == "delete") {
        const json* doomed = MergeKeyValue(element, merge_key);
        if (doomed == nullptr) return NoMergeKeyError(element, merge_key);
        json kept = json::array();
        for (const json& candidate : live) {
          const json* key = MergeKeyValue(candidate, merge_key);
          if (key == nullptr || *key != *doomed) kept.push_back(candidate);
        }
        live = std::move(kept);
      } else if (*directive == "replace") {
        replace = true;
      } else if (*directive == "merge") {
        json rest = element;
        rest.erase(kDirectiveMarker);
        if (!rest.empty()) named.push_back(std::move(rest));
      } else {
        return UnknownPatchTypeError(*directive, element);
      }
    }
    if (replace) {
      live = ResolvedNewValue(named).value_or(json::array());
      named = json::array();
    }

    json merged = live;
    for (const json& element : named) {
      const json* key = MergeKeyValue(element, merge_key);
      if (key == nullptr) return NoMergeKeyError(element, merge_key);
      bool found = false;
      for (json& candidate : merged) {
        const json* candidate_key = MergeKeyValue(candidate, merge_key);
        if (candidate_key != nullptr && *candidate_key == *key) {
          absl::StatusOr<json> merged_element = MergeMap(candidate, element, path);
          if (!merged_element.ok()) return merged_element.status();
          candidate = std::move(*merged_element);
          found = true;
          break;
        }
      }
      if (!found) {
        if (std::optional<json> resolved = ResolvedNewValue(element)) {
          merged.push_back(std::move(*resolved));
        }
      }
    }
    if (absl::Status status = RequireMergeKeys(merged, merge_key); !status.ok()) return status;
    return patch::OrderMergedList(merged, named, live, merge_key);
  }

  std::string kind_;
};

}  // namespace

absl::StatusOr<json> ApplyStrategicMergePatch(const json& document, const json& patch,
                                              std::string_view kind) {
  // A null body decodes to an empty map in Go.
  if (patch.is_null()) return document;
  if (!patch.is_object()) {
    return BadRequestError("json: cannot unmarshal " + patch::GoJsonKindName(patch) +
                           " into Go value of type map[string]interface {}");
  }
  try {
    return StrategicMerger(kind).MergeMap(document, patch, "");
  } catch (const json::exception& e) {
    return patch::PatchFailedError(std::string("strategic merge patch failed: ") + e.what());
  }
}

}  // namespace upkeep::apiserver
