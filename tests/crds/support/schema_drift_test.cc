// The drift check itself: it must fail when a field is added to the CRD only, or to the C++
// parser only, or written by the status writer only.
#include "tests/crds/support/schema_drift.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::api::testing {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

json Schema() {
  return json::parse(R"({
    "type": "object",
    "properties": {
      "schedule": {"type": "string"},
      "retention": {"type": "object", "properties": {"keepDaily": {"type": "integer"}}},
      "checks": {"type": "array", "items": {"type": "object", "required": ["sql"],
                 "properties": {"sql": {"type": "string"}}}},
      "labels": {"type": "object", "additionalProperties": {"type": "string"}},
      "compression": {"type": "string", "enum": ["zstd", "gzip"], "default": "zstd"}
    }})");
}

void ParseAll(FieldReader& r) {
  r.String("schedule");
  r.Object("retention").Integer("keepDaily");
  r.ObjectList("checks", [](FieldReader& c) { c.String("sql"); });
  r.StringMap("labels");
  r.Enum("compression", {"zstd", "gzip"});
}

TEST(SchemaPathsTest, ListsNestedFieldsWithListItemsAndMapsAsLeaves) {
  EXPECT_THAT(SchemaPaths(Schema(), "spec"),
              ElementsAre("spec.checks", "spec.checks[].sql", "spec.compression", "spec.labels",
                          "spec.retention", "spec.retention.keepDaily", "spec.schedule"));
}

TEST(SampleFromSchemaTest, FillsEveryFieldWithDefaultsAndEnums) {
  json sample = SampleFromSchema(Schema());
  EXPECT_EQ(sample["compression"], "zstd");
  EXPECT_EQ(sample["retention"]["keepDaily"], 1);
  EXPECT_EQ(sample["checks"][0]["sql"], "x");
  EXPECT_EQ(sample["labels"]["k"], "x");
}

TEST(CompareParserWithSchemaTest, AgreeingParserPasses) {
  DriftReport drift = CompareParserWithSchema(Schema(), "spec", ParseAll);
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(CompareParserWithSchemaTest, FieldAddedToTheCrdOnlyFails) {
  json schema = Schema();
  schema["properties"]["retention"]["properties"]["keepWeekly"] = {{"type", "integer"}};
  DriftReport drift = CompareParserWithSchema(schema, "spec", ParseAll);
  EXPECT_FALSE(drift.ok());
  EXPECT_THAT(drift.only_in_schema, ElementsAre("spec.retention.keepWeekly"));
  EXPECT_THAT(drift.unread, ElementsAre("spec.retention.keepWeekly"));
}

TEST(CompareParserWithSchemaTest, FieldAddedToTheParserOnlyFails) {
  DriftReport drift = CompareParserWithSchema(Schema(), "spec", [](FieldReader& r) {
    ParseAll(r);
    r.ObjectList("checks", [](FieldReader& c) { c.String("expect"); });
  });
  EXPECT_FALSE(drift.ok());
  EXPECT_THAT(drift.only_in_code, ElementsAre("spec.checks[].expect"));
  EXPECT_THAT(drift.only_in_schema, IsEmpty());
}

TEST(PathsNotInSchemaTest, FieldWrittenByTheWriterOnlyFails) {
  json written = {{"schedule", "x"}, {"checks", {{{"sql", "y"}, {"expect", "> 0"}}}},
                  {"labels", {{"anything", "goes"}}}};
  EXPECT_THAT(PathsNotInSchema(written, Schema(), "spec"), ElementsAre("spec.checks[].expect"));
}

}  // namespace
}  // namespace upkeep::api::testing
