#include "apiserver/apply/field_set_of.h"

#include <absl/status/status.h>

#include <set>
#include <string>
#include <vector>

#include "apiserver/apply/list_item_element.h"

namespace upkeep::apiserver {
namespace {

class FieldSetWalker {
 public:
  FieldSetWalker(const MergeSemantics& semantics, DuplicateItems duplicates)
      : semantics_(semantics), duplicates_(duplicates) {}

  absl::Status Walk(const nlohmann::json& value) {
    if (value.is_object()) return WalkObject(value);
    if (value.is_array()) return WalkList(value);
    set_.Insert(path_);
    return absl::OkStatus();
  }

  FieldSet TakeSet() { return std::move(set_); }

 private:
  absl::Status WalkObject(const nlohmann::json& object) {
    if (!path_.empty() && semantics_.IsAtomicMap(names_)) {
      set_.Insert(path_);
      return absl::OkStatus();
    }
    for (const auto& [key, child] : object.items()) {
      names_.push_back(key);
      path_.push_back(FieldElement(key));
      if (child.is_null() || (child.is_object() && child.empty())) set_.Insert(path_);
      absl::Status status = Walk(child);
      path_.pop_back();
      names_.pop_back();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  absl::Status WalkList(const nlohmann::json& list) {
    ListSemantics semantics = semantics_.ListAt(names_);
    if (semantics.type == ListSemantics::Type::kAtomic) {
      set_.Insert(path_);
      return absl::OkStatus();
    }
    std::set<PathElement> seen;
    for (size_t i = 0; i < list.size(); ++i) {
      absl::StatusOr<PathElement> element = ListItemElement(semantics, list[i]);
      if (!element.ok()) {
        return absl::InvalidArgumentError(FieldPathString(path_) + ": element " +
                                          std::to_string(i) + ": " +
                                          std::string(element.status().message()));
      }
      if (!seen.insert(*element).second) {
        if (duplicates_ == DuplicateItems::kAllow) continue;
        return absl::InvalidArgumentError(FieldPathString(path_) + ": duplicate entries for key " +
                                          FieldPathString({*element}));
      }
      path_.push_back(*element);
      set_.Insert(path_);
      absl::Status status = Walk(list[i]);
      path_.pop_back();
      if (!status.ok()) return status;
    }
    return absl::OkStatus();
  }

  const MergeSemantics& semantics_;
  const DuplicateItems duplicates_;
  std::vector<std::string> names_;  // field names only, for the semantics resolvers
  FieldPath path_;
  FieldSet set_;
};

}  // namespace

absl::StatusOr<FieldSet> FieldSetOf(const nlohmann::json& object, const MergeSemantics& semantics,
                                    DuplicateItems duplicates) {
  FieldSetWalker walker(semantics, duplicates);
  absl::Status status = walker.Walk(object);
  if (!status.ok()) return status;
  return walker.TakeSet();
}

}  // namespace upkeep::apiserver
