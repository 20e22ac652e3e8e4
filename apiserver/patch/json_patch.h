// JSON Patch (RFC 6902, Content-Type application/json-patch+json) as kube-apiserver applies it.
//
// Kubernetes applies JSON patches with evanphx/json-patch v4, and clients see its quirks, so
// this follows them where they differ from the RFC:
//  - array indexes may be negative and count from the end ("/spec/containers/-1");
//  - "replace" of a missing object member adds it instead of failing;
//  - "test" of a missing member passes when the expected value is null;
//  - the root path "" is not addressable.
// Errors are Kubernetes Status errors: a body that is not a list of operations is 400
// BadRequest, more than 10000 operations is 413, and any operation that cannot be applied
// (failed test, missing path, bad index, unknown op) is kube's generic 422 "the server
// rejected our request due to an error in our request"; absl::Status::message() keeps the
// specific cause for logs.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

// Applies `patch` (a JSON array of operations; null is an empty patch) to a copy of `document`.
absl::StatusOr<nlohmann::json> ApplyJsonPatch(const nlohmann::json& document,
                                              const nlohmann::json& patch);

}  // namespace upkeep::apiserver
