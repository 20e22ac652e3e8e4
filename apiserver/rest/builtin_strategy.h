// What kube-apiserver's per-kind strategies do on write for the built-in kinds the server
// stores generically: Secret stringData folded into data and type defaulted to Opaque, and
// which kinds carry metadata.generation at all. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver {

// Normalizes `object` of `info` before validation, on create and on update.
void PrepareBuiltinForWrite(const ResourceInfo& info, nlohmann::json& object);

// True for kinds whose metadata.generation tracks spec changes (custom resources and the
// built-in kinds with a spec that controllers observe).
bool TracksGeneration(const ResourceInfo& info);

}  // namespace upkeep::apiserver
