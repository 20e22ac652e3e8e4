#include "apiserver/patch/json_patch.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

constexpr char kDocument[] = R"({
  "metadata": {"name": "web", "labels": {"app": "web", "a/b": "s", "m~n": "t"}},
  "spec": {"replicas": 2, "args": ["a", "b", "c"]}
})";

struct AppliedCase {
  std::string name;
  std::string patch;
  std::string expected;  // the whole resulting document

  friend void PrintTo(const AppliedCase& c, std::ostream* os) { *os << c.name; }
};

class JsonPatchAppliesTest : public testing::TestWithParam<AppliedCase> {};

TEST_P(JsonPatchAppliesTest, ProducesExpectedDocument) {
  absl::StatusOr<json> result =
      ApplyJsonPatch(json::parse(kDocument), json::parse(GetParam().patch));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, json::parse(GetParam().expected)) << result->dump();
}

INSTANTIATE_TEST_SUITE_P(
    EveryOperation, JsonPatchAppliesTest,
    testing::Values(
        AppliedCase{"AddMember", R"([{"op":"add","path":"/spec/paused","value":true}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"],"paused":true}})"},
        AppliedCase{"AddReplacesExistingMember",
                    R"([{"op":"add","path":"/spec/replicas","value":5}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":5,"args":["a","b","c"]}})"},
        AppliedCase{"AddInsertsIntoArray", R"([{"op":"add","path":"/spec/args/1","value":"x"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","x","b","c"]}})"},
        AppliedCase{"AddDashAppends", R"([{"op":"add","path":"/spec/args/-","value":"d"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c","d"]}})"},
        AppliedCase{"AddAtLengthAppends", R"([{"op":"add","path":"/spec/args/3","value":"d"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c","d"]}})"},
        AppliedCase{"AddWithEscapedSlashInKey",
                    R"([{"op":"add","path":"/metadata/labels/x~1y","value":"v"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t","x/y":"v"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"RemoveMemberWithEscapedTilde",
                    R"([{"op":"remove","path":"/metadata/labels/m~0n"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"RemoveMemberWithEscapedSlash",
                    R"([{"op":"remove","path":"/metadata/labels/a~1b"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"RemoveArrayElement", R"([{"op":"remove","path":"/spec/args/0"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["b","c"]}})"},
        AppliedCase{"RemoveNegativeIndexCountsFromEnd",
                    R"([{"op":"remove","path":"/spec/args/-1"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b"]}})"},
        AppliedCase{"ReplaceMember", R"([{"op":"replace","path":"/metadata/name","value":"api"}])",
                    R"({"metadata":{
                        "name":"api","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"ReplaceMissingMemberAddsItLikeKube",
                    R"([{"op":"replace","path":"/spec/paused","value":false}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"],"paused":false}})"},
        AppliedCase{"ReplaceArrayElement",
                    R"([{"op":"replace","path":"/spec/args/2","value":"z"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","z"]}})"},
        AppliedCase{
            "MoveMember",
            R"([{"op":"move","from":"/metadata/labels/app","path":"/metadata/labels/tier"}])",
            R"({"metadata":{
                        "name":"web","labels":{"tier":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"MoveArrayElement",
                    R"([{"op":"move","from":"/spec/args/0","path":"/spec/args/-"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["b","c","a"]}})"},
        AppliedCase{"CopyMember",
                    R"([{"op":"copy","from":"/metadata/labels","path":"/spec/selector"}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"],
                                "selector":{"app":"web","a/b":"s","m~n":"t"}}})"},
        AppliedCase{"TestThenReplace",
                    R"([{"op":"test","path":"/spec/replicas","value":2},
                        {"op":"replace","path":"/spec/replicas","value":3}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":3,"args":["a","b","c"]}})"},
        AppliedCase{"TestOfMissingMemberAgainstNullPasses",
                    R"([{"op":"test","path":"/spec/paused","value":null}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"TestComparesWholeObjects",
                    R"([{"op":"test","path":"/spec/args","value":["a","b","c"]}])",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"},
        AppliedCase{"NullPatchChangesNothing", "null",
                    R"({"metadata":{
                        "name":"web","labels":{"app":"web","a/b":"s","m~n":"t"}},
                        "spec":{"replicas":2,"args":["a","b","c"]}})"}),
    [](const testing::TestParamInfo<AppliedCase>& info) { return info.param.name; });

struct RejectedCase {
  std::string name;
  std::string patch;
  std::string cause;  // absl::Status::message(), kept for logs

  friend void PrintTo(const RejectedCase& c, std::ostream* os) { *os << c.name; }
};

class JsonPatchRejectsTest : public testing::TestWithParam<RejectedCase> {};

// kube-apiserver turns every apply-time failure into NewGenericServerResponse(422, ...), which
// replaces the cause with a fixed message; kubectl prints "The request is invalid: the server
// rejected our request due to an error in our request".
TEST_P(JsonPatchRejectsTest, AnswersGeneric422AndKeepsCauseForLogs) {
  absl::StatusOr<json> result =
      ApplyJsonPatch(json::parse(kDocument), json::parse(GetParam().patch));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(HttpCode(result.status()), 422);
  json status = ToStatusObject(result.status());
  EXPECT_EQ(status["reason"], "Invalid");
  EXPECT_EQ(status["message"], "the server rejected our request due to an error in our request");
  EXPECT_EQ(status["details"], json::object());
  EXPECT_EQ(result.status().message(), GetParam().cause);
}

INSTANTIATE_TEST_SUITE_P(
    EveryOperation, JsonPatchRejectsTest,
    testing::Values(
        RejectedCase{"TestValueDiffers", R"([{"op":"test","path":"/spec/replicas","value":3}])",
                     "testing value /spec/replicas failed: test failed"},
        RejectedCase{"TestOfMissingMemberAgainstValue",
                     R"([{"op":"test","path":"/spec/paused","value":true}])",
                     "testing value /spec/paused failed: test failed"},
        RejectedCase{"AddUnderMissingParent",
                     R"([{"op":"add","path":"/status/phase","value":"Running"}])",
                     "add operation does not apply: doc is missing path: \"/status/phase\""},
        RejectedCase{"AddPastEndOfArray", R"([{"op":"add","path":"/spec/args/4","value":"x"}])",
                     "error in add for path: '/spec/args/4': Unable to access invalid index: 4: "
                     "invalid index referenced"},
        RejectedCase{"AddWithNonNumericIndex",
                     R"([{"op":"add","path":"/spec/args/x","value":"x"}])",
                     "error in add for path: '/spec/args/x': value was not a proper array index: "
                     "'x'"},
        RejectedCase{"RemoveMissingMember", R"([{"op":"remove","path":"/spec/paused"}])",
                     "error in remove for path: '/spec/paused': Unable to remove nonexistent key: "
                     "paused: missing value"},
        RejectedCase{"RemoveOutOfRange", R"([{"op":"remove","path":"/spec/args/3"}])",
                     "error in remove for path: '/spec/args/3': Unable to access invalid index: 3: "
                     "invalid index referenced"},
        RejectedCase{"ReplaceOutOfRange", R"([{"op":"replace","path":"/spec/args/7","value":"x"}])",
                     "replace operation does not apply: doc is missing key: /spec/args/7"},
        RejectedCase{"ReplaceUnderMissingParent",
                     R"([{"op":"replace","path":"/status/phase","value":"x"}])",
                     "replace operation does not apply: doc is missing path: \"/status/phase\""},
        RejectedCase{"MoveFromMissingMember",
                     R"([{"op":"move","from":"/spec/paused","path":"/spec/x"}])",
                     "error in move for path: '/spec/paused': Unable to remove nonexistent key: "
                     "paused: missing value"},
        RejectedCase{"CopyFromMissingMember",
                     R"([{"op":"copy","from":"/spec/paused","path":"/spec/x"}])",
                     "copy operation does not apply: doc is missing from path: /spec/paused"},
        RejectedCase{"MoveWithoutFrom", R"([{"op":"move","path":"/spec/x"}])",
                     "move operation failed to decode from"},
        RejectedCase{"UnknownOp", R"([{"op":"increment","path":"/spec/replicas"}])",
                     "Unexpected kind: increment"},
        RejectedCase{"MissingOp", R"([{"path":"/spec/replicas"}])", "Unexpected kind: unknown"},
        RejectedCase{"MissingPath", R"([{"op":"add","value":1}])",
                     "add operation failed to decode path"},
        RejectedCase{"RootPathIsNotAddressable", R"([{"op":"replace","path":"","value":{}}])",
                     "replace operation does not apply: doc is missing path: \"\""},
        RejectedCase{"TraversingThroughScalar",
                     R"([{"op":"add","path":"/spec/replicas/x","value":1}])",
                     "add operation does not apply: doc is missing path: \"/spec/replicas/x\""}),
    [](const testing::TestParamInfo<RejectedCase>& info) { return info.param.name; });

TEST(JsonPatchTest, FailedOperationLeavesNoPartialChanges) {
  json document = json::parse(kDocument);
  absl::StatusOr<json> result = ApplyJsonPatch(document, json::parse(R"([
    {"op":"replace","path":"/spec/replicas","value":9},
    {"op":"test","path":"/metadata/name","value":"other"}])"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(document, json::parse(kDocument));
}

struct MalformedCase {
  std::string name;
  std::string patch;
  std::string message;

  friend void PrintTo(const MalformedCase& c, std::ostream* os) { *os << c.name; }
};

class JsonPatchMalformedTest : public testing::TestWithParam<MalformedCase> {};

// jsonpatch.DecodePatch errors become errors.NewBadRequest(err.Error()).
TEST_P(JsonPatchMalformedTest, AnswersBadRequestWithGoDecodeError) {
  absl::StatusOr<json> result =
      ApplyJsonPatch(json::parse(kDocument), json::parse(GetParam().patch));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(HttpCode(result.status()), 400);
  json status = ToStatusObject(result.status());
  EXPECT_EQ(status["reason"], "BadRequest");
  EXPECT_EQ(status["message"], GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Bodies, JsonPatchMalformedTest,
    testing::Values(
        MalformedCase{"Object", R"({"op":"add","path":"/a","value":1})",
                      "json: cannot unmarshal object into Go value of type jsonpatch.Patch"},
        MalformedCase{"String", R"("add")",
                      "json: cannot unmarshal string into Go value of type jsonpatch.Patch"},
        MalformedCase{"OperationIsNumber", "[1]",
                      "json: cannot unmarshal number into Go value of type jsonpatch.Operation"}),
    [](const testing::TestParamInfo<MalformedCase>& info) { return info.param.name; });

TEST(JsonPatchTest, MoreThanTenThousandOperationsIsRequestEntityTooLarge) {
  json patch = json::array();
  for (int i = 0; i < 10001; ++i) {
    patch.push_back({{"op", "test"}, {"path", "/spec/replicas"}, {"value", 2}});
  }
  absl::StatusOr<json> result = ApplyJsonPatch(json::parse(kDocument), patch);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(HttpCode(result.status()), 413);
  json status = ToStatusObject(result.status());
  EXPECT_EQ(status["reason"], "RequestEntityTooLarge");
  EXPECT_EQ(status["message"],
            "Request entity too large: The allowed maximum operations in a JSON patch is 10000, "
            "got 10001");
}

TEST(JsonPatchTest, TenThousandOperationsAreAccepted) {
  json patch = json::array();
  for (int i = 0; i < 10000; ++i) {
    patch.push_back({{"op", "test"}, {"path", "/spec/replicas"}, {"value", 2}});
  }
  EXPECT_TRUE(ApplyJsonPatch(json::parse(kDocument), patch).ok());
}

}  // namespace
}  // namespace upkeep::apiserver
