// ManagedFields: metadata.managedFields decoded into one field set per manager.
//
// kube-apiserver keys ownership by a manager identifier built from the entry's manager name,
// operation and subresource, plus the apiVersion for Update entries (an applier keeps one
// entry whichever version it applies with). Entries are written back sorted as
// kube-apiserver sorts them (operation, time, manager, apiVersion, subresource), Update
// entries beyond ten are folded into "ancient-changes", and the metadata fields nobody may
// own (name, uid, resourceVersion, ...) are kept out of every set.
// Free functions over value types; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/apply/field_set.h"

namespace upkeep::apiserver {

inline constexpr char kOperationApply[] = "Apply";
inline constexpr char kOperationUpdate[] = "Update";

struct ManagedFieldsEntry {
  std::string manager;
  std::string operation;    // kOperationApply or kOperationUpdate
  std::string api_version;  // e.g. "apps/v1"
  std::string subresource;  // "" or e.g. "status"
  std::string time;         // RFC 3339; "" when the entry has none
  FieldSet fields;

  // The key of this entry among the others: kube's manager identifier, a JSON object of
  // manager, operation, apiVersion (Update only) and subresource.
  std::string Identifier() const;
};

// By Identifier().
using ManagedFields = std::map<std::string, ManagedFieldsEntry>;

// Decodes metadata.managedFields (null or absent: no entries). Fails, with kube's wording,
// on an entry with an unknown operation, no apiVersion, a fieldsType other than FieldsV1 or
// malformed fieldsV1.
absl::StatusOr<ManagedFields> DecodeManagedFields(const nlohmann::json& managed_fields);

// The metadata.managedFields array, sorted; empty entries are left out.
nlohmann::json EncodeManagedFields(const ManagedFields& managed);

// Whether a client-sent metadata.managedFields asks for a reset: an empty list, or a list of
// one empty entry.
bool IsManagedFieldsReset(const nlohmann::json& managed_fields);

// `fields` without the paths no manager may own: apiVersion, kind, metadata itself and
// metadata's name, namespace, uid, resourceVersion, generation, creationTimestamp,
// selfLink, clusterName and managedFields.
FieldSet WithoutUnownableMetaFields(const FieldSet& fields);

// Removes metadata.managedFields from `object` and returns it (null when absent).
nlohmann::json TakeManagedFields(nlohmann::json& object);

// Sets `object`'s metadata.managedFields to `managed`, or removes it when there is nothing to
// record.
void StoreManagedFields(nlohmann::json& object, const ManagedFields& managed);

// Folds the oldest Update entries into one "ancient-changes" entry per apiVersion until at
// most `max_update_entries` Update entries remain.
void CapUpdateEntries(ManagedFields& managed, size_t max_update_entries = 10);

}  // namespace upkeep::apiserver
