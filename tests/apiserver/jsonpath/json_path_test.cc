#include "apiserver/jsonpath/json_path.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

// A Deployment-like custom resource with the shapes printer columns usually reach into.
json Workload() {
  return json::parse(R"({
    "apiVersion": "upkeep.dev/v1",
    "kind": "Workload",
    "metadata": {
      "name": "web",
      "namespace": "prod",
      "labels": {"app.kubernetes.io/name": "web", "tier": "frontend"}
    },
    "spec": {
      "replicas": 3,
      "paused": false,
      "containers": [
        {"name": "app", "image": "web:1.2", "port": 8080, "weight": 0.75},
        {"name": "sidecar", "image": "envoy:1.30", "port": 9901, "weight": 0.25}
      ],
      "initContainers": [{"name": "migrate", "image": "web:1.2-migrate"}]
    },
    "status": {
      "readyReplicas": 2,
      "conditions": [
        {"type": "Progressing", "status": "True", "reason": "NewReplicaSetAvailable"},
        {"type": "Ready", "status": "True", "reason": "MinimumReplicasAvailable"},
        {"type": "Degraded", "status": "False"}
      ]
    }
  })");
}

struct EvalCase {
  const char* name;
  const char* expr;
  json expected;  // array of matched values
};

void PrintTo(const EvalCase& row, std::ostream* os) { *os << row.name; }

class JsonPathEvaluateTest : public testing::TestWithParam<EvalCase> {};

TEST_P(JsonPathEvaluateTest, FindsTheValuesKubectlWould) {
  absl::StatusOr<JsonPath> path = JsonPath::Parse(GetParam().expr);
  ASSERT_TRUE(path.ok()) << path.status();
  EXPECT_EQ(json(path->Evaluate(Workload())), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonPathEvaluateTest,
    testing::Values(
        EvalCase{"PrinterColumnForm", ".metadata.name", {"web"}},
        EvalCase{"TemplateForm", "{.metadata.name}", {"web"}},
        EvalCase{"DollarRoot", "{$.spec.replicas}", {3}},
        EvalCase{"Integer", ".spec.replicas", {3}},
        EvalCase{"BooleanFalseIsAValue", ".spec.paused", {false}},
        EvalCase{"ReadyConditionStatus", ".status.conditions[?(@.type==\"Ready\")].status",
                 {"True"}},
        EvalCase{"ReadyConditionReason", ".status.conditions[?(@.type=='Ready')].reason",
                 {"MinimumReplicasAvailable"}},
        EvalCase{"NotEqualFilter", ".status.conditions[?(@.status!=\"True\")].type",
                 {"Degraded"}},
        EvalCase{"ExistsFilterSkipsItemsWithoutTheField",
                 ".status.conditions[?(@.reason)].type", {"Progressing", "Ready"}},
        EvalCase{"ComparingAMissingFieldMatchesNothing",
                 ".status.conditions[?(@.reason==\"Gone\")].type", json::array()},
        EvalCase{"NumericFilter", ".spec.containers[?(@.port>9000)].name", {"sidecar"}},
        EvalCase{"FloatFilter", ".spec.containers[?(@.weight >= 0.5)].name", {"app"}},
        EvalCase{"AllItems", ".status.conditions[*].type", {"Progressing", "Ready", "Degraded"}},
        EvalCase{"Index", ".status.conditions[0].type", {"Progressing"}},
        EvalCase{"NegativeIndex", ".status.conditions[-1].type", {"Degraded"}},
        EvalCase{"Slice", ".status.conditions[1:3].type", {"Ready", "Degraded"}},
        EvalCase{"OpenSlice", ".status.conditions[:2].type", {"Progressing", "Ready"}},
        EvalCase{"SliceWithStep", ".status.conditions[0:3:2].type", {"Progressing", "Degraded"}},
        EvalCase{"Union", ".status.conditions[0,2].type", {"Progressing", "Degraded"}},
        EvalCase{"QuotedKeyWithDotsAndSlash", ".metadata.labels['app.kubernetes.io/name']",
                 {"web"}},
        EvalCase{"EscapedDotsInField", "{.metadata.labels.app\\.kubernetes\\.io/name}",
                 {"web"}},
        EvalCase{"RecursiveDescent", "{..image}", {"web:1.2", "envoy:1.30", "web:1.2-migrate"}},
        EvalCase{"Wildcard", ".metadata.labels.*", {"web", "frontend"}},
        EvalCase{"WholeSubtree", ".status.conditions[2]",
                 {{{"type", "Degraded"}, {"status", "False"}}}},
        EvalCase{"SeveralActionsWithText", "{.metadata.namespace}/{.metadata.name}",
                 {"prod", "web"}},
        EvalCase{"QuotedTextInsideAction", "{.metadata.name}{\"\\n\"}", {"web", "\n"}},
        EvalCase{"MissingFieldIsEmpty", ".status.observedGeneration", json::array()},
        EvalCase{"MissingParentIsEmpty", ".status.loadBalancer.ingress[0].ip", json::array()},
        EvalCase{"FieldOfAStringIsEmpty", ".metadata.name.first", json::array()},
        EvalCase{"IndexOutOfRangeIsEmpty", ".status.conditions[5].type", json::array()},
        EvalCase{"IndexingAnObjectIsEmpty", ".metadata[0]", json::array()}),
    [](const testing::TestParamInfo<EvalCase>& info) { return info.param.name; });

struct ParseErrorCase {
  const char* name;
  const char* expr;
  const char* message;
};

void PrintTo(const ParseErrorCase& row, std::ostream* os) { *os << row.name; }

class JsonPathParseErrorTest : public testing::TestWithParam<ParseErrorCase> {};

TEST_P(JsonPathParseErrorTest, RejectsWithClientGoMessage) {
  absl::StatusOr<JsonPath> path = JsonPath::Parse(GetParam().expr);
  ASSERT_FALSE(path.ok());
  EXPECT_EQ(path.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(path.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, JsonPathParseErrorTest,
    testing::Values(
        ParseErrorCase{"UnclosedAction", "{.metadata.name", "unclosed action"},
        ParseErrorCase{"UnterminatedArray", ".items[0", "unterminated array"},
        ParseErrorCase{"BadIndex", ".items[abc]", "invalid array index abc"},
        ParseErrorCase{"UnterminatedFilter", ".items[?(@.a==\"b\"", "unterminated filter"},
        ParseErrorCase{"FilterWithoutBracket", "{.items[?(@.a==\"b\")}",
                       "unclosed array expect ]"},
        ParseErrorCase{"UnknownFilterOperator", ".items[?(@.a=\"b\")]",
                       "unrecognized filter operator ="},
        ParseErrorCase{"UnknownCharacter", "{#}", "unrecognized character in action: U+0023 '#'"},
        ParseErrorCase{"DoubleRecursion", "{....a}", "invalid multiple recursive descent"},
        ParseErrorCase{"RangeUnsupported", "{range .items[*]}", "unrecognized identifier range"},
        ParseErrorCase{"UnterminatedQuote", "{\"abc}", "unterminated quoted string"}),
    [](const testing::TestParamInfo<ParseErrorCase>& info) { return info.param.name; });

TEST(JsonPathTest, RenderPrintsLikeKubectlJsonpathOutput) {
  json obj = Workload();
  EXPECT_EQ(JsonPath::Parse("{.metadata.namespace}/{.metadata.name}")->Render(obj), "prod/web");
  EXPECT_EQ(JsonPath::Parse("{.status.conditions[*].type}")->Render(obj),
            "Progressing Ready Degraded");
  EXPECT_EQ(JsonPath::Parse("{.spec.containers[0].weight} {.spec.paused}")->Render(obj),
            "0.75 false");
  EXPECT_EQ(JsonPath::Parse("{.status.conditions[2]}")->Render(obj),
            "{\"status\":\"False\",\"type\":\"Degraded\"}");
  EXPECT_EQ(JsonPath::Parse("{.a[*]}")->Render(json{{"a", {1, nullptr, "x"}}}), "1 <nil> x");
}

TEST(JsonPathTest, KeepsTheExpressionAsGiven) {
  EXPECT_EQ(JsonPath::Parse(".spec.replicas")->expression(), ".spec.replicas");
}

TEST(JsonPathTest, EmptyExpressionMatchesNothing) {
  absl::StatusOr<JsonPath> path = JsonPath::Parse("");
  ASSERT_TRUE(path.ok());
  EXPECT_TRUE(path->Evaluate(Workload()).empty());
}

}  // namespace
}  // namespace upkeep::apiserver
