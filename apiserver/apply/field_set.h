// FieldSet: a set of field paths, the unit of ownership in server-side apply.
//
// metadata.managedFields records, per manager, the fields it owns as a FieldSet serialized in
// the FieldsV1 form kube-apiserver writes (sigs.k8s.io/structured-merge-diff):
//   {"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{}}}}}
// A path is a list of elements, each kept in its FieldsV1 spelling so that equal elements are
// equal strings: "f:<field>", "k:<json of the key fields>" (an item of a map-list),
// "v:<json value>" (an item of a set), "i:<index>" (never produced here, accepted on input).
// Value type; thread-compatible.
#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace upkeep::apiserver {

using PathElement = std::string;
using FieldPath = std::vector<PathElement>;

// "f:replicas".
PathElement FieldElement(std::string_view name);
// "k:{\"name\":\"nginx\"}" for the key fields of a map-list item (an object of name → value).
PathElement KeyElement(const nlohmann::json& key_fields);
// "v:\"finalizer.example.com\"" for an item of a set.
PathElement ValueElement(const nlohmann::json& value);

// The path as kube-apiserver prints it in apply conflicts:
// ".spec.template.spec.containers[name=\"nginx\"].image", ".metadata.finalizers[=\"a\"]".
std::string FieldPathString(const FieldPath& path);

class FieldSet {
 public:
  FieldSet() = default;

  // Parses a FieldsV1 object; fails on anything that is not one.
  static absl::StatusOr<FieldSet> FromFieldsV1(const nlohmann::json& fields_v1);
  nlohmann::json ToFieldsV1() const;

  void Insert(const FieldPath& path);
  bool Has(const FieldPath& path) const;
  bool Empty() const { return members_.empty() && children_.empty(); }

  FieldSet Union(const FieldSet& other) const;
  FieldSet Intersection(const FieldSet& other) const;
  FieldSet Difference(const FieldSet& other) const;
  // Drops every path that equals, or lies below, a path of `prefixes`.
  FieldSet RecursiveDifference(const FieldSet& prefixes) const;
  // Adds each object field ("f:") that has paths below it as a path of its own. Pruning
  // compares sets this way so that a field nobody owns anything under can go as a whole.
  FieldSet WithFieldParentsAsMembers() const;

  // Whether `element` (one level down) is itself in the set.
  bool HasMember(const PathElement& element) const { return members_.count(element) > 0; }
  // The paths below `element`, relative to it; null when there are none.
  const FieldSet* Child(const PathElement& element) const;

  // Every path in the order structured-merge-diff iterates: the members of a level, sorted,
  // before the levels below them.
  std::vector<FieldPath> Paths() const;

  bool operator==(const FieldSet& other) const = default;

 private:
  void CollectPaths(FieldPath& prefix, std::vector<FieldPath>& out) const;

  // Invariant: no child set is empty, so Empty() and == need no normalisation.
  std::set<PathElement> members_;
  std::map<PathElement, FieldSet> children_;
};

}  // namespace upkeep::apiserver
