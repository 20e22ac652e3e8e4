// The kubectl.kubernetes.io/last-applied-configuration annotation under server-side apply.
//
// Objects that `kubectl apply` (client-side) manages carry their last applied configuration
// in this annotation, and their fields belong to "kubectl-client-side-apply". When the
// "kubectl" manager then applies server-side, kube-apiserver lets it take over, without
// conflict, the fields whose live values still equal the annotation's, and it keeps the
// annotation current so that a later client-side apply still computes correct diffs.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

inline constexpr char kLastAppliedAnnotation[] = "kubectl.kubernetes.io/last-applied-configuration";
// Only this manager (kubectl apply --server-side's default) gets the upgrade path.
inline constexpr char kKubectlApplyManager[] = "kubectl";

// The fields of `live`'s last-applied configuration whose values `live` still has. Empty when
// there is no annotation, it does not parse, or it was written for another apiVersion.
FieldSet FieldsStillAsLastApplied(const nlohmann::json& live, const std::string& api_version,
                                  const MergeSemantics& semantics);

// If `object` has a last-applied annotation, replaces it with `applied` (minus that
// annotation), encoded as kubectl encodes it. Drops it if annotations would exceed 256 KiB.
void SyncLastApplied(nlohmann::json& object, const nlohmann::json& applied);

}  // namespace upkeep::apiserver
