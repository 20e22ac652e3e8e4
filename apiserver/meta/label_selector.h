// LabelSelector: the `labelSelector` of list and watch requests and the meta/v1 LabelSelector
// of workload specs, with the grammar, validation and error messages of
// k8s.io/apimachinery/pkg/labels, so `kubectl get -l ...` behaves and fails as it does
// against a real kube-apiserver.
// Value type; immutable after construction, so safe to share between threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

class LabelSelector {
 public:
  enum class Operator {
    kEquals,        // a=b
    kDoubleEquals,  // a==b
    kNotEquals,     // a!=b
    kIn,            // a in (x,y)
    kNotIn,         // a notin (x,y)
    kExists,        // a
    kDoesNotExist,  // !a
    kGreaterThan,   // a>3
    kLessThan,      // a<3
  };

  struct Requirement {
    std::string key;
    Operator op = Operator::kExists;
    std::vector<std::string> values;  // sorted and unique, as Kubernetes keeps them
  };

  // Matches every object; what an absent or empty labelSelector means.
  static LabelSelector Everything();
  // Matches no object; what a null meta/v1 LabelSelector means.
  static LabelSelector Nothing();

  // Parses the query-string form, e.g. "app=web,tier notin (cache),!canary". Errors are
  // 400 BadRequest statuses carrying Kubernetes' message, e.g. "unable to parse requirement:
  // <nil>: Invalid value: \"app:web\": name part must consist of ...".
  static absl::StatusOr<LabelSelector> Parse(std::string_view text);

  // Converts a meta/v1 LabelSelector {matchLabels, matchExpressions}, as
  // metav1.LabelSelectorAsSelector does: null matches nothing, {} matches everything.
  // Errors are 400 BadRequest statuses.
  static absl::StatusOr<LabelSelector> FromJson(const nlohmann::json& selector);

  // True when every requirement holds for `labels` (a JSON object of strings, or null).
  bool Matches(const nlohmann::json& labels) const;

  // True when the selector does not restrict anything.
  bool Empty() const;

  // Requirements sorted by key.
  const std::vector<Requirement>& requirements() const { return requirements_; }

  // The canonical query-string form, e.g. "app=web,tier notin (cache)".
  std::string ToString() const;

 private:
  LabelSelector() = default;

  std::vector<Requirement> requirements_;
  bool matches_nothing_ = false;
};

}  // namespace upkeep::apiserver
