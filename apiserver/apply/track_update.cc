#include "apiserver/apply/track_update.h"

#include "apiserver/apply/managed_fields.h"
#include "apiserver/apply/record_update.h"

namespace upkeep::apiserver {
namespace {

ManagedFields DecodedOrEmpty(const nlohmann::json& managed_fields) {
  absl::StatusOr<ManagedFields> decoded = DecodeManagedFields(managed_fields);
  return decoded.ok() ? *std::move(decoded) : ManagedFields();
}

// Which managedFields the write starts from: the stored ones on a subresource, none on a
// reset, the client's when it sent valid ones, else the stored ones (so that clients unaware
// of managedFields cannot drop them by accident).
ManagedFields StartingManagedFields(const nlohmann::json& sent, const nlohmann::json& stored,
                                    bool subresource) {
  if (subresource) return DecodedOrEmpty(stored);
  if (IsManagedFieldsReset(sent)) return {};
  absl::StatusOr<ManagedFields> decoded = DecodeManagedFields(sent);
  if (!decoded.ok() || decoded->empty()) return DecodedOrEmpty(stored);
  return *std::move(decoded);
}

}  // namespace

nlohmann::json TrackUpdate(const nlohmann::json* old_object, const nlohmann::json& new_object,
                           const UpdateOptions& options) {
  nlohmann::json result = new_object;
  nlohmann::json before = old_object != nullptr ? *old_object : nlohmann::json::object();
  nlohmann::json stored = TakeManagedFields(before);
  nlohmann::json sent = TakeManagedFields(result);

  ManagedFields managed = StartingManagedFields(sent, stored, !options.subresource.empty());
  if (old_object != nullptr && managed.empty()) return result;

  ManagedFieldsEntry writer;
  writer.manager = options.manager;
  writer.api_version = options.api_version;
  writer.subresource = options.subresource;
  writer.time = options.now_rfc3339;
  absl::Status status =
      RecordUpdate(before, result, writer, MergeSemantics{options.lists, options.maps},
                   options.ignored_fields, managed);
  if (!status.ok()) {
    if (!stored.is_null()) result["metadata"]["managedFields"] = stored;
    return result;
  }
  CapUpdateEntries(managed);
  StoreManagedFields(result, managed);
  return result;
}

}  // namespace upkeep::apiserver
