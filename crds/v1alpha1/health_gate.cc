#include "crds/v1alpha1/health_gate.h"

#include <charconv>
#include <set>
#include <string>
#include <utility>

#include <absl/status/status.h>
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>

#include "crds/fields/duration.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;

constexpr char kUrlDetail[] =
    "must be an http:// or https:// URL such as \"http://api:8000/health\"";

// The same rule as the schema's pattern: a scheme, a non-empty host[:port], then anything
// without spaces.
bool IsHttpUrl(std::string_view url) {
  std::string_view rest;
  if (url.starts_with("http://")) {
    rest = url.substr(7);
  } else if (url.starts_with("https://")) {
    rest = url.substr(8);
  } else {
    return false;
  }
  for (char c : rest) {
    if (absl::ascii_isspace(static_cast<unsigned char>(c))) return false;
  }
  return !rest.empty() && rest[0] != '/' && rest[0] != '?' && rest[0] != '#';
}

// RFC 1123 label, as Kubernetes names list keys people type.
bool IsDnsLabel(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (char c : name) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return name.front() != '-' && name.back() != '-';
}

// RFC 9110 token: the characters a header name may have.
bool IsHttpToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) &&
        std::string_view("!#$%&'*+-.^_`|~").find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

std::chrono::seconds ParseTimeoutSeconds(FieldReader& r, int64_t fallback) {
  std::optional<int64_t> seconds = r.Integer("timeoutSeconds");
  if (!seconds) return std::chrono::seconds(fallback);
  if (*seconds < 1) {
    r.Invalid("timeoutSeconds", *seconds, "must be greater than or equal to 1");
    return std::chrono::seconds(fallback);
  }
  return std::chrono::seconds(*seconds);
}

std::string ParseUrl(FieldReader& r, const char* key) {
  std::optional<std::string> url = r.String(key, Need::kRequired);
  if (!url) return "";
  if (!IsHttpUrl(*url)) r.Invalid(key, *url, kUrlDetail);
  return *url;
}

HttpHeader ParseHttpHeader(FieldReader& r) {
  HttpHeader h;
  if (std::optional<std::string> name = r.String("name", Need::kRequired)) {
    if (!IsHttpToken(*name)) {
      r.Invalid("name", *name, "must be an HTTP header name such as \"Authorization\"");
    }
    h.name = *name;
  }
  r.ExactlyOneOf({"value", "valueFrom"});
  h.value = r.String("value").value_or("");
  FieldReader value_from = r.Object("valueFrom");
  FieldReader secret_key_ref = value_from.Object("secretKeyRef", Need::kRequired);
  SecretKeySelector selector = ParseSecretKeySelector(secret_key_ref);
  if (value_from.present()) h.value_from = std::move(selector);
  return h;
}

std::vector<int> ParseExpectedStatus(FieldReader& r) {
  std::optional<json> list = r.Raw("expectedStatus");
  if (!list) return {200};
  if (!list->is_array()) {
    r.Invalid("expectedStatus", *list, "must be a list of status codes such as [200, 204]");
    return {200};
  }
  if (list->empty()) {
    r.Invalid("expectedStatus", *list, "must list at least one status code");
    return {200};
  }
  std::vector<int> codes;
  for (size_t i = 0; i < list->size(); ++i) {
    const json& code = (*list)[i];
    if (!code.is_number_integer() || code.get<int64_t>() < 100 || code.get<int64_t>() > 599) {
      r.Invalid(absl::StrCat("expectedStatus[", i, "]"), code,
                "must be an HTTP status code from 100 to 599");
      continue;
    }
    codes.push_back(code.get<int>());
  }
  return codes;
}

HttpCheck ParseHttpCheck(FieldReader& r) {
  HttpCheck h;
  h.url = ParseUrl(r, "url");
  h.method = r.Enum("method", {"GET", "HEAD", "POST"}).value_or("GET");
  r.ObjectList("headers",
               [&](FieldReader& header) { h.headers.push_back(ParseHttpHeader(header)); });
  h.expected_status = ParseExpectedStatus(r);
  h.body_contains = r.String("bodyContains").value_or("");
  if (std::optional<std::string> path = r.String("jsonPath")) {
    if (!path->starts_with('$')) {
      r.Invalid("jsonPath", *path, "must be a JSONPath starting with \"$\", such as \"$.status\"");
    }
    h.json_path = *path;
  }
  h.expected_value = r.String("expectedValue");
  if (h.expected_value && !r.Has("jsonPath")) {
    r.Forbidden("expectedValue", "requires jsonPath, which says where in the body the value is");
  }
  h.timeout = ParseTimeoutSeconds(r, 5);
  h.insecure_skip_tls_verify = r.Bool("insecureSkipTLSVerify").value_or(false);
  h.ca_bundle = ParseCaBundle(r);
  return h;
}

PrometheusCheck ParsePrometheusCheck(FieldReader& r) {
  PrometheusCheck p;
  p.address = ParseUrl(r, "address");
  p.query = r.String("query", Need::kRequired).value_or("");
  if (std::optional<std::string> text = r.String("successCondition", Need::kRequired)) {
    absl::StatusOr<SuccessCondition> condition = ParseSuccessCondition(*text);
    if (condition.ok()) {
      p.success_condition = *std::move(condition);
    } else {
      r.Invalid("successCondition", *text, std::string(condition.status().message()));
    }
  }
  p.timeout = ParseTimeoutSeconds(r, 10);
  return p;
}

HealthCheck ParseHealthCheck(FieldReader& r, std::set<std::string>& seen_names) {
  HealthCheck c;
  if (std::optional<std::string> name = r.String("name", Need::kRequired)) {
    if (!IsDnsLabel(*name)) {
      r.Invalid("name", *name,
                "must be a DNS label: at most 63 lower-case letters, digits and '-', starting "
                "and ending with a letter or digit");
    } else if (!seen_names.insert(*name).second) {
      r.Invalid("name", *name, "must be unique among the checks");
    }
    c.name = *name;
  }
  std::optional<std::string> kind = r.ExactlyOneOf({"http", "prometheus", "deploymentAvailable"});
  // Every kind is read, set or not, so problems inside each are reported too.
  FieldReader http = r.Object("http");
  HttpCheck http_check = ParseHttpCheck(http);
  FieldReader prometheus = r.Object("prometheus");
  PrometheusCheck prometheus_check = ParsePrometheusCheck(prometheus);
  FieldReader deployment_available = r.Object("deploymentAvailable");
  if (kind == "http") {
    c.probe = std::move(http_check);
  } else if (kind == "prometheus") {
    c.probe = std::move(prometheus_check);
  } else if (kind == "deploymentAvailable") {
    c.probe = DeploymentAvailableCheck{};
  }
  return c;
}

int64_t ParseCount(FieldReader& r, const char* key, int64_t fallback, int64_t minimum) {
  std::optional<int64_t> n = r.Integer(key);
  if (!n) return fallback;
  if (*n < minimum) {
    r.Invalid(key, *n, absl::StrCat("must be greater than or equal to ", minimum));
    return fallback;
  }
  return *n;
}

// Skips spaces from `pos`; returns the new position.
size_t SkipSpaces(std::string_view text, size_t pos) {
  while (pos < text.size() && absl::ascii_isspace(static_cast<unsigned char>(text[pos]))) ++pos;
  return pos;
}

// The length of a decimal number at the start of `text` (sign, digits, fraction, exponent),
// 0 when there is none. Stricter than strtod: no "inf", "nan" or hex.
size_t NumberLength(std::string_view text) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - start;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  size_t mantissa = digits();
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits();
  }
  if (mantissa == 0) return 0;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    size_t mark = i++;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) i = mark;  // "1e" is the number 1 followed by junk
  }
  return i;
}

}  // namespace

bool SuccessCondition::Holds(double result) const {
  switch (comparison) {
    case Comparison::kLess:
      return result < threshold;
    case Comparison::kLessOrEqual:
      return result <= threshold;
    case Comparison::kGreater:
      return result > threshold;
    case Comparison::kGreaterOrEqual:
      return result >= threshold;
    case Comparison::kEqual:
      return result == threshold;
    case Comparison::kNotEqual:
      return result != threshold;
  }
  return false;
}

absl::StatusOr<SuccessCondition> ParseSuccessCondition(std::string_view text) {
  constexpr char kShape[] =
      "must be \"result\", a comparison (<, <=, >, >=, ==, !=) and a number, such as "
      "\"result < 0.01\"";
  size_t pos = SkipSpaces(text, 0);
  if (text.substr(pos, 6) != "result") {
    return absl::InvalidArgumentError(absl::StrCat(kShape, "; it must start with \"result\""));
  }
  pos = SkipSpaces(text, pos + 6);
  static constexpr std::pair<const char*, SuccessCondition::Comparison> kOperators[] = {
      {"<=", SuccessCondition::Comparison::kLessOrEqual},
      {">=", SuccessCondition::Comparison::kGreaterOrEqual},
      {"==", SuccessCondition::Comparison::kEqual},
      {"!=", SuccessCondition::Comparison::kNotEqual},
      {"<", SuccessCondition::Comparison::kLess},
      {">", SuccessCondition::Comparison::kGreater},
  };
  SuccessCondition condition;
  condition.text = std::string(text);
  std::string_view op;
  for (const auto& [spelling, comparison] : kOperators) {
    if (text.substr(pos).starts_with(spelling)) {
      op = spelling;
      condition.comparison = comparison;
      break;
    }
  }
  if (op.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(kShape, "; expected a comparison after \"result\""));
  }
  pos = SkipSpaces(text, pos + op.size());
  size_t length = NumberLength(text.substr(pos));
  if (length == 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(kShape, "; expected a number after \"", std::string(op), "\""));
  }
  std::string_view number = text.substr(pos, length);
  // from_chars takes no '+'.
  if (number.front() == '+') number.remove_prefix(1);
  auto [end, error] =
      std::from_chars(number.data(), number.data() + number.size(), condition.threshold);
  if (error != std::errc() || end != number.data() + number.size()) {
    return absl::InvalidArgumentError(absl::StrCat(kShape, "; \"", std::string(number),
                                                   "\" is not a number it can compare with"));
  }
  if (SkipSpaces(text, pos + length) != text.size()) {
    return absl::InvalidArgumentError(absl::StrCat(kShape, "; unexpected text after the number"));
  }
  return condition;
}

const char* HealthGatePhaseName(HealthGatePhase phase) {
  switch (phase) {
    case HealthGatePhase::kIdle:
      return "Idle";
    case HealthGatePhase::kAnalyzing:
      return "Analyzing";
    case HealthGatePhase::kPassed:
      return "Passed";
    case HealthGatePhase::kFailed:
      return "Failed";
    case HealthGatePhase::kRolledBack:
      return "RolledBack";
  }
  return "Idle";
}

const char* MeasurementResultName(MeasurementResult result) {
  switch (result) {
    case MeasurementResult::kSuccessful:
      return "Successful";
    case MeasurementResult::kFailed:
      return "Failed";
    case MeasurementResult::kError:
      return "Error";
  }
  return "Error";
}

HealthGateSpec ParseHealthGateSpec(FieldReader& spec) {
  HealthGateSpec s;
  {
    FieldReader target = spec.Object("targetRef", Need::kRequired);
    s.target_ref.kind = target.Enum("kind", {"Deployment"}).value_or("Deployment");
    s.target_ref.name = target.String("name", Need::kRequired).value_or("");
  }
  std::set<std::string> check_names;
  spec.ObjectList(
      "checks",
      [&](FieldReader& check) { s.checks.push_back(ParseHealthCheck(check, check_names)); },
      Need::kRequired);

  s.initial_delay = spec.Duration("initialDelay").value_or(s.initial_delay);
  if (std::optional<std::chrono::nanoseconds> interval = spec.Duration("interval")) {
    if (*interval < std::chrono::seconds(1)) {
      spec.Invalid("interval", FormatDuration(*interval), "must be at least 1s");
    } else {
      s.interval = *interval;
    }
  }
  s.count = ParseCount(spec, "count", s.count, 1);
  s.failure_limit = ParseCount(spec, "failureLimit", s.failure_limit, 0);
  s.consecutive_failure_limit =
      ParseCount(spec, "consecutiveFailureLimit", s.consecutive_failure_limit, 1);
  if (s.failure_limit >= s.count) {
    spec.Invalid("failureLimit", s.failure_limit,
                 absl::StrCat("must be less than count (", s.count,
                              "), or no window of measurements could ever fail"));
  }
  if (std::optional<std::string> action = spec.Enum("onFailure", {"Rollback", "Pause", "Alert"})) {
    s.on_failure = *action == "Pause"   ? FailureAction::kPause
                   : *action == "Alert" ? FailureAction::kAlert
                                        : FailureAction::kRollback;
  }
  s.hold_failed_revision = spec.Bool("holdFailedRevision").value_or(true);
  return s;
}

HealthGateStatus ParseHealthGateStatus(FieldReader& status) {
  HealthGateStatus s;
  if (std::optional<std::string> phase =
          status.Enum("phase", {"Idle", "Analyzing", "Passed", "Failed", "RolledBack"})) {
    for (HealthGatePhase p :
         {HealthGatePhase::kIdle, HealthGatePhase::kAnalyzing, HealthGatePhase::kPassed,
          HealthGatePhase::kFailed, HealthGatePhase::kRolledBack}) {
      if (*phase == HealthGatePhaseName(p)) s.phase = p;
    }
  }
  s.current_revision = status.String("currentRevision").value_or("");
  s.last_known_good_revision = status.String("lastKnownGoodRevision").value_or("");
  s.failed_revisions = status.StringList("failedRevisions");
  status.ObjectList("measurements", [&](FieldReader& item) {
    Measurement m;
    m.check = item.String("check").value_or("");
    m.time = item.Timestamp("time");
    m.value = item.String("value").value_or("");
    if (std::optional<std::string> result =
            item.Enum("result", {"Successful", "Failed", "Error"})) {
      for (MeasurementResult r : {MeasurementResult::kSuccessful, MeasurementResult::kFailed,
                                  MeasurementResult::kError}) {
        if (*result == MeasurementResultName(r)) m.result = r;
      }
    }
    s.measurements.push_back(std::move(m));
  });
  s.rollbacks = status.Integer("rollbacks").value_or(0);
  s.last_rollback_time = status.Timestamp("lastRollbackTime");
  s.common = ParseCommonStatus(status);
  return s;
}

nlohmann::json HealthGateStatusToJson(const HealthGateStatus& status) {
  json out = json::object();
  if (status.phase) out["phase"] = HealthGatePhaseName(*status.phase);
  if (!status.current_revision.empty()) out["currentRevision"] = status.current_revision;
  if (!status.last_known_good_revision.empty()) {
    out["lastKnownGoodRevision"] = status.last_known_good_revision;
  }
  if (!status.failed_revisions.empty()) out["failedRevisions"] = status.failed_revisions;
  if (!status.measurements.empty()) {
    json& list = out["measurements"] = json::array();
    for (const Measurement& m : status.measurements) {
      json item = json::object();
      if (!m.check.empty()) item["check"] = m.check;
      WriteTimestamp(item, "time", m.time);
      if (!m.value.empty()) item["value"] = m.value;
      item["result"] = MeasurementResultName(m.result);
      list.push_back(std::move(item));
    }
  }
  out["rollbacks"] = status.rollbacks;
  WriteTimestamp(out, "lastRollbackTime", status.last_rollback_time);
  WriteCommonStatus(status.common, out);
  return out;
}

absl::StatusOr<HealthGate> ParseHealthGate(const nlohmann::json& object) {
  ParseReport report;
  HealthGate gate;
  gate.metadata = ParseObjectMetadata(object);
  auto section = [&](const char* key) -> const json* {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  };
  {
    const json* spec = section("spec");
    if (spec == nullptr || spec->is_null()) {
      report.errors.push_back(FieldError{"FieldValueRequired", "spec", "Required value"});
    } else {
      FieldReader reader(spec, "spec", report);
      gate.spec = ParseHealthGateSpec(reader);
    }
  }
  {
    FieldReader reader(section("status"), "status", report);
    gate.status = ParseHealthGateStatus(reader);
  }
  if (!report.ok()) {
    std::string name = gate.metadata.namespace_.empty()
                           ? gate.metadata.name
                           : absl::StrCat(gate.metadata.namespace_, "/", gate.metadata.name);
    return absl::InvalidArgumentError(
        absl::StrCat("HealthGate ", name, ": ", report.ToStatus().message()));
  }
  return gate;
}

}  // namespace upkeep::api::v1alpha1
