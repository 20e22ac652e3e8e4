// TrackUpdate: metadata.managedFields for ordinary writes (create, update, JSON/merge/
// strategic patch), as kube-apiserver keeps it.
//
// The writer (the fieldManager query parameter, or a name derived from the User-Agent such
// as "kubectl-client-side-apply", "kubectl-edit", "kubectl-create") comes to own, in an
// Update entry, the fields it added or changed; those fields, and the ones it removed, leave
// other managers' sets. A client may also send managedFields itself: an empty list (or one
// empty entry) resets them, anything else replaces them, and leaving them out keeps the
// stored ones. Pure: the caller computes the new object first.
// Free function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

struct UpdateOptions {
  // The writer's manager name, already derived by the caller.
  std::string manager;
  // The version of the request, e.g. "v1"; part of the entry's identity.
  std::string api_version;
  // "" for the object itself, or e.g. "status". On a subresource the managedFields a client
  // sends are ignored.
  std::string subresource;
  // How lists (and objects) of this kind merge; null: lists atomic, objects granular.
  ListSemanticsResolver lists;
  MapTypeResolver maps;
  // Fields the endpoint's strategy resets; see ApplyOptions::ignored_fields. Default none.
  FieldSet ignored_fields;
  // The time recorded in the writer's entry when it takes fields.
  std::string now_rfc3339;
};

// `old_object` is null on create. Returns `new_object` with metadata.managedFields updated.
// Like kube-apiserver this never fails the write: if the objects cannot be compared (a list
// item without its key), the stored managedFields are kept as they were. On update of an
// object that has no managedFields (they were reset), nothing is tracked until the next apply.
nlohmann::json TrackUpdate(const nlohmann::json* old_object, const nlohmann::json& new_object,
                           const UpdateOptions& options);

}  // namespace upkeep::apiserver
