#include "apiserver/apply/record_update.h"

#include <vector>

#include "apiserver/apply/object_compare.h"

namespace upkeep::apiserver {

absl::Status RecordUpdate(const nlohmann::json& before, const nlohmann::json& after,
                          const ManagedFieldsEntry& writer, const MergeSemantics& semantics,
                          const FieldSet& ignored, ManagedFields& managed) {
  absl::StatusOr<Comparison> diff = CompareObjects(before, after, semantics);
  if (!diff.ok()) return diff.status();
  FieldSet changed = diff->modified.Union(diff->added).RecursiveDifference(ignored);
  FieldSet removed = diff->removed.RecursiveDifference(ignored);

  std::vector<std::string> emptied;
  for (auto& [id, entry] : managed) {
    entry.fields = entry.fields.Difference(changed).Difference(removed);
    if (entry.fields.Empty()) emptied.push_back(id);
  }
  for (const std::string& id : emptied) managed.erase(id);

  FieldSet taken = WithoutUnownableMetaFields(changed);
  // A write that changed nothing ownable leaves the writer's entry, and its time, alone.
  if (taken.Empty()) return absl::OkStatus();
  ManagedFieldsEntry entry = writer;
  entry.operation = kOperationUpdate;
  entry.fields = FieldSet();
  std::string id = entry.Identifier();
  auto previous = managed.find(id);
  if (previous != managed.end()) entry.fields = previous->second.fields;
  entry.fields = entry.fields.Union(taken);
  managed[id] = std::move(entry);
  return absl::OkStatus();
}

}  // namespace upkeep::apiserver
