// Finalizers on object JSON (metadata.finalizers), as controllerutil's helpers: a reconciler
// adds its finalizer before creating anything outside the cluster, and removes it once the
// cleanup after a delete request (IsBeingDeleted) is done.
//
// Pure functions on the caller's JSON; malformed metadata never throws. Thread-compatible.
#pragma once

#include <string_view>

#include <nlohmann/json.hpp>

namespace upkeep::controller {

bool HasFinalizer(const nlohmann::json& object, std::string_view finalizer);
// Appends `finalizer` unless present; true if it was added.
bool AddFinalizer(nlohmann::json& object, std::string_view finalizer);
// Removes every occurrence of `finalizer`; true if one was removed. An emptied list is
// removed too, as the API server omits it.
bool RemoveFinalizer(nlohmann::json& object, std::string_view finalizer);
// True once deletion was requested (metadata.deletionTimestamp set); the object stays until
// its finalizers are gone.
bool IsBeingDeleted(const nlohmann::json& object);

}  // namespace upkeep::controller
