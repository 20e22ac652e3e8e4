// HealthGate (upkeep.dev/v1alpha1): judges every rollout of a Deployment with checks (HTTP,
// Prometheus, the Deployment's own availability) and, when a revision fails, rolls back to
// the last known good pod template, pauses the rollout or only alerts (API.md "HealthGate";
// the checks follow Argo Rollouts' AnalysisTemplate metrics). The CRD is
// crds/upkeep.dev_healthgates.yaml; these are its C++ types, parsers and status writer.
//
// The parsers apply the schema's defaults and repeat its rules, since objects also come from
// files and older stored versions that no API server has checked, and add what the schema
// cannot state: interval >= 1s, failureLimit < count, unique check names in a plain list,
// a caBundle with a PEM certificate, a successCondition that parses to a number.
// Value types and pure functions; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "crds/fields/field_reader.h"
#include "crds/v1alpha1/common.h"

namespace upkeep::api::v1alpha1 {

// The condition set while the target has been rolled back (besides Ready).
inline constexpr char kConditionRolledBack[] = "RolledBack";

// One request header: a literal value or one read from a Secret.
struct HttpHeader {
  std::string name;
  std::string value;                            // used when value_from is unset
  std::optional<SecretKeySelector> value_from;  // valueFrom.secretKeyRef
};

// Requests a URL; passes on an expected status with the expected body.
struct HttpCheck {
  std::string url;
  std::string method = "GET";  // GET | HEAD | POST
  std::vector<HttpHeader> headers;
  std::vector<int> expected_status = {200};
  std::string body_contains;                  // "" = body not checked
  std::string json_path;                      // "" = none; else starts with "$"
  std::optional<std::string> expected_value;  // only with json_path; "" is a real value
  std::chrono::seconds timeout{5};
  bool insecure_skip_tls_verify = false;
  std::string ca_bundle;  // PEM; "" = the system's trusted CAs only
};

// "result < 0.01": how a Prometheus result is judged.
struct SuccessCondition {
  enum class Comparison { kLess, kLessOrEqual, kGreater, kGreaterOrEqual, kEqual, kNotEqual };
  Comparison comparison = Comparison::kLess;
  double threshold = 0;
  std::string text;  // as written, for messages

  // True when `result` satisfies the condition. NaN (an empty ratio) satisfies nothing but !=.
  bool Holds(double result) const;
};
// Parses `result`, one of < <= > >= == !=, then a number; InvalidArgument says what is wrong.
absl::StatusOr<SuccessCondition> ParseSuccessCondition(std::string_view text);

// Runs a PromQL query that yields one number and judges it with success_condition.
struct PrometheusCheck {
  std::string address;
  std::string query;
  SuccessCondition success_condition;
  std::chrono::seconds timeout{10};
};

// Passes when the target Deployment has rolled out its current revision and is Available.
struct DeploymentAvailableCheck {};

struct HealthCheck {
  std::string name;  // unique in the gate; a DNS label
  std::variant<HttpCheck, PrometheusCheck, DeploymentAvailableCheck> probe;
};

enum class FailureAction { kRollback, kPause, kAlert };

struct HealthGateSpec {
  WorkloadReference target_ref;  // kind is always "Deployment"
  std::vector<HealthCheck> checks;
  std::chrono::nanoseconds initial_delay = std::chrono::seconds(30);
  std::chrono::nanoseconds interval = std::chrono::seconds(10);
  int64_t count = 6;                      // measurements in the window, >= 1
  int64_t failure_limit = 0;              // failures tolerated in the window, < count
  int64_t consecutive_failure_limit = 2;  // failures in a row that fail the revision, >= 1
  FailureAction on_failure = FailureAction::kRollback;
  bool hold_failed_revision = true;
};

enum class HealthGatePhase { kIdle, kAnalyzing, kPassed, kFailed, kRolledBack };
// "Idle", "Analyzing", "Passed", "Failed", "RolledBack": the status and metric spelling.
const char* HealthGatePhaseName(HealthGatePhase phase);

enum class MeasurementResult { kSuccessful, kFailed, kError };
const char* MeasurementResultName(MeasurementResult result);

struct Measurement {
  std::string check;
  std::optional<std::chrono::system_clock::time_point> time;
  std::string value;  // "200", "0.003", or the error; never a secret
  MeasurementResult result = MeasurementResult::kError;
};

struct HealthGateStatus {
  std::optional<HealthGatePhase> phase;  // nullopt until the controller first writes it
  std::string current_revision;          // pod-template hashes; "" = not known yet
  std::string last_known_good_revision;
  std::vector<std::string> failed_revisions;
  std::vector<Measurement> measurements;  // the last few, oldest first
  int64_t rollbacks = 0;
  std::optional<std::chrono::system_clock::time_point> last_rollback_time;
  CommonStatus common;  // observedGeneration, conditions (Ready, RolledBack)
};

using HealthGate = Resource<HealthGateSpec, HealthGateStatus>;

// Reads `spec` (path "spec"), filling in the schema's defaults; problems go to the reader's
// report with their field paths ("spec.checks[0].http.jsonPath: Invalid value: ...").
HealthGateSpec ParseHealthGateSpec(FieldReader& spec);
// Reads `status` (path "status"); lenient about what the controller may not have written.
HealthGateStatus ParseHealthGateStatus(FieldReader& status);
// status as the controller writes it: unset strings, lists and times stay absent; rollbacks
// is always written so `kubectl get` shows 0 rather than nothing.
nlohmann::json HealthGateStatusToJson(const HealthGateStatus& status);

// A whole HealthGate object (metadata, spec, status); InvalidArgument lists every field error.
absl::StatusOr<HealthGate> ParseHealthGate(const nlohmann::json& object);

}  // namespace upkeep::api::v1alpha1
