#include "crds/v1alpha1/log_rotation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/manifests/manifests.h"
#include "controller/object/kube_time.h"
#include "tests/crds/support/schema_drift.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using testing::CompareParserWithSchema;
using testing::LoadCrdSchema;
using testing::PathsNotInSchema;
using testing::SampleFromSchema;
using testing::SourcePath;
using ::testing::HasSubstr;

json Object(json spec) {
  return {{"apiVersion", "upkeep.dev/v1alpha1"},
          {"kind", "LogRotation"},
          {"metadata", {{"name", "logs"}, {"namespace", "app"}, {"generation", 3}}},
          {"spec", std::move(spec)}};
}

json MinimalSpec() { return {{"target", {{"local", {{"paths", {"/var/log/app/*.log"}}}}}}}; }

json Schema() { return LoadCrdSchema(SourcePath("crds/upkeep.dev_logrotations.yaml")); }

TEST(LogRotationTest, ExamplesParse) {
  for (const char* file : {"examples/dev/50-logrotation.yaml",
                           "examples/production/logrotation.yaml"}) {
    auto docs = controller::ReadManifests(SourcePath(file));
    ASSERT_TRUE(docs.ok()) << docs.status();
    int found = 0;
    for (const json& doc : *docs) {
      if (doc.value("kind", "") != "LogRotation") continue;
      ++found;
      auto lr = ParseLogRotation(doc);
      EXPECT_TRUE(lr.ok()) << file << ": " << lr.status();
    }
    EXPECT_GT(found, 0) << file;
  }
}

TEST(LogRotationTest, DefaultsMatchTheSchema) {
  auto lr = ParseLogRotation(Object(MinimalSpec()));
  ASSERT_TRUE(lr.ok()) << lr.status();
  const LogRotationSpec& s = lr->spec;
  EXPECT_EQ(s.schedule.text, "@hourly");
  EXPECT_EQ(s.time_zone, "UTC");
  EXPECT_EQ(s.rotate, 5);
  EXPECT_EQ(s.compress, LogCompression::kGzip);
  EXPECT_EQ(s.date_format, "-%Y%m%d");
  EXPECT_FALSE(s.size_bytes.has_value());
  EXPECT_EQ(s.min_size_bytes, 0);
  EXPECT_FALSE(s.missing_ok);
  EXPECT_EQ(lr->metadata.generation, 3);
  // The CRD's defaults are the same values.
  json spec = Schema()["properties"]["spec"]["properties"];
  EXPECT_EQ(spec["schedule"]["default"], "@hourly");
  EXPECT_EQ(spec["rotate"]["default"], 5);
  EXPECT_EQ(spec["compress"]["default"], "gzip");
  EXPECT_EQ(spec["dateFormat"]["default"], "-%Y%m%d");
  EXPECT_EQ(spec["timeZone"]["default"], "UTC");
}

TEST(LogRotationTest, ReadsSizesAndDurations) {
  json spec = MinimalSpec();
  spec["size"] = "50Mi";
  spec["minSize"] = 1024;
  spec["maxAge"] = "14d";
  auto lr = ParseLogRotation(Object(spec));
  ASSERT_TRUE(lr.ok()) << lr.status();
  EXPECT_EQ(lr->spec.size_bytes, 50 << 20);
  EXPECT_EQ(lr->spec.min_size_bytes, 1024);
  EXPECT_EQ(lr->spec.max_age, std::chrono::hours(14 * 24));
}

TEST(LogRotationTest, InvalidSpecsNameTheField) {
  struct Row {
    const char* name;
    const char* patch;  // JSON merge patch on the minimal spec
    const char* expect;
  };
  const Row rows[] = {
      {"no target", R"({"target": null})", "spec.target: Required value"},
      {"both targets",
       R"({"target": {"local": {"paths": ["/a"]}, "volume": {"claimName": "c", "paths": ["a"]}}})",
       "spec.target: Forbidden: only one of volume, local may be set"},
      {"empty target", R"({"target": {"local": null}})",
       "spec.target: Required value: exactly one of volume, local must be set"},
      {"volume without claim", R"({"target": {"local": null, "volume": {"paths": ["a"]}}})",
       "spec.target.volume.claimName: Required value"},
      {"volume without paths", R"({"target": {"local": null, "volume": {"claimName": "c"}}})",
       "spec.target.volume.paths: Required value"},
      {"relative local path", R"({"target": {"local": {"paths": ["logs/*.log"]}}})",
       "spec.target.local.paths[0]: Invalid value: \"logs/*.log\": must be an absolute path"},
      {"cron out of range", R"({"schedule": "0 25 * * *"})",
       "spec.schedule: Invalid value: \"0 25 * * *\": hour field \"25\": out of range 0-23"},
      {"bad size", R"({"size": "50MB"})", "spec.size: Invalid value: \"50MB\""},
      {"bad age", R"({"maxAge": "2 weeks"})", "spec.maxAge: Invalid value: \"2 weeks\""},
      {"negative rotate", R"({"rotate": -1})", "spec.rotate: Invalid value: -1"},
      {"unknown compression", R"({"compress": "bzip2"})",
       "spec.compress: Unsupported value: \"bzip2\""},
      {"date format logrotate lacks", R"({"dateFormat": "-%F"})",
       "spec.dateFormat: Invalid value"},
      {"unknown executor", R"({"executor": {"mode": "Pod"}})",
       "spec.executor.mode: Unsupported value: \"Pod\""},
      {"unknown time zone", R"({"timeZone": "Mars/Olympus_Mons"})",
       "spec.timeZone: Invalid value: \"Mars/Olympus_Mons\": must be an IANA time zone"},
      {"wrong type", R"({"suspend": "yes"})", "spec.suspend: Invalid value: \"string\""},
  };
  for (const Row& row : rows) {
    json spec = MinimalSpec();
    spec.merge_patch(json::parse(row.patch));
    auto lr = ParseLogRotation(Object(spec));
    ASSERT_FALSE(lr.ok()) << row.name;
    EXPECT_THAT(std::string(lr.status().message()), HasSubstr(row.expect)) << row.name;
  }
}

TEST(LogRotationTest, MissingSpecIsRequired) {
  json object = Object(nullptr);
  object.erase("spec");
  auto lr = ParseLogRotation(object);
  ASSERT_FALSE(lr.ok());
  EXPECT_EQ(lr.status().message(), "spec: Required value");
}

TEST(LogRotationTest, StatusRoundTrips) {
  LogRotationStatus status;
  status.common.observed_generation = 3;
  status.common.conditions.push_back(
      {"Ready", "True", "Rotated", "2 files rotated", 3, "2026-11-30T10:00:00Z"});
  status.last_run_time = *controller::ParseRfc3339("2026-11-30T10:00:00Z");
  status.files_rotated = 2;
  status.bytes_reclaimed = 1 << 20;
  json written = LogRotationStatusToJson(status);
  EXPECT_EQ(written["lastRunTime"], "2026-11-30T10:00:00Z");
  EXPECT_FALSE(written.contains("nextRunTime"));  // unknown times stay absent
  ParseReport report;
  LogRotationStatus read;
  {
    FieldReader r(&written, "status", report);
    read = ParseLogRotationStatus(r);
  }
  EXPECT_TRUE(report.ok()) << report.ToStatus();
  EXPECT_EQ(LogRotationStatusToJson(read), written);
}

TEST(LogRotationDriftTest, CrdAndParserAgreeOnSpec) {
  auto drift = CompareParserWithSchema(Schema()["properties"]["spec"], "spec",
                                       [](FieldReader& r) { ParseLogRotationSpec(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(LogRotationDriftTest, CrdAndParserAgreeOnStatus) {
  auto drift = CompareParserWithSchema(Schema()["properties"]["status"], "status",
                                       [](FieldReader& r) { ParseLogRotationStatus(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(LogRotationDriftTest, WrittenStatusIsInTheCrd) {
  json schema = Schema()["properties"]["status"];
  json sample = SampleFromSchema(schema);
  sample["lastRunTime"] = sample["nextRunTime"] = "2026-11-30T10:00:00Z";
  sample["conditions"][0]["lastTransitionTime"] = "2026-11-30T10:00:00Z";
  ParseReport report;
  LogRotationStatus status;
  {
    FieldReader r(&sample, "status", report);
    status = ParseLogRotationStatus(r);
  }
  ASSERT_TRUE(report.ok()) << report.ToStatus();
  EXPECT_THAT(PathsNotInSchema(LogRotationStatusToJson(status), schema, "status"),
              ::testing::IsEmpty());
  EXPECT_EQ(LogRotationStatusToJson(status), sample);
}

}  // namespace
}  // namespace upkeep::api::v1alpha1
