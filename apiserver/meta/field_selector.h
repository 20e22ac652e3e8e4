// FieldSelector: the `fieldSelector` of list and watch requests, with the grammar, escapes and
// error messages of k8s.io/apimachinery/pkg/fields. Only equality terms exist ("f=v", "f==v",
// "f!=v", comma meaning AND); values may escape '\', ',' and '=' with a backslash.
// Which fields may be selected on depends on the kind: metadata.name and metadata.namespace
// always, plus per-kind fields (a Secret's `type`, an Event's `involvedObject.name`) that
// the caller names and that are looked up as dotted paths into the object.
// Value type; immutable after construction, so safe to share between threads.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

class FieldSelector {
 public:
  struct Requirement {
    std::string field;  // "metadata.name"
    bool equals;        // false for "!="
    std::string value;  // unescaped
  };

  // Parses e.g. "metadata.name=web,status.phase!=Running". Errors are 400 BadRequest
  // statuses with Kubernetes' message, e.g. "invalid selector: 'foo'; can't understand 'foo'".
  static absl::StatusOr<FieldSelector> Parse(std::string_view text);

  // OK when every field is metadata.name, metadata.namespace or one of `extra_fields`;
  // otherwise the apiserver's 400 BadRequest "field label not supported: spec.foo".
  absl::Status CheckSupported(const std::vector<std::string>& extra_fields = {}) const;

  // True when every term holds for `object`. A missing field compares as "".
  bool Matches(const nlohmann::json& object) const;

  // True when the selector does not restrict anything.
  bool Empty() const { return requirements_.empty(); }

  // The value `field` must equal for anything to match, if a term pins it (lets the store
  // narrow a list to one name or namespace).
  std::optional<std::string> RequiresExactMatch(std::string_view field) const;

  // Terms in the order Kubernetes evaluates them (sorted by their text).
  const std::vector<Requirement>& requirements() const { return requirements_; }

 private:
  FieldSelector() = default;

  std::vector<Requirement> requirements_;
};

// The text a field selector compares for `dotted_path` in `object`: strings as they are,
// booleans as "true"/"false", integers in decimal, and "" for missing or null fields.
std::string SelectableFieldValue(const nlohmann::json& object, std::string_view dotted_path);

}  // namespace upkeep::apiserver
