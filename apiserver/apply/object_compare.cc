#include "apiserver/apply/object_compare.h"

#include <absl/status/status.h>

#include <map>
#include <string>
#include <vector>

#include "apiserver/apply/list_item_element.h"

namespace upkeep::apiserver {
namespace {

bool IsEmptyContainer(const nlohmann::json* v) {
  return v == nullptr || ((v->is_object() || v->is_array()) && v->empty());
}

class CompareWalker {
 public:
  explicit CompareWalker(const MergeSemantics& semantics) : semantics_(semantics) {}

  // At least one of `before` and `after` is non-null.
  absl::Status Walk(const nlohmann::json* before, const nlohmann::json* after) {
    const nlohmann::json& present = before != nullptr ? *before : *after;
    bool same_type = before == nullptr || after == nullptr || before->type() == after->type();
    // Both empty (or absent) containers compare as leaves, which keeps {} apart from absent.
    bool both_empty = IsEmptyContainer(before) && IsEmptyContainer(after);
    if (same_type && !both_empty && present.is_object() && !IsAtomicMap()) {
      absl::Status status = WalkObjects(before, after);
      if (!status.ok()) return status;
      RecordAppearance(before, after);
      return absl::OkStatus();
    }
    if (same_type && !both_empty && present.is_array()) {
      ListSemantics list = semantics_.ListAt(names_);
      if (list.type != ListSemantics::Type::kAtomic) {
        absl::Status status = WalkLists(list, before, after);
        if (!status.ok()) return status;
        RecordAppearance(before, after);
        return absl::OkStatus();
      }
    }
    if (before == nullptr) {
      result_.added.Insert(path_);
    } else if (after == nullptr) {
      result_.removed.Insert(path_);
    } else if (*before != *after) {
      result_.modified.Insert(path_);
    }
    return absl::OkStatus();
  }

  Comparison TakeResult() { return std::move(result_); }

 private:
  bool IsAtomicMap() const { return !path_.empty() && semantics_.IsAtomicMap(names_); }

  void RecordAppearance(const nlohmann::json* before, const nlohmann::json* after) {
    if (before == nullptr) result_.added.Insert(path_);
    if (after == nullptr) result_.removed.Insert(path_);
  }

  absl::Status WalkField(const std::string& key, const nlohmann::json* before,
                         const nlohmann::json* after) {
    names_.push_back(key);
    path_.push_back(FieldElement(key));
    absl::Status status = Walk(before, after);
    path_.pop_back();
    names_.pop_back();
    return status;
  }

  absl::Status WalkObjects(const nlohmann::json* before, const nlohmann::json* after) {
    if (before != nullptr) {
      for (const auto& [key, value] : before->items()) {
        const nlohmann::json* other = nullptr;
        if (after != nullptr) {
          auto it = after->find(key);
          if (it != after->end()) other = &*it;
        }
        absl::Status status = WalkField(key, &value, other);
        if (!status.ok()) return status;
      }
    }
    if (after != nullptr) {
      for (const auto& [key, value] : after->items()) {
        if (before != nullptr && before->contains(key)) continue;
        absl::Status status = WalkField(key, nullptr, &value);
        if (!status.ok()) return status;
      }
    }
    return absl::OkStatus();
  }

  // Items by identity; on duplicates the first one stands for the key.
  absl::StatusOr<std::vector<std::pair<PathElement, const nlohmann::json*>>> Items(
      const ListSemantics& list, const nlohmann::json* value) {
    std::vector<std::pair<PathElement, const nlohmann::json*>> out;
    if (value == nullptr) return out;
    for (size_t i = 0; i < value->size(); ++i) {
      absl::StatusOr<PathElement> element = ListItemElement(list, (*value)[i]);
      if (!element.ok()) {
        return absl::InvalidArgumentError(FieldPathString(path_) + ": element " +
                                          std::to_string(i) + ": " +
                                          std::string(element.status().message()));
      }
      out.emplace_back(*std::move(element), &(*value)[i]);
    }
    return out;
  }

  absl::Status WalkLists(const ListSemantics& list, const nlohmann::json* before,
                         const nlohmann::json* after) {
    auto before_items = Items(list, before);
    if (!before_items.ok()) return before_items.status();
    auto after_items = Items(list, after);
    if (!after_items.ok()) return after_items.status();
    std::map<PathElement, const nlohmann::json*> after_by_key;
    for (const auto& [element, item] : *after_items) after_by_key.emplace(element, item);
    std::map<PathElement, const nlohmann::json*> before_by_key;
    for (const auto& [element, item] : *before_items) {
      if (!before_by_key.emplace(element, item).second) continue;
      auto it = after_by_key.find(element);
      absl::Status status =
          WalkItem(element, item, it == after_by_key.end() ? nullptr : it->second);
      if (!status.ok()) return status;
    }
    for (const auto& [element, item] : after_by_key) {
      if (before_by_key.count(element)) continue;
      absl::Status status = WalkItem(element, nullptr, item);
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  absl::Status WalkItem(const PathElement& element, const nlohmann::json* before,
                        const nlohmann::json* after) {
    path_.push_back(element);
    absl::Status status = Walk(before, after);
    path_.pop_back();
    return status;
  }

  const MergeSemantics& semantics_;
  std::vector<std::string> names_;
  FieldPath path_;
  Comparison result_;
};

}  // namespace

absl::StatusOr<Comparison> CompareObjects(const nlohmann::json& before, const nlohmann::json& after,
                                          const MergeSemantics& semantics) {
  CompareWalker walker(semantics);
  absl::Status status = walker.Walk(&before, &after);
  if (!status.ok()) return status;
  return walker.TakeResult();
}

}  // namespace upkeep::apiserver
