#include "crds/v1alpha1/health_gate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <ostream>
#include <string>
#include <variant>
#include <vector>

#include "controller/manifests/manifests.h"
#include "crds/fields/duration.h"
#include "tests/crds/support/schema_drift.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using testing::CompareParserWithSchema;
using ::testing::HasSubstr;
using testing::LoadCrdSchema;
using testing::PathsNotInSchema;
using testing::SampleFromSchema;
using testing::SourcePath;

constexpr char kCrdFile[] = "crds/upkeep.dev_healthgates.yaml";

json Schema() { return LoadCrdSchema(SourcePath(kCrdFile)); }

std::string Errors(const ParseReport& report) { return report.ToStatus().ToString(); }

// A valid spec using every kind of check; rows below break one thing each.
json ValidSpec() {
  return json::parse(R"json({
    "targetRef": {"name": "api"},
    "checks": [
      {"name": "health",
       "http": {"url": "http://api:8000/health", "jsonPath": "$.status", "expectedValue": "ok",
                "headers": [{"name": "Authorization",
                             "valueFrom": {"secretKeyRef": {"name": "probe", "key": "token"}}}]}},
      {"name": "error-rate",
       "prometheus": {"address": "http://prometheus:9090", "query": "sum(errors)",
                      "successCondition": "result < 0.01"
}
},
      {"name": "available", "deploymentAvailable": {}}
    ]
})json");
}

HealthGateSpec ParseSpec(const json& spec, ParseReport& report) {
  FieldReader reader(&spec, "spec", report);
  return ParseHealthGateSpec(reader);
}

HealthGateStatus ParseStatus(const json& status, ParseReport& report) {
  FieldReader reader(&status, "status", report);
  return ParseHealthGateStatus(reader);
}

std::vector<json> HealthGatesIn(const std::string& relative) {
  absl::StatusOr<std::vector<json>> docs = controller::ReadManifests(SourcePath(relative));
  EXPECT_TRUE(docs.ok()) << docs.status();
  std::vector<json> gates;
  if (!docs.ok()) return gates;
  for (const json& doc : *docs) {
    if (doc.value("kind", "") == "HealthGate") gates.push_back(doc);
  }
  return gates;
}

TEST(HealthGateExamplesTest, EveryExampleParsesWithoutErrors) {
  for (const char* file :
       {"examples/dev/40-healthgate.yaml", "examples/production/healthgate.yaml"}) {
    std::vector<json> gates = HealthGatesIn(file);
    EXPECT_FALSE(gates.empty()) << file << " has no HealthGate";
    for (const json& gate : gates) {
      ParseReport report;
      FieldReader reader(&gate["spec"], "spec", report);
      ParseHealthGateSpec(reader);
      EXPECT_TRUE(report.ok()) << file << ": " << Errors(report);
      EXPECT_TRUE(ParseHealthGate(gate).ok()) << file << ": " << ParseHealthGate(gate).status();
    }
  }
}

TEST(HealthGateExamplesTest, DevGateChecksUpkeepsOwnHealthzOnItsSampleDeployment) {
  std::vector<json> gates = HealthGatesIn("examples/dev/40-healthgate.yaml");
  ASSERT_EQ(gates.size(), 1u);
  absl::StatusOr<HealthGate> gate = ParseHealthGate(gates[0]);
  ASSERT_TRUE(gate.ok()) << gate.status();
  EXPECT_EQ(gate->spec.target_ref.name, "upkeep-dev-sample");
  ASSERT_EQ(gate->spec.checks.size(), 1u);
  const auto* http = std::get_if<HttpCheck>(&gate->spec.checks[0].probe);
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->url, "http://127.0.0.1:8081/healthz");
  EXPECT_LE(gate->spec.interval, std::chrono::seconds(5));

  // The target it gates ships in the same file.
  absl::StatusOr<std::vector<json>> docs =
      controller::ReadManifests(SourcePath("examples/dev/40-healthgate.yaml"));
  ASSERT_TRUE(docs.ok()) << docs.status();
  bool has_target = false;
  for (const json& doc : *docs) {
    has_target = has_target || (doc.value("kind", "") == "Deployment" &&
                                doc["metadata"].value("name", "") == "upkeep-dev-sample");
  }
  EXPECT_TRUE(has_target);
}

TEST(HealthGateExamplesTest, ProductionGateUsesEveryKindOfCheckAndRollsBack) {
  std::vector<json> gates = HealthGatesIn("examples/production/healthgate.yaml");
  ASSERT_EQ(gates.size(), 1u);
  EXPECT_FALSE(gates[0]["metadata"].contains("namespace"));
  absl::StatusOr<HealthGate> gate = ParseHealthGate(gates[0]);
  ASSERT_TRUE(gate.ok()) << gate.status();
  EXPECT_EQ(gate->spec.target_ref.name, "api");
  EXPECT_EQ(gate->spec.on_failure, FailureAction::kRollback);
  ASSERT_EQ(gate->spec.checks.size(), 3u);
  const auto* http = std::get_if<HttpCheck>(&gate->spec.checks[0].probe);
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->url, "http://api.app.svc:8000/health");
  EXPECT_EQ(http->body_contains, "ok");
  const auto* prometheus = std::get_if<PrometheusCheck>(&gate->spec.checks[1].probe);
  ASSERT_NE(prometheus, nullptr);
  EXPECT_TRUE(prometheus->success_condition.Holds(0.001));
  EXPECT_FALSE(prometheus->success_condition.Holds(0.05));
  EXPECT_TRUE(std::holds_alternative<DeploymentAvailableCheck>(gate->spec.checks[2].probe));
}

TEST(HealthGateSpecTest, AppliesTheSchemaDefaults) {
  ParseReport report;
  json minimal = json::parse(R"json({
    "targetRef": {"name": "api"},
    "checks": [{"name": "health", "http": {"url": "https://api/health"}},
               {"name": "errors", "prometheus": {"address": "http://prom:9090", "query": "q",
                                                 "successCondition": "result<1"}}]
  })json");
  HealthGateSpec spec = ParseSpec(minimal, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(spec.target_ref.kind, "Deployment");
  EXPECT_EQ(spec.initial_delay, std::chrono::seconds(30));
  EXPECT_EQ(spec.interval, std::chrono::seconds(10));
  EXPECT_EQ(spec.count, 6);
  EXPECT_EQ(spec.failure_limit, 0);
  EXPECT_EQ(spec.consecutive_failure_limit, 2);
  EXPECT_EQ(spec.on_failure, FailureAction::kRollback);
  EXPECT_TRUE(spec.hold_failed_revision);
  const HttpCheck& http = std::get<HttpCheck>(spec.checks[0].probe);
  EXPECT_EQ(http.method, "GET");
  EXPECT_EQ(http.expected_status, std::vector<int>{200});
  EXPECT_EQ(http.timeout, std::chrono::seconds(5));
  EXPECT_FALSE(http.insecure_skip_tls_verify);
  EXPECT_FALSE(http.expected_value.has_value());
  EXPECT_EQ(std::get<PrometheusCheck>(spec.checks[1].probe).timeout, std::chrono::seconds(10));
}

// The same defaults, read from the CRD, so the schema and the code cannot drift apart.
TEST(HealthGateSpecTest, DefaultsMatchTheCrd) {
  json spec = Schema()["properties"]["spec"]["properties"];
  json check = spec["checks"]["items"]["properties"];
  HealthGateSpec defaults;
  HttpCheck http;
  PrometheusCheck prometheus;
  EXPECT_EQ(spec["targetRef"]["properties"]["kind"]["default"], defaults.target_ref.kind);
  EXPECT_EQ(spec["initialDelay"]["default"], FormatDuration(defaults.initial_delay));
  EXPECT_EQ(spec["interval"]["default"], FormatDuration(defaults.interval));
  EXPECT_EQ(spec["count"]["default"], defaults.count);
  EXPECT_EQ(spec["failureLimit"]["default"], defaults.failure_limit);
  EXPECT_EQ(spec["consecutiveFailureLimit"]["default"], defaults.consecutive_failure_limit);
  EXPECT_EQ(spec["onFailure"]["default"], "Rollback");
  EXPECT_EQ(spec["holdFailedRevision"]["default"], defaults.hold_failed_revision);
  json http_schema = check["http"]["properties"];
  EXPECT_EQ(http_schema["method"]["default"], http.method);
  EXPECT_EQ(http_schema["expectedStatus"]["default"], json(http.expected_status));
  EXPECT_EQ(http_schema["timeoutSeconds"]["default"], http.timeout.count());
  EXPECT_EQ(http_schema["insecureSkipTLSVerify"]["default"], http.insecure_skip_tls_verify);
  EXPECT_EQ(check["prometheus"]["properties"]["timeoutSeconds"]["default"],
            prometheus.timeout.count());
}

TEST(HealthGateSpecTest, ReadsHeadersFromValuesAndSecrets) {
  json spec = ValidSpec();
  spec["checks"][0]["http"]["headers"].push_back({{"name", "X-Probe"}, {"value", "upkeep"}});
  ParseReport report;
  HealthGateSpec parsed = ParseSpec(spec, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  const HttpCheck& http = std::get<HttpCheck>(parsed.checks[0].probe);
  ASSERT_EQ(http.headers.size(), 2u);
  ASSERT_TRUE(http.headers[0].value_from.has_value());
  EXPECT_EQ(http.headers[0].value_from->name, "probe");
  EXPECT_EQ(http.headers[0].value_from->key, "token");
  EXPECT_FALSE(http.headers[1].value_from.has_value());
  EXPECT_EQ(http.headers[1].value, "upkeep");
  EXPECT_EQ(http.json_path, "$.status");
  EXPECT_EQ(http.expected_value, "ok");
}

struct InvalidSpecCase {
  std::string name;
  std::function<void(json&)> break_spec;
  std::string field;   // the exact path of the error
  std::string detail;  // a substring of its detail
};

// Names the row in CTest's listing instead of dumping its bytes.
void PrintTo(const InvalidSpecCase& c, std::ostream* os) { *os << c.name; }

class InvalidSpecTest : public ::testing::TestWithParam<InvalidSpecCase> {};

TEST_P(InvalidSpecTest, ReportsTheFieldPath) {
  json spec = ValidSpec();
  GetParam().break_spec(spec);
  ParseReport report;
  ParseSpec(spec, report);
  bool found = false;
  for (const FieldError& e : report.errors) {
    found = found ||
            (e.field == GetParam().field && e.detail.find(GetParam().detail) != std::string::npos);
  }
  EXPECT_TRUE(found) << "want " << GetParam().field << ": ..." << GetParam().detail << "...; got "
                     << Errors(report);
}

json& Http(json& spec) { return spec["checks"][0]["http"]; }
json& Prometheus(json& spec) { return spec["checks"][1]["prometheus"]; }
json& Header(json& spec) { return Http(spec)["headers"][0]; }

INSTANTIATE_TEST_SUITE_P(
    HealthGateSpecTest, InvalidSpecTest,
    ::testing::ValuesIn(std::vector<InvalidSpecCase>{
        {"TargetRefMissing", [](json& s) { s.erase("targetRef"); }, "spec.targetRef",
         "Required value"},
        {"TargetNameMissing", [](json& s) { s["targetRef"] = json::object(); },
         "spec.targetRef.name", "Required value"},
        {"TargetKindNotDeployment", [](json& s) { s["targetRef"]["kind"] = "StatefulSet"; },
         "spec.targetRef.kind", "Unsupported value"},
        {"ChecksMissing", [](json& s) { s.erase("checks"); }, "spec.checks", "Required value"},
        {"ChecksEmpty", [](json& s) { s["checks"] = json::array(); }, "spec.checks",
         "Required value"},
        {"CheckNameMissing", [](json& s) { s["checks"][0].erase("name"); }, "spec.checks[0].name",
         "Required value"},
        {"CheckNameNotDnsLabel", [](json& s) { s["checks"][0]["name"] = "Health_Check"; },
         "spec.checks[0].name", "DNS label"},
        {"CheckNameDuplicate", [](json& s) { s["checks"][2]["name"] = "health"; },
         "spec.checks[2].name", "unique"},
        {"CheckWithoutKind", [](json& s) { s["checks"][0].erase("http"); }, "spec.checks[0]",
         "exactly one of http, prometheus, deploymentAvailable"},
        {"CheckWithTwoKinds",
         [](json& s) { s["checks"][0]["deploymentAvailable"] = json::object(); },
         "spec.checks[0]", "only one of"},
        {"HttpUrlMissing", [](json& s) { Http(s).erase("url"); }, "spec.checks[0].http.url",
         "Required value"},
        {"HttpUrlNotHttp", [](json& s) { Http(s)["url"] = "ftp://api/health"; },
         "spec.checks[0].http.url", "http:// or https://"},
        {"HttpUrlWithoutHost", [](json& s) { Http(s)["url"] = "http:///health"; },
         "spec.checks[0].http.url", "http:// or https://"},
        {"HttpMethodUnsupported", [](json& s) { Http(s)["method"] = "PUT"; },
         "spec.checks[0].http.method", "Unsupported value: \"PUT\""},
        {"HeaderNameMissing", [](json& s) { Header(s).erase("name"); },
         "spec.checks[0].http.headers[0].name", "Required value"},
        {"HeaderNameNotToken", [](json& s) { Header(s)["name"] = "X Probe"; },
         "spec.checks[0].http.headers[0].name", "HTTP header name"},
        {"HeaderWithValueAndValueFrom", [](json& s) { Header(s)["value"] = "x"; },
         "spec.checks[0].http.headers[0]", "only one of value, valueFrom"},
        {"HeaderWithoutValue", [](json& s) { Header(s).erase("valueFrom"); },
         "spec.checks[0].http.headers[0]", "exactly one of value, valueFrom"},
        {"HeaderSecretKeyRefMissing", [](json& s) { Header(s)["valueFrom"] = json::object(); },
         "spec.checks[0].http.headers[0].valueFrom.secretKeyRef", "Required value"},
        {"HeaderSecretKeyMissing",
         [](json& s) { Header(s)["valueFrom"]["secretKeyRef"].erase("key"); },
         "spec.checks[0].http.headers[0].valueFrom.secretKeyRef.key", "Required value"},
        {"ExpectedStatusEmpty", [](json& s) { Http(s)["expectedStatus"] = json::array(); },
         "spec.checks[0].http.expectedStatus", "at least one"},
        {"ExpectedStatusBelow100", [](json& s) { Http(s)["expectedStatus"] = {99}; },
         "spec.checks[0].http.expectedStatus[0]", "from 100 to 599"},
        {"ExpectedStatusAbove599", [](json& s) { Http(s)["expectedStatus"] = {200, 600}; },
         "spec.checks[0].http.expectedStatus[1]", "from 100 to 599"},
        {"JsonPathWithoutDollar", [](json& s) { Http(s)["jsonPath"] = "status"; },
         "spec.checks[0].http.jsonPath", "starting with \"$\""},
        {"ExpectedValueWithoutJsonPath", [](json& s) { Http(s).erase("jsonPath"); },
         "spec.checks[0].http.expectedValue", "requires jsonPath"},
        {"HttpTimeoutZero", [](json& s) { Http(s)["timeoutSeconds"] = 0; },
         "spec.checks[0].http.timeoutSeconds", "greater than or equal to 1"},
        {"CaBundleNotPem", [](json& s) { Http(s)["caBundle"] = "not a certificate"; },
         "spec.checks[0].http.caBundle", "PEM"},
        {"PrometheusAddressMissing", [](json& s) { Prometheus(s).erase("address"); },
         "spec.checks[1].prometheus.address", "Required value"},
        {"PrometheusAddressNotUrl", [](json& s) { Prometheus(s)["address"] = "prometheus:9090"; },
         "spec.checks[1].prometheus.address", "http:// or https://"},
        {"PrometheusQueryMissing", [](json& s) { Prometheus(s).erase("query"); },
         "spec.checks[1].prometheus.query", "Required value"},
        {"SuccessConditionMissing", [](json& s) { Prometheus(s).erase("successCondition"); },
         "spec.checks[1].prometheus.successCondition", "Required value"},
        {"SuccessConditionNotAboutResult",
         [](json& s) { Prometheus(s)["successCondition"] = "errors < 0.01"; },
         "spec.checks[1].prometheus.successCondition", "start with \"result\""},
        {"SuccessConditionUnknownComparison",
         [](json& s) { Prometheus(s)["successCondition"] = "result => 1"; },
         "spec.checks[1].prometheus.successCondition", "expected a comparison"},
        {"SuccessConditionWithoutNumber",
         [](json& s) { Prometheus(s)["successCondition"] = "result < low"; },
         "spec.checks[1].prometheus.successCondition", "expected a number"},
        {"SuccessConditionWithTrailingText",
         [](json& s) { Prometheus(s)["successCondition"] = "result < 0.01 && result > 0"; },
         "spec.checks[1].prometheus.successCondition", "unexpected text"},
        {"PrometheusTimeoutZero", [](json& s) { Prometheus(s)["timeoutSeconds"] = 0; },
         "spec.checks[1].prometheus.timeoutSeconds", "greater than or equal to 1"},
        {"InitialDelayNotDuration", [](json& s) { s["initialDelay"] = "soon"; },
         "spec.initialDelay", "must be a duration"},
        {"IntervalNotDuration", [](json& s) { s["interval"] = "often"; }, "spec.interval",
         "must be a duration"},
        {"IntervalUnderOneSecond", [](json& s) { s["interval"] = "500ms"; }, "spec.interval",
         "at least 1s"},
        {"CountZero", [](json& s) { s["count"] = 0; }, "spec.count", "greater than or equal to 1"},
        {"FailureLimitNegative", [](json& s) { s["failureLimit"] = -1; }, "spec.failureLimit",
         "greater than or equal to 0"},
        {"FailureLimitNotBelowCount",
         [](json& s) {
           s["count"] = 3;
           s["failureLimit"] = 3;
         },
         "spec.failureLimit", "must be less than count (3)"},
        {"ConsecutiveFailureLimitZero", [](json& s) { s["consecutiveFailureLimit"] = 0; },
         "spec.consecutiveFailureLimit", "greater than or equal to 1"},
        {"OnFailureUnsupported", [](json& s) { s["onFailure"] = "Ignore"; }, "spec.onFailure",
         "Unsupported value: \"Ignore\""},
        {"HoldFailedRevisionNotBoolean", [](json& s) { s["holdFailedRevision"] = "yes"; },
         "spec.holdFailedRevision", "must be of type boolean"},
    }),
    [](const ::testing::TestParamInfo<InvalidSpecCase>& info) { return info.param.name; });

TEST(HealthGateSpecTest, ValidSpecHasNoErrorsOrUnknownFields) {
  ParseReport report;
  ParseSpec(ValidSpec(), report);
  EXPECT_TRUE(report.ok()) << Errors(report);
  EXPECT_THAT(report.unknown_fields, ::testing::IsEmpty());
}

TEST(HealthGateSpecTest, FieldsInsideDeploymentAvailableAreUnknown) {
  json spec = ValidSpec();
  spec["checks"][2]["deploymentAvailable"]["minReplicas"] = 2;
  ParseReport report;
  ParseSpec(spec, report);
  EXPECT_THAT(report.unknown_fields,
              ::testing::ElementsAre("spec.checks[2].deploymentAvailable.minReplicas"));
}

struct SuccessConditionCase {
  std::string name;
  std::string text;
  SuccessCondition::Comparison comparison;
  double threshold;
};

void PrintTo(const SuccessConditionCase& c, std::ostream* os) { *os << c.text; }

class SuccessConditionTest : public ::testing::TestWithParam<SuccessConditionCase> {};

TEST_P(SuccessConditionTest, ParsesComparisonAndThreshold) {
  absl::StatusOr<SuccessCondition> c = ParseSuccessCondition(GetParam().text);
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->comparison, GetParam().comparison);
  EXPECT_DOUBLE_EQ(c->threshold, GetParam().threshold);
  EXPECT_EQ(c->text, GetParam().text);
}

using Comparison = SuccessCondition::Comparison;
INSTANTIATE_TEST_SUITE_P(SuccessConditionTest, SuccessConditionTest,
                         ::testing::ValuesIn(std::vector<SuccessConditionCase>{
                             {"Less", "result < 0.01", Comparison::kLess, 0.01},
                             {"LessOrEqualWithoutSpaces", "result<=5", Comparison::kLessOrEqual, 5},
                             {"Greater", "result > 0.99", Comparison::kGreater, 0.99},
                             {"GreaterOrEqual", "result >= 1", Comparison::kGreaterOrEqual, 1},
                             {"Equal", "result == 0", Comparison::kEqual, 0},
                             {"NotEqual", "result != -1", Comparison::kNotEqual, -1},
                             {"Exponent", "result < 1e-3", Comparison::kLess, 0.001},
                             {"LeadingDotAndPlus", " result < +.5 ", Comparison::kLess, 0.5},
                         }),
                         [](const ::testing::TestParamInfo<SuccessConditionCase>& info) {
                           return info.param.name;
                         });

TEST(SuccessConditionTest, RejectsWhatIsNotResultComparisonNumber) {
  for (const char* text :
       {"", "result", "result <", "result < nan", "result < inf", "result < 0x10", "result < 1e",
        "result < 1 1", "1 > result", "results < 1", "result =< 1"}) {
    EXPECT_FALSE(ParseSuccessCondition(text).ok()) << text;
  }
}

TEST(SuccessConditionTest, HoldsFollowsTheComparison) {
  EXPECT_TRUE(ParseSuccessCondition("result < 0.01")->Holds(0.005));
  EXPECT_FALSE(ParseSuccessCondition("result < 0.01")->Holds(0.01));
  EXPECT_TRUE(ParseSuccessCondition("result <= 0.01")->Holds(0.01));
  EXPECT_TRUE(ParseSuccessCondition("result > 10")->Holds(11));
  EXPECT_FALSE(ParseSuccessCondition("result >= 10")->Holds(9.5));
  EXPECT_TRUE(ParseSuccessCondition("result == 1")->Holds(1));
  EXPECT_TRUE(ParseSuccessCondition("result != 1")->Holds(2));
}

TEST(SuccessConditionTest, NotANumberPassesNoThreshold) {
  // An error ratio with no traffic (0/0) must not count as a healthy measurement.
  double nan = std::nan("");
  EXPECT_FALSE(ParseSuccessCondition("result < 0.01")->Holds(nan));
  EXPECT_FALSE(ParseSuccessCondition("result >= 0")->Holds(nan));
}

json FullStatus() {
  return json::parse(R"json({
    "phase": "RolledBack",
    "currentRevision": "5c6d7e8f9",
    "lastKnownGoodRevision": "5c6d7e8f9",
    "failedRevisions": ["7d9f8c6b5"],
    "measurements": [
      {"check": "health", "time": "2026-11-30T03:00:00Z", "value": "200", "result": "Successful"},
      {"check": "health", "time": "2026-11-30T03:00:10Z", "value": "503", "result": "Failed"},
      {"check": "error-rate", "time": "2026-11-30T03:00:10Z", "value": "timeout after 10s",
       "result": "Error"}
    ],
    "rollbacks": 1,
    "lastRollbackTime": "2026-11-30T03:00:20Z",
    "observedGeneration": 4,
    "conditions": [
      {"type": "Ready", "status": "False", "reason": "ChecksFailed",
       "message": "revision 7d9f8c6b5 failed check health", "observedGeneration": 4,
       "lastTransitionTime": "2026-11-30T03:00:20Z"},
      {"type": "RolledBack", "status": "True", "reason": "RolledBack",
       "lastTransitionTime": "2026-11-30T03:00:20Z"}
    ]
  })json");
}

TEST(HealthGateStatusTest, RoundTripsThroughJson) {
  ParseReport report;
  HealthGateStatus status = ParseStatus(FullStatus(), report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(status.phase, HealthGatePhase::kRolledBack);
  ASSERT_EQ(status.measurements.size(), 3u);
  EXPECT_EQ(status.measurements[1].result, MeasurementResult::kFailed);
  EXPECT_EQ(status.measurements[2].result, MeasurementResult::kError);
  EXPECT_EQ(status.rollbacks, 1);
  ASSERT_TRUE(status.last_rollback_time.has_value());
  json written = HealthGateStatusToJson(status);
  EXPECT_EQ(written, FullStatus());

  ParseReport again;
  EXPECT_EQ(HealthGateStatusToJson(ParseStatus(written, again)), written);
  EXPECT_TRUE(again.ok()) << Errors(again);
}

TEST(HealthGateStatusTest, UnknownTimesStayAbsent) {
  HealthGateStatus status;
  status.measurements.push_back(
      Measurement{"health", std::nullopt, "200", MeasurementResult::kSuccessful});
  json written = HealthGateStatusToJson(status);
  EXPECT_FALSE(written.contains("phase"));
  EXPECT_FALSE(written.contains("lastRollbackTime"));
  EXPECT_FALSE(written["measurements"][0].contains("time"));
  EXPECT_EQ(written["rollbacks"], 0);
}

TEST(HealthGateStatusTest, EveryPhaseIsSpelledAsTheCrdEnum) {
  json phases = Schema()["properties"]["status"]["properties"]["phase"]["enum"];
  std::vector<std::string> names;
  for (HealthGatePhase p :
       {HealthGatePhase::kIdle, HealthGatePhase::kAnalyzing, HealthGatePhase::kPassed,
        HealthGatePhase::kFailed, HealthGatePhase::kRolledBack}) {
    names.push_back(HealthGatePhaseName(p));
  }
  EXPECT_EQ(phases, json(names));
}

TEST(HealthGateTest, ParsesMetadataSpecAndStatus) {
  json object = {{"apiVersion", "upkeep.dev/v1alpha1"},
                 {"kind", "HealthGate"},
                 {"metadata", {{"name", "api"}, {"namespace", "app"}, {"generation", 4}}},
                 {"spec", ValidSpec()},
                 {"status", FullStatus()}};
  absl::StatusOr<HealthGate> gate = ParseHealthGate(object);
  ASSERT_TRUE(gate.ok()) << gate.status();
  EXPECT_EQ(gate->metadata.name, "api");
  EXPECT_EQ(gate->metadata.generation, 4);
  EXPECT_EQ(gate->spec.checks.size(), 3u);
  EXPECT_EQ(gate->status.common.observed_generation, 4);
}

TEST(HealthGateTest, ListsEveryFieldErrorAndNamesTheObject) {
  json spec = ValidSpec();
  spec["count"] = 0;
  spec["checks"][0]["http"]["jsonPath"] = "status";
  json object = {{"metadata", {{"name", "api"}, {"namespace", "app"}}}, {"spec", spec}};
  absl::StatusOr<HealthGate> gate = ParseHealthGate(object);
  ASSERT_EQ(gate.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(gate.status().message(), HasSubstr("HealthGate app/api"));
  EXPECT_THAT(gate.status().message(), HasSubstr("spec.count: Invalid value: 0"));
  EXPECT_THAT(gate.status().message(), HasSubstr("spec.checks[0].http.jsonPath"));
}

TEST(HealthGateTest, ObjectWithoutSpecIsInvalid) {
  absl::StatusOr<HealthGate> gate = ParseHealthGate(json{{"metadata", {{"name", "api"}}}});
  EXPECT_THAT(gate.status().message(), HasSubstr("spec: Required value"));
}

TEST(HealthGateDriftTest, SpecParserReadsExactlyTheCrdFields) {
  testing::DriftReport drift = CompareParserWithSchema(
      Schema()["properties"]["spec"], "spec", [](FieldReader& r) { ParseHealthGateSpec(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(HealthGateDriftTest, StatusParserReadsExactlyTheCrdFields) {
  testing::DriftReport drift = CompareParserWithSchema(
      Schema()["properties"]["status"], "status", [](FieldReader& r) { ParseHealthGateStatus(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(HealthGateDriftTest, StatusWriterWritesOnlyCrdFields) {
  json status_schema = Schema()["properties"]["status"];
  json sample = SampleFromSchema(status_schema);
  ParseReport report;
  HealthGateStatus status = ParseStatus(sample, report);
  json written = HealthGateStatusToJson(status);
  EXPECT_THAT(PathsNotInSchema(written, status_schema, "status"), ::testing::IsEmpty());
}

}  // namespace
}  // namespace upkeep::api::v1alpha1
