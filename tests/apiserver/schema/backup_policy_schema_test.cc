// The whole request path for a realistic CRD: the schema is accepted as structural, then a
// BackupPolicy is pruned, cleaned of nulls, defaulted and validated as kube-apiserver would.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "apiserver/schema/schema_defaulting.h"
#include "apiserver/schema/schema_pruning.h"
#include "apiserver/schema/schema_validator.h"
#include "apiserver/schema/structural_schema.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;

const json kBackupPolicySchema = json::parse(R"({
  "type": "object",
  "properties": {
    "spec": {
      "type": "object",
      "required": ["schedule", "source"],
      "properties": {
        "schedule": {"type": "string", "minLength": 1},
        "compression": {"type": "string", "enum": ["zstd", "gzip", "none"], "default": "zstd"},
        "retention": {
          "type": "object",
          "default": {},
          "properties": {
            "keepDaily": {"type": "integer", "minimum": 0, "default": 7},
            "keepWeekly": {"type": "integer", "minimum": 0, "default": 4}
          }
        },
        "source": {
          "type": "object",
          "oneOf": [{"required": ["postgres"]}, {"required": ["pvc"]}],
          "properties": {
            "postgres": {
              "type": "object",
              "required": ["secretRef"],
              "properties": {
                "secretRef": {"type": "string"},
                "port": {"type": "integer", "format": "int32", "default": 5432}
              }
            },
            "pvc": {"type": "string"}
          }
        },
        "checks": {
          "type": "array",
          "maxItems": 2,
          "items": {"type": "object", "required": ["sql"], "properties": {"sql": {"type": "string"}}}
        }
      }
    },
    "status": {
      "type": "object",
      "properties": {"lastBackupTime": {"type": "string", "format": "date-time", "nullable": true}}
    }
  }
})");

std::vector<std::string> Describe(const FieldErrors& errors) {
  std::vector<std::string> out;
  for (const FieldError& e : errors) out.push_back(e.ToString());
  return out;
}

// Prune, drop nulls, default, validate: the order apiextensions-apiserver uses.
FieldErrors Admit(json& object, std::vector<std::string>* pruned) {
  PruneUnknownFields(kBackupPolicySchema, object, pruned);
  PruneNonNullableNulls(kBackupPolicySchema, object);
  ApplySchemaDefaults(kBackupPolicySchema, object);
  return ValidateAgainstSchema(kBackupPolicySchema, object);
}

TEST(BackupPolicySchemaTest, SchemaIsStructural) {
  EXPECT_THAT(
      ValidateStructuralSchema(kBackupPolicySchema, "spec.versions[0].schema.openAPIV3Schema"),
      IsEmpty());
}

TEST(BackupPolicySchemaTest, ValidPolicyIsDefaultedAndAccepted) {
  json object = json::parse(R"({
    "apiVersion": "upkeep.dev/v1alpha1", "kind": "BackupPolicy",
    "metadata": {"name": "nightly", "namespace": "db"},
    "spec": {"schedule": "0 3 * * *", "compression": null, "typo": 1,
             "source": {"postgres": {"secretRef": "pg"}}},
    "status": {"lastBackupTime": null}
  })");
  std::vector<std::string> pruned;
  EXPECT_THAT(Admit(object, &pruned), IsEmpty());
  EXPECT_THAT(pruned, ElementsAre("spec.typo"));
  EXPECT_EQ(object["spec"]["compression"], "zstd");
  EXPECT_EQ(object["spec"]["retention"], json({{"keepDaily", 7}, {"keepWeekly", 4}}));
  EXPECT_EQ(object["spec"]["source"]["postgres"]["port"], 5432);
  EXPECT_TRUE(object["status"]["lastBackupTime"].is_null());
}

TEST(BackupPolicySchemaTest, InvalidPolicyGetsEveryError) {
  json object = json::parse(R"({
    "apiVersion": "upkeep.dev/v1alpha1", "kind": "BackupPolicy",
    "metadata": {"name": "nightly"},
    "spec": {"compression": "lz4", "retention": {"keepDaily": -1},
             "source": {"postgres": {"secretRef": "pg"}, "pvc": "data"},
             "checks": [{"sql": "select 1"}, {}, {"sql": 3}]}
  })");
  EXPECT_THAT(
      Describe(Admit(object, nullptr)),
      ElementsAreArray({
          "spec.checks[1].sql: Required value",
          "spec.checks[2].sql: Invalid value: \"integer\": spec.checks[2].sql in body must be of "
          "type string: \"integer\"",
          "spec.checks: Too many: 3: must have at most 2 items",
          "spec.compression: Unsupported value: \"lz4\": supported values: \"zstd\", \"gzip\", "
          "\"none\"",
          "spec.retention.keepDaily: Invalid value: -1: spec.retention.keepDaily in body should "
          "be greater than or equal to 0",
          "<nil>: Invalid value: \"\": \"spec.source\" must validate one and only one schema "
          "(oneOf). Found 2 valid alternatives",
          "spec.schedule: Required value",
      }));
}

}  // namespace
}  // namespace upkeep::apiserver
