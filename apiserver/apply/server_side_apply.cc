#include "apiserver/apply/server_side_apply.h"

#include <vector>

#include "apiserver/api/api_status.h"
#include "apiserver/apply/apply_errors.h"
#include "apiserver/apply/field_set_of.h"
#include "apiserver/apply/last_applied.h"
#include "apiserver/apply/managed_fields.h"
#include "apiserver/apply/object_compare.h"
#include "apiserver/apply/object_merge.h"
#include "apiserver/apply/record_update.h"
#include "apiserver/apply/remove_fields.h"

namespace upkeep::apiserver {
namespace {

// Owner of the fields an object already had when its first apply arrived without any
// managedFields to go by.
constexpr char kBeforeFirstApplyManager[] = "before-first-apply";

std::string StringAt(const nlohmann::json& object, const char* key) {
  if (!object.is_object()) return "";
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

const nlohmann::json& MetadataOf(const nlohmann::json& object) {
  static const nlohmann::json* const kNone = new nlohmann::json();
  if (!object.is_object()) return *kNone;
  auto it = object.find("metadata");
  return it != object.end() ? *it : *kNone;
}

// Go's GroupVersionKind.String(): "apps/v1, Kind=Deployment", "/v1, Kind=ConfigMap".
std::string GroupVersionKindString(const std::string& api_version, const std::string& kind) {
  size_t slash = api_version.find('/');
  std::string group = slash == std::string::npos ? "" : api_version.substr(0, slash);
  std::string version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  return group + "/" + version + ", Kind=" + kind;
}

// "default/web; apps/v1, Kind=Deployment", how kube names the object in internal errors.
std::string ObjectDescription(const nlohmann::json& object) {
  const nlohmann::json& metadata = MetadataOf(object);
  return StringAt(metadata, "namespace") + "/" + StringAt(metadata, "name") + "; " +
         GroupVersionKindString(StringAt(object, "apiVersion"), StringAt(object, "kind"));
}

absl::Status CheckAppliedConfiguration(const nlohmann::json& applied, const ApplyOptions& options) {
  if (!applied.is_object()) {
    return BadRequestError(
        "error decoding YAML: the applied configuration must be an object, not " +
        std::string(applied.type_name()));
  }
  std::string api_version = StringAt(applied, "apiVersion");
  std::string kind = StringAt(applied, "kind");
  bool version_mismatch = api_version != options.api_version;
  bool kind_mismatch = !options.kind.empty() && kind != options.kind;
  if (version_mismatch || kind_mismatch) {
    return BadRequestError("invalid object type: " + GroupVersionKindString(api_version, kind));
  }
  const nlohmann::json& metadata = MetadataOf(applied);
  if (metadata.is_object() && metadata.contains("managedFields") &&
      !metadata["managedFields"].is_null()) {
    return BadRequestError("metadata.managedFields must be nil");
  }
  return absl::OkStatus();
}

// Each other manager's fields that the apply changes, grouped by manager in identifier order
// and by path in structured-merge-diff's iteration order.
std::vector<FieldConflict> FindConflicts(const ManagedFields& managed,
                                         const std::string& applier_id, const FieldSet& changed) {
  std::vector<FieldConflict> conflicts;
  for (const auto& [id, entry] : managed) {
    if (id == applier_id) continue;
    for (FieldPath& path : entry.fields.Intersection(changed).Paths()) {
      ManagedFieldsEntry owner = entry;
      owner.fields = FieldSet();
      conflicts.push_back({std::move(owner), std::move(path)});
    }
  }
  return conflicts;
}

std::vector<FieldConflict> WithoutPaths(const std::vector<FieldConflict>& conflicts,
                                        const FieldSet& allowed) {
  std::vector<FieldConflict> out;
  for (const FieldConflict& c : conflicts) {
    if (!allowed.Has(c.path)) out.push_back(c);
  }
  return out;
}

}  // namespace

absl::StatusOr<nlohmann::json> ServerSideApply(const nlohmann::json* live,
                                               const nlohmann::json& applied,
                                               const ApplyOptions& options) {
  if (absl::Status status = CheckAppliedConfiguration(applied, options); !status.ok()) {
    return status;
  }
  const MergeSemantics semantics{options.lists, options.maps};

  nlohmann::json current = live != nullptr ? *live : nlohmann::json::object();
  absl::StatusOr<ManagedFields> managed = DecodeManagedFields(TakeManagedFields(current));
  if (!managed.ok()) {
    return UnclassifiedServerError("failed to decode managed fields: " +
                                   std::string(managed.status().message()));
  }

  if (live != nullptr && managed->empty()) {
    ManagedFieldsEntry before_first_apply;
    before_first_apply.manager = kBeforeFirstApplyManager;
    before_first_apply.api_version = options.api_version;
    before_first_apply.subresource = options.subresource;
    before_first_apply.time = options.now_rfc3339;
    absl::Status status = RecordUpdate(nlohmann::json::object(), current, before_first_apply,
                                       semantics, options.ignored_fields, *managed);
    if (!status.ok()) {
      return UnclassifiedServerError("failed to create manager for existing fields: " +
                                     std::string(status.message()));
    }
  }

  absl::StatusOr<FieldSet> applied_fields = FieldSetOf(applied, semantics, DuplicateItems::kReject);
  if (!applied_fields.ok()) {
    return UnclassifiedServerError("failed to create typed patch object (" +
                                   ObjectDescription(applied) +
                                   "): " + std::string(applied_fields.status().message()));
  }
  absl::StatusOr<nlohmann::json> merged = MergeObjects(current, applied, semantics);
  if (!merged.ok()) {
    return UnclassifiedServerError("failed to merge config: " +
                                   std::string(merged.status().message()));
  }

  ManagedFieldsEntry applier;
  applier.manager = options.manager;
  applier.operation = kOperationApply;
  applier.api_version = options.api_version;
  applier.subresource = options.subresource;
  const std::string applier_id = applier.Identifier();
  FieldSet last_applied_fields;
  if (auto it = managed->find(applier_id); it != managed->end()) {
    last_applied_fields = it->second.fields;
    applier.time = it->second.time;
  }
  applier.fields = applied_fields->RecursiveDifference(options.ignored_fields);
  (*managed)[applier_id] = applier;

  // Prune what this manager applied last time and nobody, itself included, owns now. Object
  // fields count as owned while anything below them is, so a field goes as a whole only when
  // nothing in it is wanted.
  if (!last_applied_fields.Empty()) {
    FieldSet owned;
    for (const auto& [id, entry] : *managed) owned = owned.Union(entry.fields);
    // Identity fields (metadata itself, name, ...) are never pruned, whoever owns them.
    FieldSet disowned =
        WithoutUnownableMetaFields(last_applied_fields.WithFieldParentsAsMembers().Difference(
            owned.WithFieldParentsAsMembers()));
    *merged = RemoveFields(*merged, disowned, semantics);
  }

  absl::StatusOr<Comparison> diff = CompareObjects(current, *merged, semantics);
  if (!diff.ok()) {
    return UnclassifiedServerError("failed to compare objects: " +
                                   std::string(diff.status().message()));
  }
  FieldSet changed = diff->modified.Union(diff->added).RecursiveDifference(options.ignored_fields);
  FieldSet removed = diff->removed.RecursiveDifference(options.ignored_fields);

  std::vector<FieldConflict> conflicts = FindConflicts(*managed, applier_id, changed);
  if (!conflicts.empty() && !options.force) {
    // kubectl's own upgrade from client-side apply: fields still as last applied client-side
    // are taken over silently.
    if (options.manager == kKubectlApplyManager && live != nullptr) {
      conflicts =
          WithoutPaths(conflicts, FieldsStillAsLastApplied(*live, options.api_version, semantics));
    }
    if (!conflicts.empty()) return ApplyConflictError(conflicts);
  }

  std::vector<std::string> emptied;
  for (auto& [id, entry] : *managed) {
    if (id != applier_id) entry.fields = entry.fields.Difference(changed).Difference(removed);
    if (id == applier_id) entry.fields = WithoutUnownableMetaFields(entry.fields);
    if (entry.fields.Empty()) emptied.push_back(id);
  }
  for (const std::string& id : emptied) managed->erase(id);

  if (auto it = managed->find(applier_id); it != managed->end()) {
    bool object_changed = *merged != current;
    bool ownership_changed = it->second.fields != last_applied_fields;
    if (object_changed || ownership_changed || it->second.time.empty()) {
      it->second.time = options.now_rfc3339;
    }
  }

  if (options.manager == kKubectlApplyManager) SyncLastApplied(*merged, applied);

  if (!options.name.empty()) {
    std::string name = StringAt(MetadataOf(*merged), "name");
    if (name != options.name) {
      return BadRequestError("the name of the object (" + name +
                             ") does not match the name on the URL (" + options.name + ")");
    }
  }

  StoreManagedFields(*merged, *managed);
  return merged;
}

}  // namespace upkeep::apiserver
