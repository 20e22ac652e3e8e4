#include "apiserver/schema/schema_defaulting.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>
#include <vector>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

struct DefaultingCase {
  std::string name;
  json schema;
  json before;
  json after;
};

// Test names already say which row failed; print just that instead of raw bytes.
void PrintTo(const DefaultingCase& c, std::ostream* os) { *os << c.name; }

class ApplySchemaDefaultsTest : public ::testing::TestWithParam<DefaultingCase> {};

TEST_P(ApplySchemaDefaultsTest, ProducesTheDefaultedObject) {
  const DefaultingCase& c = GetParam();
  json object = c.before;
  ApplySchemaDefaults(c.schema, object);
  EXPECT_EQ(object, c.after) << object.dump();
}

const json kRetention = {{"type", "object"},
                         {"properties",
                          {{"keepDaily", {{"type", "integer"}, {"default", 7}}},
                           {"keepWeekly", {{"type", "integer"}, {"default", 4}}}}}};

json Spec(const json& properties) {
  return {{"type", "object"},
          {"properties", {{"spec", {{"type", "object"}, {"properties", properties}}}}}};
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ApplySchemaDefaultsTest,
    ::testing::ValuesIn(std::vector<DefaultingCase>{
        {"AbsentFieldGetsDefault",
         Spec({{"compression", {{"type", "string"}, {"default", "zstd"}}}}),
         {{"spec", json::object()}},
         {{"spec", {{"compression", "zstd"}}}}},
        {"PresentFieldKept",
         Spec({{"compression", {{"type", "string"}, {"default", "zstd"}}}}),
         {{"spec", {{"compression", "gzip"}}}},
         {{"spec", {{"compression", "gzip"}}}}},
        {"NonNullableNullGetsDefault",
         Spec({{"compression", {{"type", "string"}, {"default", "zstd"}}}}),
         {{"spec", {{"compression", nullptr}}}},
         {{"spec", {{"compression", "zstd"}}}}},
        {"NullableNullKept",
         Spec({{"compression", {{"type", "string"}, {"nullable", true}, {"default", "zstd"}}}}),
         {{"spec", {{"compression", nullptr}}}},
         {{"spec", {{"compression", nullptr}}}}},
        {"AbsentParentIsNotCreated",
         Spec({{"retention", kRetention}}),
         {{"spec", json::object()}},
         {{"spec", json::object()}}},
        {"NestedDefaultsFillExistingObject",
         Spec({{"retention", kRetention}}),
         {{"spec", {{"retention", {{"keepDaily", 1}}}}}},
         {{"spec", {{"retention", {{"keepDaily", 1}, {"keepWeekly", 4}}}}}}},
        {"DefaultedObjectGetsItsNestedDefaults",
         Spec({{"retention",
                [] {
                  json r = kRetention;
                  r["default"] = json::object();
                  return r;
                }()}}),
         {{"spec", json::object()}},
         {{"spec", {{"retention", {{"keepDaily", 7}, {"keepWeekly", 4}}}}}}},
        {"ArrayItemsDefaulted",
         Spec({{"checks",
                {{"type", "array"},
                 {"items",
                  {{"type", "object"},
                   {"properties",
                    {{"sql", {{"type", "string"}}},
                     {"timeoutSeconds", {{"type", "integer"}, {"default", 30}}}}}}}}}}),
         {{"spec",
           {{"checks", json::array({{{"sql", "a"}}, {{"sql", "b"}, {"timeoutSeconds", 5}}})}}}},
         {{"spec",
           {{"checks", json::array({{{"sql", "a"}, {"timeoutSeconds", 30}},
                                    {{"sql", "b"}, {"timeoutSeconds", 5}}})}}}}},
        {"NullArrayItemGetsItemDefault",
         Spec({{"tags", {{"type", "array"}, {"items", {{"type", "string"}, {"default", "x"}}}}}}),
         {{"spec", {{"tags", json::array({"a", nullptr})}}}},
         {{"spec", {{"tags", json::array({"a", "x"})}}}}},
        {"MapValuesDefaulted",
         Spec({{"targets",
                {{"type", "object"},
                 {"additionalProperties",
                  {{"type", "object"},
                   {"properties", {{"port", {{"type", "integer"}, {"default", 5432}}}}}}}}}}),
         {{"spec", {{"targets", {{"primary", json::object()}, {"replica", {{"port", 6432}}}}}}}},
         {{"spec", {{"targets", {{"primary", {{"port", 5432}}}, {"replica", {{"port", 6432}}}}}}}}},
        {"NullMapValueGetsValueDefault",
         Spec({{"labels",
                {{"type", "object"},
                 {"additionalProperties", {{"type", "string"}, {"default", "none"}}}}}}),
         {{"spec", {{"labels", {{"tier", nullptr}}}}}},
         {{"spec", {{"labels", {{"tier", "none"}}}}}}},
        {"DefaultIsCopiedNotShared",
         Spec({{"a", {{"type", "object"}, {"default", {{"x", 1}}}}},
               {"b", {{"type", "object"}, {"default", {{"x", 1}}}}}}),
         {{"spec", json::object()}},
         {{"spec", {{"a", {{"x", 1}}}, {"b", {{"x", 1}}}}}}},
    }),
    [](const ::testing::TestParamInfo<DefaultingCase>& info) { return info.param.name; });

TEST(PruneNonNullableNullsTest, DropsNullsThatCannotBeKeptOrDefaulted) {
  json schema =
      Spec({{"plain", {{"type", "string"}}},
            {"nullable", {{"type", "string"}, {"nullable", true}}},
            {"defaulted", {{"type", "string"}, {"default", "d"}}},
            {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}});
  json object = {{"apiVersion", "upkeep.dev/v1"},
                 {"metadata", {{"name", "x"}}},
                 {"spec",
                  {{"plain", nullptr},
                   {"nullable", nullptr},
                   {"defaulted", nullptr},
                   {"labels", {{"a", nullptr}, {"b", "keep"}}}}}};
  PruneNonNullableNulls(schema, object);
  EXPECT_EQ(object["spec"],
            json({{"nullable", nullptr}, {"defaulted", nullptr}, {"labels", {{"b", "keep"}}}}));
  EXPECT_EQ(object["metadata"], json({{"name", "x"}}));
}

TEST(PruneNonNullableNullsTest, ThenDefaultingFillsTheRemainingNulls) {
  json schema = Spec({{"defaulted", {{"type", "string"}, {"default", "d"}}}});
  json object = {{"spec", {{"defaulted", nullptr}}}};
  PruneNonNullableNulls(schema, object);
  ApplySchemaDefaults(schema, object);
  EXPECT_EQ(object["spec"], json({{"defaulted", "d"}}));
}

}  // namespace
}  // namespace upkeep::apiserver
