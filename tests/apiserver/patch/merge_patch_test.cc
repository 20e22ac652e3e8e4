#include "apiserver/patch/merge_patch.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

struct MergeCase {
  std::string name;
  std::string target;
  std::string patch;
  std::string expected;

  friend void PrintTo(const MergeCase& c, std::ostream* os) { *os << c.name; }
};

class MergePatchTest : public testing::TestWithParam<MergeCase> {};

TEST_P(MergePatchTest, ProducesExpectedDocument) {
  absl::StatusOr<json> result =
      ApplyMergePatch(json::parse(GetParam().target), json::parse(GetParam().patch));
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(*result, json::parse(GetParam().expected)) << result->dump();
}

// RFC 7386 Appendix A, except the two rows whose patch is null or a scalar (see below).
INSTANTIATE_TEST_SUITE_P(
    Rfc7386AppendixA, MergePatchTest,
    testing::Values(
        MergeCase{"ReplaceMember", R"({"a":"b"})", R"({"a":"c"})", R"({"a":"c"})"},
        MergeCase{"AddMember", R"({"a":"b"})", R"({"b":"c"})", R"({"a":"b","b":"c"})"},
        MergeCase{"NullDeletes", R"({"a":"b"})", R"({"a":null})", R"({})"},
        MergeCase{"NullDeletesOnlyThatMember", R"({"a":"b","b":"c"})", R"({"a":null})",
                  R"({"b":"c"})"},
        MergeCase{"ScalarReplacesArray", R"({"a":["b"]})", R"({"a":"c"})", R"({"a":"c"})"},
        MergeCase{"ArrayReplacesScalar", R"({"a":"c"})", R"({"a":["b"]})", R"({"a":["b"]})"},
        MergeCase{"NestedMerge", R"({"a":{"b":"c"}})", R"({"a":{"b":"d","c":null}})",
                  R"({"a":{"b":"d"}})"},
        MergeCase{"ArraysReplaceNotMerge", R"({"a":[{"b":"c"}]})", R"({"a":[1]})", R"({"a":[1]})"},
        MergeCase{"ArrayPatchReplacesArray", R"(["a","b"])", R"(["c","d"])", R"(["c","d"])"},
        MergeCase{"ArrayPatchReplacesObject", R"({"a":"b"})", R"(["c"])", R"(["c"])"},
        MergeCase{"ExistingNullIsKept", R"({"e":null})", R"({"a":1})", R"({"e":null,"a":1})"},
        MergeCase{"ObjectPatchReplacesArrayTarget", R"([1,2])", R"({"a":"b","c":null})",
                  R"({"a":"b"})"},
        MergeCase{"NullsInsideNewObjectsVanish", R"({})", R"({"a":{"bb":{"ccc":null}}})",
                  R"({"a":{"bb":{}}})"}),
    [](const testing::TestParamInfo<MergeCase>& info) { return info.param.name; });

// What kubectl label/annotate send against a real object.
INSTANTIATE_TEST_SUITE_P(
    KubectlPatches, MergePatchTest,
    testing::Values(
        MergeCase{"LabelAddedAndRemoved",
                  R"({"metadata":{"name":"web","labels":{"app":"web","tier":"fe"}}})",
                  R"({"metadata":{"labels":{"tier":null,"env":"prod"}}})",
                  R"({"metadata":{"name":"web","labels":{"app":"web","env":"prod"}}})"},
        MergeCase{"ContainersListIsReplacedWhole",
                  R"({"spec":{"containers":[{"name":"a","image":"x"},{"name":"b","image":"y"}]}})",
                  R"({"spec":{"containers":[{"name":"a","image":"z"}]}})",
                  R"({"spec":{"containers":[{"name":"a","image":"z"}]}})"},
        // evanphx/json-patch prunes nulls from values it adds, array elements included.
        MergeCase{"NullElementsOfAddedArrayVanish", R"({})", R"({"a":[1,null,{"b":null}]})",
                  R"({"a":[1,{}]})"}),
    [](const testing::TestParamInfo<MergeCase>& info) { return info.param.name; });

// RFC 7386 would return the patch itself; kube-apiserver answers 400 "Invalid JSON Patch".
TEST(MergePatchRejectsTest, NullOrScalarPatchIsBadRequest) {
  for (const char* body : {"null", R"("bar")", "3", "true"}) {
    absl::StatusOr<json> result = ApplyMergePatch(json::parse(R"({"a":"foo"})"), json::parse(body));
    ASSERT_FALSE(result.ok()) << body;
    EXPECT_EQ(HttpCode(result.status()), 400) << body;
    json status = ToStatusObject(result.status());
    EXPECT_EQ(status["reason"], "BadRequest");
    EXPECT_EQ(status["message"], "Invalid JSON Patch");
  }
}

}  // namespace
}  // namespace upkeep::apiserver
