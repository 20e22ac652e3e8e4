#include "apiserver/schema/schema_pruning.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

json Resource(const json& spec) {
  return {{"apiVersion", "upkeep.dev/v1"},
          {"kind", "BackupPolicy"},
          {"metadata", {{"name", "nightly"}, {"labels", {{"app", "db"}}}}},
          {"spec", spec}};
}

const json kSchema = {
    {"type", "object"},
    {"properties",
     {{"spec",
       {{"type", "object"},
        {"properties",
         {{"schedule", {{"type", "string"}}},
          {"retention",
           {{"type", "object"}, {"properties", {{"keepDaily", {{"type", "integer"}}}}}}},
          {"checks",
           {{"type", "array"},
            {"items", {{"type", "object"}, {"properties", {{"sql", {{"type", "string"}}}}}}}}},
          {"labels", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}},
          {"raw",
           {{"type", "object"},
            {"x-kubernetes-preserve-unknown-fields", true},
            {"properties",
             {{"known", {{"type", "object"}, {"properties", {{"a", {{"type", "string"}}}}}}}}}}},
          {"template",
           {{"type", "object"},
            {"x-kubernetes-embedded-resource", true},
            {"properties",
             {{"data", {{"type", "object"}, {"additionalProperties", {{"type", "string"}}}}}}}}},
          {"anything", {{"type", "object"}, {"additionalProperties", true}}}}}}},
      {"status", {{"type", "object"}, {"properties", {{"phase", {{"type", "string"}}}}}}}}}};

TEST(PruneUnknownFieldsTest, KeepsADeclaredObjectUnchanged) {
  json object = Resource({{"schedule", "0 3 * * *"},
                          {"retention", {{"keepDaily", 7}}},
                          {"checks", json::array({{{"sql", "select 1"}}})},
                          {"labels", {{"team", "dba"}}}});
  json expected = object;
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_EQ(object, expected);
  EXPECT_THAT(pruned, IsEmpty());
}

TEST(PruneUnknownFieldsTest, RemovesUnknownFieldsAtEveryLevelAndReportsSortedPaths) {
  json object =
      Resource({{"schedule", "0 3 * * *"},
                {"foo", 1},
                {"retention", {{"keepDaily", 7}, {"keepHourly", 24}}},
                {"checks", json::array({{{"sql", "a"}}, {{"sql", "b"}, {"bar", true}}})}});
  object["extra"] = "top";
  object["status"] = {{"phase", "Ready"}, {"debug", "x"}};
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_THAT(pruned, ElementsAre("extra", "spec.checks[1].bar", "spec.foo",
                                  "spec.retention.keepHourly", "status.debug"));
  EXPECT_EQ(object["spec"], json({{"schedule", "0 3 * * *"},
                                  {"retention", {{"keepDaily", 7}}},
                                  {"checks", json::array({{{"sql", "a"}}, {{"sql", "b"}}})}}));
  EXPECT_FALSE(object.contains("extra"));
  EXPECT_EQ(object["status"], json({{"phase", "Ready"}}));
}

TEST(PruneUnknownFieldsTest, KeepsRootTypeAndObjectMetaWithoutReportingThem) {
  json object = Resource(json::object());
  object["metadata"]["annotations"] = {{"note", "x"}};
  json expected = object;
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_EQ(object, expected);
  EXPECT_THAT(pruned, IsEmpty());
}

TEST(PruneUnknownFieldsTest, AdditionalPropertiesKeepsEveryKey) {
  json object = Resource({{"labels", {{"a", "1"}, {"b", "2"}}}});
  PruneUnknownFields(kSchema, object, nullptr);
  EXPECT_EQ(object["spec"]["labels"], json({{"a", "1"}, {"b", "2"}}));
}

TEST(PruneUnknownFieldsTest, PreserveUnknownFieldsKeepsUnknownButPrunesDeclaredChildren) {
  json object =
      Resource({{"raw", {{"free", {{"form", 1}}}, {"known", {{"a", "x"}, {"b", "dropped"}}}}}});
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_EQ(object["spec"]["raw"], json({{"free", {{"form", 1}}}, {"known", {{"a", "x"}}}}));
  EXPECT_THAT(pruned, ElementsAre("spec.raw.known.b"));
}

TEST(PruneUnknownFieldsTest, EmbeddedResourceKeepsItsTypeAndObjectMeta) {
  json object = Resource({{"template",
                           {{"apiVersion", "v1"},
                            {"kind", "ConfigMap"},
                            {"metadata", {{"name", "cm"}}},
                            {"data", {{"k", "v"}}},
                            {"binaryData", {{"b", "AA=="}}}}}});
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_EQ(object["spec"]["template"], json({{"apiVersion", "v1"},
                                              {"kind", "ConfigMap"},
                                              {"metadata", {{"name", "cm"}}},
                                              {"data", {{"k", "v"}}}}));
  EXPECT_THAT(pruned, ElementsAre("spec.template.binaryData"));
}

TEST(PruneUnknownFieldsTest, NestedObjectMetaFieldsAreNotSpecialOutsideEmbeddedResources) {
  json object = Resource({{"retention", {{"keepDaily", 1}, {"metadata", {{"name", "x"}}}}}});
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_THAT(pruned, ElementsAre("spec.retention.metadata"));
}

// additionalProperties: true declares the keys but no schema for the values, so Kubernetes
// empties object values and keeps scalars.
TEST(PruneUnknownFieldsTest, AdditionalPropertiesTrueHasNoSchemaForObjectValues) {
  json object = Resource({{"anything", {{"scalar", 1}, {"nested", {{"x", 1}}}}}});
  std::vector<std::string> pruned;
  PruneUnknownFields(kSchema, object, &pruned);
  EXPECT_EQ(object["spec"]["anything"], json({{"scalar", 1}, {"nested", json::object()}}));
  EXPECT_THAT(pruned, ElementsAre("spec.anything.nested.x"));
}

TEST(PruneUnknownFieldsOfValueTest, PrunesAValueThatIsNotAResource) {
  json schema = {{"type", "object"}, {"properties", {{"a", {{"type", "integer"}}}}}};
  json value = {{"a", 1}, {"kind", "X"}};
  PruneUnknownFieldsOfValue(schema, value);
  EXPECT_EQ(value, json({{"a", 1}}));
}

}  // namespace
}  // namespace upkeep::apiserver
