#include "crds/fields/field_reader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::api {
namespace {

using nlohmann::json;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

std::vector<std::string> Messages(const ParseReport& report) {
  std::vector<std::string> out;
  for (const FieldError& e : report.errors) out.push_back(e.ToString());
  return out;
}

TEST(FieldReaderTest, ReadsTypedFieldsAndReportsNothingWhenValid) {
  json spec = {{"host", "db"}, {"port", 5432}, {"suspend", true}, {"every", "90d"},
               {"size", "50Mi"}, {"paths", {"a", "b"}}, {"labels", {{"team", "ops"}}}};
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    EXPECT_EQ(r.String("host"), "db");
    EXPECT_EQ(r.Integer("port"), 5432);
    EXPECT_EQ(r.Bool("suspend"), true);
    EXPECT_EQ(r.Duration("every"), std::chrono::hours(90 * 24));
    EXPECT_EQ(r.ByteQuantity("size"), 50 << 20);
    EXPECT_THAT(r.StringList("paths"), ElementsAre("a", "b"));
    EXPECT_EQ(r.StringMap("labels").at("team"), "ops");
    EXPECT_EQ(r.String("absent"), std::nullopt);
  }
  EXPECT_TRUE(report.ok()) << report.ToStatus();
  EXPECT_THAT(report.unknown_fields, IsEmpty());
}

TEST(FieldReaderTest, ErrorsCarryKubernetesFieldPathsWithIndexes) {
  json spec = {{"checks", {{{"name", "a"}}, {{"http", {{"timeout", "soon"}}}}}}};
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    r.ObjectList("checks", [](FieldReader& check) {
      check.String("name", Need::kRequired);
      FieldReader http = check.Object("http");
      http.Duration("timeout");
    });
  }
  EXPECT_THAT(Messages(report),
              ElementsAre("spec.checks[1].name: Required value",
                          "spec.checks[1].http.timeout: Invalid value: \"soon\": must be a "
                          "duration such as \"90s\", \"1h30m\", \"720h\" or \"90d\""));
  EXPECT_EQ(report.errors[0].reason, "FieldValueRequired");
}

TEST(FieldReaderTest, WrongTypesAreTypeErrors) {
  json spec = {{"port", "5432"}, {"suspend", "yes"}, {"source", "db"}};
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    r.Integer("port");
    r.Bool("suspend");
    r.Object("source");
  }
  ASSERT_EQ(report.errors.size(), 3u);
  EXPECT_EQ(report.errors[0].field, "spec.port");
  EXPECT_EQ(report.errors[0].reason, "FieldValueTypeInvalid");
  EXPECT_THAT(report.errors[0].detail, ::testing::HasSubstr("must be of type integer"));
  EXPECT_EQ(report.errors[2].field, "spec.source");
}

TEST(FieldReaderTest, EnumListsTheSupportedValues) {
  json spec = {{"compression", "lz4"}};
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    EXPECT_EQ(r.Enum("compression", {"zstd", "gzip", "none"}), std::nullopt);
  }
  EXPECT_THAT(Messages(report),
              ElementsAre("spec.compression: Unsupported value: \"lz4\": supported values: "
                          "\"zstd\", \"gzip\", \"none\""));
}

TEST(FieldReaderTest, RequiredInsideAnAbsentObjectIsNotReported) {
  json spec = json::object();
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    FieldReader verify = r.Object("verify");
    EXPECT_FALSE(verify.present());
    verify.String("host", Need::kRequired);
    FieldReader source = r.Object("source", Need::kRequired);
    source.String("host", Need::kRequired);
  }
  EXPECT_THAT(Messages(report), ElementsAre("spec.source: Required value"));
}

TEST(FieldReaderTest, ExactlyOneOfReportsNoneAndBoth) {
  json none = json::object();
  json both = {{"postgres", json::object()}, {"volume", json::object()}};
  json one = {{"volume", json::object()}};
  for (auto [value, want] : {std::pair{&none, "spec.source: Required value: exactly one of "
                                              "postgres, volume must be set"},
                             std::pair{&both, "spec.source: Forbidden: only one of postgres, "
                                              "volume may be set; found postgres and volume"}}) {
    ParseReport report;
    FieldReader r(value, "spec.source", report);
    EXPECT_EQ(r.ExactlyOneOf({"postgres", "volume"}), std::nullopt);
    EXPECT_THAT(Messages(report), ElementsAre(want));
  }
  ParseReport report;
  FieldReader r(&one, "spec.source", report);
  EXPECT_EQ(r.ExactlyOneOf({"postgres", "volume"}), "volume");
  EXPECT_TRUE(report.ok());
}

TEST(FieldReaderTest, RecordsKnownPathsAndUnknownFields) {
  json spec = {{"checks", {{{"name", "a"}, {"colour", "red"}}}}, {"extra", 1}};
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    r.ObjectList("checks", [](FieldReader& c) { c.String("name"); });
    r.Object("verify").String("host");  // absent, still known
  }
  EXPECT_THAT(report.known_paths, ElementsAre("spec.checks", "spec.checks[].name",
                                              "spec.verify", "spec.verify.host"));
  EXPECT_THAT(report.unknown_fields, ElementsAre("spec.checks[0].colour", "spec.extra"));
}

TEST(FieldReaderTest, TimeZonesMustExist) {
  json spec = {{"good", "Europe/Amsterdam"}, {"bad", "Europe/Atlantis"}, {"local", "Local"}};
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    EXPECT_EQ(r.TimeZone("good"), "Europe/Amsterdam");
    EXPECT_EQ(r.TimeZone("absent"), "UTC");
    EXPECT_EQ(r.TimeZone("bad"), std::nullopt);
    EXPECT_EQ(r.TimeZone("local"), std::nullopt);
  }
  ASSERT_EQ(report.errors.size(), 2u);
  EXPECT_EQ(report.errors[0].field, "spec.bad");
  EXPECT_EQ(report.errors[1].field, "spec.local");
}

TEST(FieldReaderTest, ToStatusJoinsEveryError) {
  json spec = json::object();
  ParseReport report;
  {
    FieldReader r(&spec, "spec", report);
    r.String("schedule", Need::kRequired);
    r.String("secretName", Need::kRequired);
  }
  EXPECT_EQ(report.ToStatus().message(),
            "spec.schedule: Required value; spec.secretName: Required value");
}

}  // namespace
}  // namespace upkeep::api
