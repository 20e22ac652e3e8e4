#include "apiserver/apply/object_merge.h"

#include <absl/status/status.h>

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/list_item_element.h"

namespace upkeep::apiserver {
namespace {

// The applied value as it lands where the live object has nothing: nulls inside objects
// mean "absent".
nlohmann::json WithoutNullFields(const nlohmann::json& value) {
  if (value.is_object()) {
    nlohmann::json out = nlohmann::json::object();
    for (const auto& [key, child] : value.items()) {
      if (!child.is_null()) out[key] = WithoutNullFields(child);
    }
    return out;
  }
  if (value.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& item : value) out.push_back(WithoutNullFields(item));
    return out;
  }
  return value;
}

struct ListItem {
  PathElement element;
  const nlohmann::json* value;
};

class MergeWalker {
 public:
  explicit MergeWalker(const MergeSemantics& semantics) : semantics_(semantics) {}

  absl::StatusOr<nlohmann::json> Merge(const nlohmann::json& live, const nlohmann::json& applied,
                                       bool is_root) {
    bool both_empty = live.empty() && applied.empty();
    if (live.is_object() && applied.is_object() && !both_empty &&
        (is_root || !semantics_.IsAtomicMap(names_))) {
      return MergeMaps(live, applied);
    }
    if (live.is_array() && applied.is_array() && !both_empty) {
      ListSemantics list = semantics_.ListAt(names_);
      if (list.type != ListSemantics::Type::kAtomic) return MergeLists(list, live, applied);
    }
    return WithoutNullFields(applied);
  }

 private:
  absl::StatusOr<nlohmann::json> MergeMaps(const nlohmann::json& live,
                                           const nlohmann::json& applied) {
    nlohmann::json out = live;
    for (const auto& [key, value] : applied.items()) {
      if (value.is_null()) {
        out.erase(key);
        continue;
      }
      auto it = live.find(key);
      if (it == live.end()) {
        out[key] = WithoutNullFields(value);
        continue;
      }
      names_.push_back(key);
      absl::StatusOr<nlohmann::json> merged = Merge(*it, value, /*is_root=*/false);
      names_.pop_back();
      if (!merged.ok()) return merged.status();
      out[key] = *std::move(merged);
    }
    return out;
  }

  absl::StatusOr<std::vector<ListItem>> Items(const ListSemantics& list,
                                              const nlohmann::json& value) {
    std::vector<ListItem> out;
    for (size_t i = 0; i < value.size(); ++i) {
      absl::StatusOr<PathElement> element = ListItemElement(list, value[i]);
      if (!element.ok()) {
        std::string where;
        for (const std::string& name : names_) where += "." + name;
        return absl::InvalidArgumentError(where + ": element " + std::to_string(i) + ": " +
                                          std::string(element.status().message()));
      }
      out.push_back({*std::move(element), &value[i]});
    }
    return out;
  }

  absl::StatusOr<nlohmann::json> MergeItem(const nlohmann::json* live,
                                           const nlohmann::json& applied) {
    if (live == nullptr) return WithoutNullFields(applied);
    return Merge(*live, applied, /*is_root=*/false);
  }

  // Walks both lists at once, as structured-merge-diff does: live-only items stay where they
  // are, items in the applied list come in its order, and a shared item that the live list
  // holds earlier than the applied order wants is taken when the applied list reaches it.
  absl::StatusOr<nlohmann::json> MergeLists(const ListSemantics& list, const nlohmann::json& live,
                                            const nlohmann::json& applied) {
    auto live_items = Items(list, live);
    if (!live_items.ok()) return live_items.status();
    auto applied_items = Items(list, applied);
    if (!applied_items.ok()) return applied_items.status();

    // A key the live list holds twice has no single item to merge with: the applied item
    // replaces them all.
    std::map<PathElement, const nlohmann::json*> live_by_key;
    for (const ListItem& item : *live_items) {
      auto [it, inserted] = live_by_key.emplace(item.element, item.value);
      if (!inserted) it->second = nullptr;
    }
    std::map<PathElement, const nlohmann::json*> applied_by_key;
    for (const ListItem& item : *applied_items) applied_by_key.emplace(item.element, item.value);

    std::deque<PathElement> shared_order;
    for (const ListItem& item : *applied_items) {
      if (live_by_key.count(item.element)) shared_order.push_back(item.element);
    }
    auto next_shared = [&shared_order]() -> std::optional<PathElement> {
      if (shared_order.empty()) return std::nullopt;
      PathElement e = shared_order.front();
      shared_order.pop_front();
      return e;
    };
    std::optional<PathElement> shared = next_shared();

    nlohmann::json out = nlohmann::json::array();
    std::set<PathElement> emitted;
    size_t li = 0, ai = 0;
    const size_t live_n = live_items->size(), applied_n = applied_items->size();
    while (li < live_n || ai < applied_n) {
      if (li < live_n && ai < applied_n) {
        const PathElement& e = (*live_items)[li].element;
        if (e == (*applied_items)[ai].element) {
          emitted.insert(e);
          auto merged = MergeItem(live_by_key[e], *applied_by_key[e]);
          if (!merged.ok()) return merged.status();
          out.push_back(*std::move(merged));
          ++li;
          ++ai;
          shared = next_shared();
          continue;
        }
        if (applied_by_key.count(e) && shared.has_value() && *shared != e) {
          ++li;  // Shared, but not yet its turn in the applied order.
          continue;
        }
      }
      if (li < live_n) {
        const PathElement& e = (*live_items)[li].element;
        if (!applied_by_key.count(e)) {
          out.push_back(*(*live_items)[li].value);
          ++li;
          continue;
        }
        if (emitted.count(e)) {
          ++li;
          continue;
        }
      }
      if (ai < applied_n) {
        const PathElement& e = (*applied_items)[ai].element;
        ++ai;
        if (!emitted.insert(e).second) continue;  // A duplicate in the applied list.
        auto live_item = live_by_key.find(e);
        auto merged = MergeItem(live_item == live_by_key.end() ? nullptr : live_item->second,
                                *applied_by_key[e]);
        if (!merged.ok()) return merged.status();
        out.push_back(*std::move(merged));
        if (shared.has_value() && *shared == e) shared = next_shared();
      }
    }
    return out;
  }

  const MergeSemantics& semantics_;
  std::vector<std::string> names_;
};

}  // namespace

absl::StatusOr<nlohmann::json> MergeObjects(const nlohmann::json& live,
                                            const nlohmann::json& applied,
                                            const MergeSemantics& semantics) {
  MergeWalker walker(semantics);
  return walker.Merge(live, applied, /*is_root=*/true);
}

}  // namespace upkeep::apiserver
