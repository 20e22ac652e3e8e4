#include "apiserver/apply/remove_fields.h"

#include <string>
#include <vector>

#include "apiserver/apply/list_item_element.h"

namespace upkeep::apiserver {
namespace {

bool IsNonEmptyContainer(const nlohmann::json& v) {
  return (v.is_object() || v.is_array()) && !v.empty();
}

class RemoveWalker {
 public:
  explicit RemoveWalker(const MergeSemantics& semantics) : semantics_(semantics) {}

  nlohmann::json Remove(const nlohmann::json& value, const FieldSet& fields, bool is_root) {
    if (value.is_object() && (is_root || !semantics_.IsAtomicMap(names_))) {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& [key, child] : value.items()) {
        PathElement element = FieldElement(key);
        if (fields.HasMember(element)) continue;
        const FieldSet* below = fields.Child(element);
        if (below == nullptr) {
          out[key] = child;
          continue;
        }
        names_.push_back(key);
        nlohmann::json rest = Remove(child, *below, /*is_root=*/false);
        names_.pop_back();
        if (IsNonEmptyContainer(child) && rest.empty()) continue;
        out[key] = std::move(rest);
      }
      return out;
    }
    if (value.is_array()) {
      ListSemantics list = semantics_.ListAt(names_);
      if (list.type == ListSemantics::Type::kAtomic) return value;
      nlohmann::json out = nlohmann::json::array();
      for (const auto& item : value) {
        absl::StatusOr<PathElement> element = ListItemElement(list, item);
        if (!element.ok()) {
          out.push_back(item);
          continue;
        }
        if (fields.HasMember(*element)) continue;
        const FieldSet* below = fields.Child(*element);
        if (below == nullptr) {
          out.push_back(item);
          continue;
        }
        nlohmann::json rest = Remove(item, *below, /*is_root=*/false);
        if (IsNonEmptyContainer(item) && rest.empty()) continue;
        out.push_back(std::move(rest));
      }
      return out;
    }
    return value;
  }

 private:
  const MergeSemantics& semantics_;
  std::vector<std::string> names_;
};

}  // namespace

nlohmann::json RemoveFields(const nlohmann::json& object, const FieldSet& fields,
                            const MergeSemantics& semantics) {
  RemoveWalker walker(semantics);
  return walker.Remove(object, fields, /*is_root=*/true);
}

}  // namespace upkeep::apiserver
