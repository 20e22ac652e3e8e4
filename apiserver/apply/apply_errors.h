// The errors server-side apply raises that api_status.h has no constructor for: the 409
// kube-apiserver answers when an apply would change fields other managers own, and the bare
// 500 it answers for objects its merge machinery cannot handle.
//
// kubectl prints the message and lists the causes, and tools such as Argo CD match on the
// cause reason FieldManagerConflict, so both follow kube-apiserver to the character, e.g.
//   Apply failed with 1 conflict: conflict with "kubectl" using apps/v1: .spec.replicas
// with one cause per field: {reason: FieldManagerConflict, message: conflict with "...",
// field: .spec.replicas}.
// Free functions; thread-safe.
#pragma once

#include <absl/status/status.h>

#include <string>
#include <string_view>
#include <vector>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/managed_fields.h"

namespace upkeep::apiserver {

struct FieldConflict {
  ManagedFieldsEntry owner;  // who holds the field; its field set is not used
  FieldPath path;
};

// How kube names a manager in conflicts: "\"kubectl\"", "\"x\" with subresource \"status\"",
// "\"kubectl-client-side-apply\" using apps/v1".
std::string DescribeManager(const ManagedFieldsEntry& owner);

// `conflicts` must be non-empty, grouped by owner in identifier order.
absl::Status ApplyConflictError(const std::vector<FieldConflict>& conflicts);

// A 500 without a reason, as kube-apiserver reports errors that are not API errors (kubectl
// prints "Error from server: <message>"), e.g. "failed to create typed patch object (...):
// .spec.ports: element 0: associative list with keys has an element that omits key field ...".
absl::Status UnclassifiedServerError(std::string_view message);

}  // namespace upkeep::apiserver
