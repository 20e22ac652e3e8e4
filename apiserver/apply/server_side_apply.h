// ServerSideApply: PATCH with Content-Type application/apply-patch+yaml, as kube-apiserver
// does it (`kubectl apply --server-side`, Argo CD and Flux server-side apply).
//
// The applied configuration is merged into the live object; fields the manager applied last
// time and has now left out are removed unless another manager owns them too; changing a
// field another manager owns is a 409 Conflict naming each field (unless `force`, which takes
// the fields over); and metadata.managedFields records who owns what. Pure: the caller reads
// the live object, stores the result and checks resourceVersion, admission and validation.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/apply/field_set.h"
#include "apiserver/apply/merge_semantics.h"

namespace upkeep::apiserver {

struct ApplyOptions {
  // The fieldManager query parameter; the REST layer rejects apply without one.
  std::string manager;
  // The force query parameter: take over conflicting fields instead of failing. Default off.
  bool force = false;
  // The version served at the URL, e.g. "apps/v1"; the applied apiVersion must equal it.
  std::string api_version;
  // The kind served at the URL, e.g. "Deployment"; the applied kind must equal it. "" skips
  // the check.
  std::string kind;
  // "" for the object itself, or "status" (any subresource): kept as a separate entry.
  std::string subresource;
  // The name in the URL; the resulting object's name must equal it. "" skips the check.
  std::string name;
  // How lists (and objects) of this kind merge; null: lists atomic, objects granular.
  ListSemanticsResolver lists;
  MapTypeResolver maps;
  // Fields the endpoint's strategy resets and nobody may own through it: e.g. {"status"} on
  // the object of a kind with a status subresource, {"spec"} on /status. Default none.
  FieldSet ignored_fields;
  // The time recorded in the manager's entry, e.g. "2025-01-31T12:00:00Z".
  std::string now_rfc3339;
};

// `live` is null when the object does not exist yet (apply creates it). Returns the object
// to store, with metadata.managedFields updated. Errors are Kubernetes Status errors
// (api_status.h): 400 BadRequest for a wrong apiVersion/kind, a managedFields in the patch or
// a name that differs from the URL's; 409 Conflict with FieldManagerConflict causes; 500 for
// lists whose items cannot be identified (missing key field, duplicate key).
absl::StatusOr<nlohmann::json> ServerSideApply(const nlohmann::json* live,
                                               const nlohmann::json& applied,
                                               const ApplyOptions& options);

}  // namespace upkeep::apiserver
