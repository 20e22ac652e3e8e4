// Types every upkeep kind shares (API.md "Shared by every kind"): secret references,
// object metadata templates, workload references, the Job/Inline executor, and the status
// fields every kind keeps (observedGeneration, conditions). Each comes with its parser
// (problems reported with field paths through FieldReader) and, for status, its JSON writer.
// Value types; thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/object/conditions.h"
#include "crds/fields/field_reader.h"

namespace upkeep::api::v1alpha1 {

// The annotation whose new value triggers one run now, like `cmctl renew`.
inline constexpr char kRunNowAnnotation[] = "upkeep.dev/run-now";

// Condition types every kind keeps.
inline constexpr char kConditionReady[] = "Ready";

// {name, key} of a Secret in the object's own namespace.
struct SecretKeySelector {
  std::string name;
  std::string key;
};
// `key_required`: false where the key has a default (the caller fills it in).
SecretKeySelector ParseSecretKeySelector(FieldReader& r, bool key_required = true);

// {name} of an object in the same namespace.
struct LocalObjectReference {
  std::string name;
};
LocalObjectReference ParseLocalObjectReference(FieldReader& r);

// Labels and annotations copied onto an object upkeep writes (secretTemplate).
struct ObjectMetaTemplate {
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};
ObjectMetaTemplate ParseObjectMetaTemplate(FieldReader& r);

// A workload to restart: {kind: Deployment|StatefulSet|DaemonSet, name}.
struct WorkloadReference {
  std::string kind = "Deployment";
  std::string name;
};
WorkloadReference ParseWorkloadReference(FieldReader& r);
std::vector<WorkloadReference> ParseWorkloadReferences(FieldReader& parent, std::string_view key);

// Where chores that touch data run (API.md "executor").
struct ExecutorSpec {
  enum class Mode { kDefault, kJob, kInline };  // kDefault: Job in a cluster, Inline in dev
  Mode mode = Mode::kDefault;
  std::string image;                  // default: the controller's own image
  nlohmann::json resources;           // core/v1 ResourceRequirements, passed through
  std::string service_account_name;   // default: the namespace's "default"
  std::optional<int64_t> backoff_limit;             // default 1
  std::optional<int64_t> active_deadline_seconds;   // default 3600
};
ExecutorSpec ParseExecutorSpec(FieldReader& r);

// A `caBundle` field: PEM text with at least one certificate, or "" when absent. Only the
// start of a wrong value is quoted in the error (it may be long).
std::string ParseCaBundle(FieldReader& r, std::string_view key = "caBundle");

// The part of every status: observedGeneration and conditions.
struct CommonStatus {
  int64_t observed_generation = 0;
  std::vector<controller::Condition> conditions;
  // The upkeep.dev/run-now value last acted on: one run per new value, also when it failed.
  std::string last_run_now;
};
// Reads observedGeneration, conditions and lastRunNow from a status reader.
CommonStatus ParseCommonStatus(FieldReader& status);
// Writes them into `status` (an object).
void WriteCommonStatus(const CommonStatus& common, nlohmann::json& status);

// metadata fields reconcilers need. Lenient: metadata is the API server's, not the CRD's.
struct ObjectMetadata {
  std::string name;
  std::string namespace_;
  std::string uid;
  std::string resource_version;
  int64_t generation = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};
ObjectMetadata ParseObjectMetadata(const nlohmann::json& object);

// A parsed custom resource: metadata, spec, status, and what parsing found.
template <typename Spec, typename Status>
struct Resource {
  ObjectMetadata metadata;
  Spec spec;
  Status status;
};

// Parses a whole object: metadata, then spec (required) and status with the kind's parsers.
// InvalidArgument lists every field error of spec and status.
template <typename Spec, typename Status>
absl::StatusOr<Resource<Spec, Status>> ParseResource(const nlohmann::json& object,
                                                     Spec (*parse_spec)(FieldReader&),
                                                     Status (*parse_status)(FieldReader&)) {
  Resource<Spec, Status> resource;
  resource.metadata = ParseObjectMetadata(object);
  ParseReport report;
  {
    auto field = [&](const char* key) -> const nlohmann::json* {
      if (!object.is_object()) return nullptr;
      auto it = object.find(key);
      return it == object.end() ? nullptr : &*it;
    };
    FieldReader spec(field("spec"), "spec", report);
    if (!spec.present()) spec.Required("");
    resource.spec = parse_spec(spec);
    FieldReader status(field("status"), "status", report);
    resource.status = parse_status(status);
  }
  if (!report.ok()) return report.ToStatus();
  return resource;
}

// Writes an RFC 3339 timestamp (whole seconds, UTC) into `out[key]` when `t` is set; absent
// timestamps stay absent (API.md: never 0).
void WriteTimestamp(nlohmann::json& out, const char* key,
                    const std::optional<std::chrono::system_clock::time_point>& t);

}  // namespace upkeep::api::v1alpha1
