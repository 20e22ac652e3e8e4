#include "apiserver/apply/managed_fields.h"

#include <absl/status/status.h>

#include <algorithm>
#include <tuple>
#include <vector>

namespace upkeep::apiserver {
namespace {

constexpr char kFieldsTypeV1[] = "FieldsV1";
constexpr char kAncientChangesManager[] = "ancient-changes";

std::string StringField(const nlohmann::json& object, const char* name) {
  auto it = object.find(name);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const FieldSet& UnownableMetaFields() {
  static const FieldSet* const kFields = [] {
    auto* set = new FieldSet();
    set->Insert({FieldElement("apiVersion")});
    set->Insert({FieldElement("kind")});
    set->Insert({FieldElement("metadata")});
    for (const char* name : {"name", "namespace", "creationTimestamp", "selfLink", "uid",
                             "clusterName", "generation", "managedFields", "resourceVersion"}) {
      set->Insert({FieldElement("metadata"), FieldElement(name)});
    }
    return set;
  }();
  return *kFields;
}

}  // namespace

std::string ManagedFieldsEntry::Identifier() const {
  // Same member order as Go's encoding of ManagedFieldsEntry, so identifiers sort the way
  // kube-apiserver sorts managers in conflict messages.
  std::string out = "{";
  if (!manager.empty()) out += "\"manager\":" + nlohmann::json(manager).dump() + ",";
  out += "\"operation\":" + nlohmann::json(operation).dump();
  if (operation == kOperationUpdate && !api_version.empty()) {
    out += ",\"apiVersion\":" + nlohmann::json(api_version).dump();
  }
  if (!subresource.empty()) out += ",\"subresource\":" + nlohmann::json(subresource).dump();
  return out + "}";
}

absl::StatusOr<ManagedFields> DecodeManagedFields(const nlohmann::json& managed_fields) {
  ManagedFields out;
  if (managed_fields.is_null()) return out;
  if (!managed_fields.is_array()) {
    return absl::InvalidArgumentError("metadata.managedFields must be a list");
  }
  for (size_t i = 0; i < managed_fields.size(); ++i) {
    const nlohmann::json& encoded = managed_fields[i];
    if (!encoded.is_object()) {
      return absl::InvalidArgumentError("managed fields entry " + std::to_string(i) +
                                        " must be an object");
    }
    ManagedFieldsEntry entry;
    entry.manager = StringField(encoded, "manager");
    entry.operation = StringField(encoded, "operation");
    entry.api_version = StringField(encoded, "apiVersion");
    entry.subresource = StringField(encoded, "subresource");
    entry.time = StringField(encoded, "time");
    if (entry.operation != kOperationApply && entry.operation != kOperationUpdate) {
      return absl::InvalidArgumentError("operation must be `Apply` or `Update`");
    }
    if (entry.api_version.empty()) {
      return absl::InvalidArgumentError("apiVersion must not be empty");
    }
    std::string fields_type = StringField(encoded, "fieldsType");
    if (fields_type.empty()) {
      return absl::InvalidArgumentError("missing fieldsType in managed fields entry " +
                                        std::to_string(i));
    }
    if (fields_type != kFieldsTypeV1) {
      return absl::InvalidArgumentError("invalid fieldsType \"" + fields_type +
                                        "\" in managed fields entry " + std::to_string(i));
    }
    auto fields_v1 = encoded.find("fieldsV1");
    absl::StatusOr<FieldSet> fields =
        FieldSet::FromFieldsV1(fields_v1 == encoded.end() ? nlohmann::json() : *fields_v1);
    if (!fields.ok()) {
      return absl::InvalidArgumentError("error decoding versioned set from managed fields entry " +
                                        std::to_string(i) + ": " +
                                        std::string(fields.status().message()));
    }
    entry.fields = *std::move(fields);
    std::string id = entry.Identifier();
    out[id] = std::move(entry);
  }
  return out;
}

nlohmann::json EncodeManagedFields(const ManagedFields& managed) {
  std::vector<const ManagedFieldsEntry*> entries;
  for (const auto& [id, entry] : managed) {
    if (!entry.fields.Empty()) entries.push_back(&entry);
  }
  // RFC 3339 times in UTC ("...Z") order as text does; an entry without time sorts first,
  // as kube treats it as the epoch.
  std::sort(entries.begin(), entries.end(), [](const auto* a, const auto* b) {
    return std::tie(a->operation, a->time, a->manager, a->api_version, a->subresource) <
           std::tie(b->operation, b->time, b->manager, b->api_version, b->subresource);
  });
  nlohmann::json out = nlohmann::json::array();
  for (const ManagedFieldsEntry* entry : entries) {
    nlohmann::json encoded = {{"operation", entry->operation},
                              {"apiVersion", entry->api_version},
                              {"fieldsType", kFieldsTypeV1},
                              {"fieldsV1", entry->fields.ToFieldsV1()}};
    if (!entry->manager.empty()) encoded["manager"] = entry->manager;
    if (!entry->time.empty()) encoded["time"] = entry->time;
    if (!entry->subresource.empty()) encoded["subresource"] = entry->subresource;
    out.push_back(std::move(encoded));
  }
  return out;
}

bool IsManagedFieldsReset(const nlohmann::json& managed_fields) {
  if (!managed_fields.is_array()) return false;
  if (managed_fields.empty()) return true;
  return managed_fields.size() == 1 && managed_fields[0].is_object() && managed_fields[0].empty();
}

FieldSet WithoutUnownableMetaFields(const FieldSet& fields) {
  return fields.Difference(UnownableMetaFields());
}

nlohmann::json TakeManagedFields(nlohmann::json& object) {
  if (!object.is_object()) return nullptr;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return nullptr;
  auto it = metadata->find("managedFields");
  if (it == metadata->end()) return nullptr;
  nlohmann::json taken = std::move(*it);
  metadata->erase(it);
  return taken;
}

void StoreManagedFields(nlohmann::json& object, const ManagedFields& managed) {
  nlohmann::json encoded = EncodeManagedFields(managed);
  if (encoded.empty()) {
    TakeManagedFields(object);
    return;
  }
  object["metadata"]["managedFields"] = std::move(encoded);
}

void CapUpdateEntries(ManagedFields& managed, size_t max_update_entries) {
  std::vector<std::string> updaters;
  for (const auto& [id, entry] : managed) {
    if (entry.operation == kOperationUpdate) updaters.push_back(id);
  }
  if (updaters.size() <= max_update_entries) return;
  std::sort(updaters.begin(), updaters.end(), [&managed](const auto& a, const auto& b) {
    return std::tie(managed[a].time, a) < std::tie(managed[b].time, b);
  });
  std::map<std::string, std::string> first_of_version;
  size_t remaining = updaters.size();
  for (size_t i = 0; i < updaters.size() && remaining > max_update_entries; ++i) {
    const std::string& id = updaters[i];
    ManagedFieldsEntry entry = managed[id];
    ManagedFieldsEntry bucket_key;
    bucket_key.manager = kAncientChangesManager;
    bucket_key.operation = kOperationUpdate;
    bucket_key.api_version = entry.api_version;
    std::string bucket = bucket_key.Identifier();
    auto first = first_of_version.find(entry.api_version);
    if (first == first_of_version.end()) {
      first_of_version[entry.api_version] = id;
      continue;
    }
    if (!managed.count(bucket)) {
      bucket_key.fields = managed[first->second].fields;
      managed.erase(first->second);
      managed[bucket] = bucket_key;
    }
    managed[bucket].fields = entry.fields.Union(managed[bucket].fields);
    managed[bucket].time = entry.time;
    managed.erase(id);
    --remaining;
  }
}

}  // namespace upkeep::apiserver
