#include "apiserver/apply/apply_body.h"

#include <gtest/gtest.h>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

TEST(ParseApplyBodyTest, ResolvesScalarsAsKubernetesDoes) {
  struct Case {
    const char* name;
    const char* yaml;  // the value of key "v"
    json want;
  };
  const Case kCases[] = {
      {"int", "3", 3},
      {"negative int", "-42", -42},
      {"int with underscores", "1_000", 1000},
      {"hex", "0x1F", 31},
      {"octal", "0o17", 15},
      {"leading-zero octal", "017", 15},
      {"binary", "0b101", 5},
      {"big unsigned", "18446744073709551615", json(18446744073709551615ULL)},
      {"float", "1.5", 1.5},
      {"exponent", "2.5e3", 2500},
      {"integral float becomes int", "3.0", 3},
      {"leading-dot float", ".5", 0.5},
      {"true", "true", true},
      {"False", "False", false},
      {"yes is YAML 1.1 true", "yes", true},
      {"off is YAML 1.1 false", "off", false},
      {"null", "null", nullptr},
      {"tilde", "~", nullptr},
      {"empty", "", nullptr},
      {"quoted number", "\"3\"", "3"},
      {"single-quoted bool", "'true'", "true"},
      {"quoted null", "\"null\"", "null"},
      {"explicit str tag", "!!str 42", "42"},
      {"explicit int tag", "!!int \"42\"", 42},
      {"version-like", "1.2.3", "1.2.3"},
      {"date stays a string", "2001-12-14", "2001-12-14"},
      {"word", "nginx:1.25", "nginx:1.25"},
      {"plus sign", "+7", 7},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<json> out = ParseApplyBody(std::string("v: ") + c.yaml + "\n");
    ASSERT_TRUE(out.ok()) << c.name << ": " << out.status();
    EXPECT_EQ((*out)["v"], c.want) << c.name;
    EXPECT_EQ((*out)["v"].type(), c.want.type()) << c.name;
  }
}

TEST(ParseApplyBodyTest, ReadsANestedManifest) {
  absl::StatusOr<json> out = ParseApplyBody(R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, "tier": fe}
spec:
  replicas: 2
  template:
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        args: ["--port", "8080"]
        ports:
        - containerPort: 80
)");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "labels": {"app": "web", "tier": "fe"}},
    "spec": {"replicas": 2, "template": {"spec": {"containers": [
      {"name": "nginx", "image": "nginx:1.25", "args": ["--port", "8080"],
       "ports": [{"containerPort": 80}]}]}}}})"));
}

TEST(ParseApplyBodyTest, KeepsMultiLineStrings) {
  absl::StatusOr<json> out = ParseApplyBody(
      "data:\n"
      "  literal: |\n"
      "    line one\n"
      "    line two\n"
      "  folded: >\n"
      "    folded\n"
      "    text\n"
      "  stripped: |-\n"
      "    no newline\n");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["data"]["literal"], "line one\nline two\n");
  EXPECT_EQ((*out)["data"]["folded"], "folded text\n");
  EXPECT_EQ((*out)["data"]["stripped"], "no newline");
}

TEST(ParseApplyBodyTest, AcceptsJsonIncludingTabIndentation) {
  absl::StatusOr<json> out = ParseApplyBody(
      "{\n\t\"apiVersion\": \"v1\",\n\t\"spec\": {\"replicas\": 2.0, \"x\": 1.5}\n}");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, json::parse(R"({"apiVersion":"v1","spec":{"replicas":2,"x":1.5}})"));
  EXPECT_TRUE((*out)["spec"]["replicas"].is_number_integer());
}

TEST(ParseApplyBodyTest, ExpandsAnchorsAliasesAndMergeKeys) {
  absl::StatusOr<json> out = ParseApplyBody(
      "base: &base {a: 1, b: 2}\n"
      "copy: *base\n"
      "merged:\n"
      "  <<: *base\n"
      "  b: 3\n");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ((*out)["copy"], json::parse(R"({"a":1,"b":2})"));
  EXPECT_EQ((*out)["merged"], json::parse(R"({"a":1,"b":3})"));
}

TEST(ParseApplyBodyTest, NonStringKeysBecomeStrings) {
  absl::StatusOr<json> out = ParseApplyBody("1: one\ntrue: yes\n");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, json::parse(R"({"1":"one","true":true})"));
}

TEST(ParseApplyBodyTest, EmptyBodyIsAnEmptyObject) {
  absl::StatusOr<json> out = ParseApplyBody("");
  ASSERT_TRUE(out.ok()) << out.status();
  EXPECT_EQ(*out, json::object());
}

TEST(ParseApplyBodyTest, RejectsWhatKubernetesRejectsWithBadRequest) {
  struct Case {
    const char* name;
    const char* body;
    const char* message_prefix;
  };
  const Case kCases[] = {
      {"malformed", "a: [1, 2\nb: c",
       "error decoding YAML: error converting YAML to JSON: yaml: line"},
      {"bad indentation", "a:\n  b: 1\n c: 2\n",
       "error decoding YAML: error converting YAML to JSON"},
      {"list document", "- a\n- b\n",
       "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
       "array into Go value of type map[string]interface {}"},
      {"scalar document", "hello",
       "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
       "string into Go value of type map[string]interface {}"},
      {"infinity", "v: .inf", "error decoding YAML: json: unsupported value: +Inf"},
      {"nan", "v: .NaN", "error decoding YAML: json: unsupported value: NaN"},
      {"map as key", "? {a: 1}\n: x\n", "error decoding YAML: error converting YAML to JSON"},
  };
  for (const Case& c : kCases) {
    absl::StatusOr<json> out = ParseApplyBody(c.body);
    ASSERT_FALSE(out.ok()) << c.name;
    EXPECT_EQ(HttpCode(out.status()), 400) << c.name;
    std::string message = ToStatusObject(out.status())["message"];
    EXPECT_EQ(message.rfind(c.message_prefix, 0), 0u) << c.name << ": " << message;
  }
}

}  // namespace
}  // namespace upkeep::apiserver
