// JSON Merge Patch (RFC 7386, Content-Type application/merge-patch+json) as kube-apiserver
// applies it: object members merge recursively, null deletes a member, and anything that is
// not an object (arrays included) replaces the value it lands on.
//
// Kubernetes uses evanphx/json-patch v4's MergePatch, and two of its choices differ from the
// RFC's pseudocode; clients see them, so they are kept:
//  - a patch that is null or a scalar is rejected with 400 BadRequest "Invalid JSON Patch"
//    (the RFC would replace the whole document);
//  - nulls inside newly added values are dropped, including null array elements.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

// Applies `patch` to a copy of `document`.
absl::StatusOr<nlohmann::json> ApplyMergePatch(const nlohmann::json& document,
                                               const nlohmann::json& patch);

}  // namespace upkeep::apiserver
