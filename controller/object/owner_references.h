// Owner references on object JSON (metadata.ownerReferences), as controllerutil's
// SetControllerReference / SetOwnerReference: what a reconciler creates for a custom
// resource names it as controller, so the garbage collector deletes it with its owner and
// the owner's controller is told when it changes.
//
// `owner` is the owner's object JSON (apiVersion, kind, metadata.name/uid/namespace).
// Pure functions on the caller's JSON; malformed input never throws. Thread-compatible.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

namespace upkeep::controller {

struct OwnerReference {
  std::string api_version;
  std::string kind;
  std::string name;
  std::string uid;
  bool controller = false;
  bool block_owner_deletion = false;
};

// Makes `owner` the controller of `object` (controller: true, blockOwnerDeletion: true),
// replacing a reference to the same owner (same API group, kind and name) if there is one.
// Errors (nothing is changed):
//  - InvalidArgument when the owner lacks apiVersion, kind, name or uid, or the namespace
//    rule is broken: a namespaced owner can only own objects in its own namespace (a
//    cluster-scoped owner may own anything);
//  - FailedPrecondition when another object already controls `object`; the message names
//    the object and that controller.
absl::Status SetControllerReference(const nlohmann::json& owner, nlohmann::json& object);

// Adds `owner` as a plain (non-controller) owner, replacing a reference to the same owner.
// InvalidArgument as above.
absl::Status SetOwnerReference(const nlohmann::json& owner, nlohmann::json& object);

// The reference with controller: true, or nullopt.
std::optional<OwnerReference> ControllerOf(const nlohmann::json& object);

// True when any owner reference carries `owner_uid`.
bool IsOwnedBy(const nlohmann::json& object, std::string_view owner_uid);

}  // namespace upkeep::controller
