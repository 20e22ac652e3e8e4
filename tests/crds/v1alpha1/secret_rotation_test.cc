#include "crds/v1alpha1/secret_rotation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

#include "controller/manifests/manifests.h"
#include "controller/object/kube_time.h"
#include "tests/crds/support/schema_drift.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using std::chrono::hours;
using testing::CompareParserWithSchema;
using testing::LoadCrdSchema;
using testing::PathsNotInSchema;
using testing::SampleFromSchema;
using testing::SourcePath;
using ::testing::HasSubstr;

json Object(json spec) {
  return {{"apiVersion", "upkeep.dev/v1alpha1"},
          {"kind", "SecretRotation"},
          {"metadata", {{"name", "app-secrets"}, {"namespace", "app"}, {"generation", 2}}},
          {"spec", std::move(spec)}};
}

json MinimalSpec() {
  return {{"secretName", "app-secrets"},
          {"keys", {{{"name", "DB_PASSWORD"}, {"generator", {{"type", "password"}}}}}}};
}

json Schema() { return LoadCrdSchema(SourcePath("crds/upkeep.dev_secretrotations.yaml")); }

// Parses `spec` alone, collecting every error.
ParseReport ParseSpec(const json& spec, SecretRotationSpec* out = nullptr) {
  ParseReport report;
  {
    FieldReader reader(&spec, "spec", report);
    SecretRotationSpec parsed = ParseSecretRotationSpec(reader);
    if (out != nullptr) *out = std::move(parsed);
  }
  return report;
}

std::vector<SecretRotation> ParseExamples(const char* file) {
  std::vector<SecretRotation> out;
  auto docs = controller::ReadManifests(SourcePath(file));
  EXPECT_TRUE(docs.ok()) << docs.status();
  if (!docs.ok()) return out;
  for (const json& doc : *docs) {
    if (doc.value("kind", "") != "SecretRotation") continue;
    auto sr = ParseSecretRotation(doc);
    EXPECT_TRUE(sr.ok()) << file << ": " << sr.status();
    if (sr.ok()) out.push_back(*std::move(sr));
  }
  return out;
}

TEST(SecretRotationTest, DevExamplesParse) {
  std::vector<SecretRotation> rotations = ParseExamples("examples/dev/05-secretrotation.yaml");
  ASSERT_EQ(rotations.size(), 2u);

  const SecretRotationSpec& app = rotations[0].spec;
  EXPECT_EQ(rotations[0].metadata.name, "app-secrets");
  EXPECT_EQ(app.rotation_interval, hours(90 * 24));
  ASSERT_EQ(app.keys.size(), 4u);
  EXPECT_EQ(app.keys[1].generator.type, GeneratorType::kHmac);
  EXPECT_EQ(app.keys[1].generator.bytes, 64);
  EXPECT_EQ(app.keys[3].name, "SIGNING_KEY");
  EXPECT_EQ(app.keys[3].rotation_interval, hours(365 * 24));
  EXPECT_TRUE(app.restart_targets.empty()) << "dev has no workloads to restart";

  // The key the dev BackupPolicy encrypts with: exactly 32 raw bytes for AES-256-GCM.
  const SecretRotationSpec& backup = rotations[1].spec;
  EXPECT_EQ(backup.secret_name, "backup-key");
  ASSERT_EQ(backup.keys.size(), 1u);
  EXPECT_EQ(backup.keys[0].name, "key");
  EXPECT_EQ(backup.keys[0].generator.bytes, 32);
  EXPECT_EQ(backup.keys[0].generator.encoding, ByteEncoding::kRaw);
  EXPECT_TRUE(backup.keep_previous);
}

TEST(SecretRotationTest, ProductionExampleParses) {
  std::vector<SecretRotation> rotations =
      ParseExamples("examples/production/secretrotation.yaml");
  ASSERT_EQ(rotations.size(), 1u);
  const SecretRotationSpec& s = rotations[0].spec;
  EXPECT_EQ(s.secret_name, "api-secrets");
  EXPECT_EQ(s.rotation_interval, hours(90 * 24));
  ASSERT_EQ(s.restart_targets.size(), 1u);
  EXPECT_EQ(s.restart_targets[0].kind, "Deployment");
  EXPECT_EQ(s.restart_targets[0].name, "api");
  ASSERT_TRUE(s.health_gate_ref.has_value());
  EXPECT_EQ(s.health_gate_ref->name, "api");
  ASSERT_TRUE(s.postgres.has_value());
  EXPECT_EQ(s.postgres->host, "app-db");
  EXPECT_EQ(s.postgres->role, "app");
  ASSERT_TRUE(s.postgres->admin_secret_ref.has_value());
  EXPECT_EQ(s.postgres->admin_secret_ref->name, "app-db-admin");
}

TEST(SecretRotationTest, DefaultsMatchTheSchema) {
  auto sr = ParseSecretRotation(Object(MinimalSpec()));
  ASSERT_TRUE(sr.ok()) << sr.status();
  const SecretRotationSpec& s = sr->spec;
  EXPECT_EQ(s.rotation_interval, kDefaultRotationInterval);
  EXPECT_EQ(s.rotation_interval, hours(90 * 24));
  EXPECT_FALSE(s.schedule.has_value());
  EXPECT_EQ(s.time_zone, "UTC");
  EXPECT_EQ(s.on_existing, OnExisting::kAdopt);
  EXPECT_TRUE(s.keep_previous);
  EXPECT_EQ(s.grace_period, hours(24));
  EXPECT_FALSE(s.auto_restart);
  EXPECT_TRUE(s.restart_targets.empty());
  EXPECT_FALSE(s.health_gate_ref.has_value());
  EXPECT_FALSE(s.postgres.has_value());
  EXPECT_EQ(sr->metadata.generation, 2);

  json spec = Schema()["properties"]["spec"]["properties"];
  EXPECT_EQ(spec["timeZone"]["default"], "UTC");
  EXPECT_EQ(spec["onExisting"]["default"], "Adopt");
  EXPECT_EQ(spec["keepPrevious"]["default"], true);
  EXPECT_EQ(spec["gracePeriod"]["default"], "24h");
  EXPECT_EQ(spec["autoRestart"]["default"], false);
  EXPECT_EQ(spec["restartTargets"]["items"]["properties"]["kind"]["default"], "Deployment");
  json pg = spec["postgres"]["properties"];
  EXPECT_EQ(pg["port"]["default"], 5432);
  EXPECT_EQ(pg["database"]["default"], "postgres");
  EXPECT_EQ(pg["sslMode"]["default"], "prefer");
  EXPECT_EQ(pg["adminSecretRef"]["properties"]["userKey"]["default"], "user");
  EXPECT_EQ(pg["adminSecretRef"]["properties"]["passwordKey"]["default"], "password");
}

// The 90-day interval and the generators' defaults depend on other fields, so the schema must
// not default them: a defaulted rotationInterval would clash with a schedule, a defaulted
// length with a hex generator.
TEST(SecretRotationTest, DefaultsThatDependOnOtherFieldsAreLeftToTheParser) {
  json spec = Schema()["properties"]["spec"];
  EXPECT_FALSE(spec["properties"]["rotationInterval"].contains("default"));
  for (const auto& [key, field] :
       spec["properties"]["keys"]["items"]["properties"]["generator"]["properties"].items()) {
    EXPECT_FALSE(field.contains("default")) << key;
  }
}

TEST(SecretRotationTest, GeneratorDefaultsDependOnTheType) {
  json spec = MinimalSpec();
  for (const char* type : {"hex", "base64", "hmac", "rsa"}) {
    spec["keys"].push_back({{"name", type}, {"generator", {{"type", type}}}});
  }
  SecretRotationSpec s;
  ParseReport report = ParseSpec(spec, &s);
  ASSERT_TRUE(report.ok()) << report.ToStatus();
  ASSERT_EQ(s.keys.size(), 5u);
  const GeneratorSpec& password = s.keys[0].generator;
  EXPECT_EQ(password.type, GeneratorType::kPassword);
  EXPECT_EQ(password.length, 32);
  EXPECT_FALSE(password.symbols);
  EXPECT_TRUE(password.digits);
  EXPECT_EQ(password.exclude_characters, "");
  EXPECT_EQ(s.keys[1].generator.bytes, 32);
  EXPECT_EQ(s.keys[1].generator.encoding, ByteEncoding::kHex);
  EXPECT_EQ(s.keys[2].generator.encoding, ByteEncoding::kBase64);
  EXPECT_EQ(s.keys[3].generator.encoding, ByteEncoding::kBase64);
  EXPECT_EQ(s.keys[4].generator.rsa_bits, 2048);
  EXPECT_FALSE(s.keys[0].rotation_interval.has_value());
}

TEST(SecretRotationTest, EveryGeneratorTypeIsAccepted) {
  json types = Schema()["properties"]["spec"]["properties"]["keys"]["items"]["properties"]
                       ["generator"]["properties"]["type"]["enum"];
  ASSERT_EQ(types.size(), 10u);
  for (const json& type : types) {
    json spec = MinimalSpec();
    spec["keys"].push_back({{"name", "K"}, {"generator", {{"type", type}}}});
    SecretRotationSpec s;
    ParseReport report = ParseSpec(spec, &s);
    ASSERT_TRUE(report.ok()) << type << ": " << report.ToStatus();
    EXPECT_EQ(GeneratorTypeName(s.keys[1].generator.type), type.get<std::string>());
  }
}

TEST(SecretRotationTest, ScheduleReplacesTheDefaultInterval) {
  json spec = MinimalSpec();
  spec["schedule"] = "0 4 1 */3 *";
  spec["timeZone"] = "Europe/Amsterdam";
  SecretRotationSpec s;
  ParseReport report = ParseSpec(spec, &s);
  ASSERT_TRUE(report.ok()) << report.ToStatus();
  EXPECT_FALSE(s.rotation_interval.has_value());
  ASSERT_TRUE(s.schedule.has_value());
  EXPECT_EQ(s.schedule->text, "0 4 1 */3 *");
  EXPECT_EQ(s.time_zone, "Europe/Amsterdam");
}

TEST(SecretRotationTest, ReadsEveryOptionWhenSet) {
  json spec = MinimalSpec();
  spec["keys"][0]["generator"] = {{"type", "password"},
                                  {"length", 64},
                                  {"symbols", true},
                                  {"digits", false},
                                  {"excludeCharacters", "lI1O0"}};
  spec["keys"].push_back({{"name", "API_KEY"},
                          {"generator", {{"type", "base64"}, {"bytes", 48},
                                         {"encoding", "base64url"}}},
                          {"rotationInterval", "30d"}});
  spec["keys"].push_back({{"name", "TLS_KEY"}, {"generator", {{"type", "rsa"}, {"size", 4096}}}});
  spec["rotationInterval"] = "720h";
  spec["onExisting"] = "Regenerate";
  spec["keepPrevious"] = false;
  spec["gracePeriod"] = "2h";
  spec["autoRestart"] = true;
  spec["restartTargets"] = {{{"kind", "StatefulSet"}, {"name", "worker"}}, {{"name", "api"}}};
  spec["secretTemplate"] = {{"labels", {{"team", "a"}}}, {"annotations", {{"note", "b"}}}};
  spec["postgres"] = {{"host", "db"}, {"role", "app"}, {"passwordKey", "DB_PASSWORD"}};
  SecretRotationSpec s;
  ParseReport report = ParseSpec(spec, &s);
  ASSERT_TRUE(report.ok()) << report.ToStatus();
  EXPECT_EQ(s.keys[0].generator.length, 64);
  EXPECT_TRUE(s.keys[0].generator.symbols);
  EXPECT_FALSE(s.keys[0].generator.digits);
  EXPECT_EQ(s.keys[0].generator.exclude_characters, "lI1O0");
  EXPECT_EQ(s.keys[1].generator.bytes, 48);
  EXPECT_EQ(s.keys[1].generator.encoding, ByteEncoding::kBase64Url);
  EXPECT_EQ(s.keys[1].rotation_interval, hours(30 * 24));
  EXPECT_EQ(s.keys[2].generator.rsa_bits, 4096);
  EXPECT_EQ(s.rotation_interval, hours(720));
  EXPECT_EQ(s.on_existing, OnExisting::kRegenerate);
  EXPECT_FALSE(s.keep_previous);
  EXPECT_EQ(s.grace_period, hours(2));
  EXPECT_TRUE(s.auto_restart);
  ASSERT_EQ(s.restart_targets.size(), 2u);
  EXPECT_EQ(s.restart_targets[0].kind, "StatefulSet");
  EXPECT_EQ(s.restart_targets[1].kind, "Deployment");
  EXPECT_EQ(s.secret_template.labels.at("team"), "a");
  EXPECT_EQ(s.secret_template.annotations.at("note"), "b");
  ASSERT_TRUE(s.postgres.has_value());
  EXPECT_EQ(s.postgres->port, 5432);
  EXPECT_EQ(s.postgres->database, "postgres");
  EXPECT_EQ(s.postgres->ssl_mode, "prefer");
  EXPECT_FALSE(s.postgres->admin_secret_ref.has_value());

  spec["postgres"]["adminSecretRef"] = {{"name", "pg-admin"}};
  report = ParseSpec(spec, &s);
  ASSERT_TRUE(report.ok()) << report.ToStatus();
  ASSERT_TRUE(s.postgres->admin_secret_ref.has_value());
  EXPECT_EQ(s.postgres->admin_secret_ref->user_key, "user");
  EXPECT_EQ(s.postgres->admin_secret_ref->password_key, "password");
}

TEST(SecretRotationTest, PreviousSuffixIsFreeWithoutKeepPrevious) {
  json spec = MinimalSpec();
  spec["keys"].push_back(
      {{"name", "DB_PASSWORD_PREVIOUS"}, {"generator", {{"type", "password"}}}});
  spec["keepPrevious"] = false;
  ParseReport report = ParseSpec(spec);
  EXPECT_TRUE(report.ok()) << report.ToStatus();
}

struct InvalidSpecCase {
  std::string name;
  std::function<void(json&)> change;
  std::string error;  // the start of the one error expected
};

void PrintTo(const InvalidSpecCase& c, std::ostream* os) { *os << c.name; }

class InvalidSpecTest : public ::testing::TestWithParam<InvalidSpecCase> {};

TEST_P(InvalidSpecTest, ReportsTheFieldPath) {
  json spec = MinimalSpec();
  spec["postgres"] = {{"host", "db"}, {"role", "app"}, {"passwordKey", "DB_PASSWORD"}};
  spec["keys"].push_back({{"name", "JWT_SECRET"}, {"generator", {{"type", "hmac"}}}});
  ASSERT_TRUE(ParseSpec(spec).ok()) << "the base spec must be valid";
  GetParam().change(spec);
  ParseReport report = ParseSpec(spec);
  ASSERT_EQ(report.errors.size(), 1u) << report.ToStatus();
  EXPECT_THAT(report.errors[0].ToString(), ::testing::StartsWith(GetParam().error));
}

json& Generator(json& spec, int i = 0) { return spec["keys"][i]["generator"]; }

INSTANTIATE_TEST_SUITE_P(
    SecretRotationTest, InvalidSpecTest,
    ::testing::ValuesIn(std::vector<InvalidSpecCase>{
        {"SecretNameMissing", [](json& s) { s.erase("secretName"); },
         "spec.secretName: Required value"},
        {"KeysMissing", [](json& s) { s.erase("keys"); s.erase("postgres"); },
         "spec.keys: Required value"},
        {"KeysEmpty", [](json& s) { s["keys"] = json::array(); s.erase("postgres"); },
         "spec.keys: Required value"},
        {"IntervalAndSchedule",
         [](json& s) { s["rotationInterval"] = "90d"; s["schedule"] = "@monthly"; },
         "spec: Forbidden: only one of rotationInterval, schedule may be set"},
        {"IntervalZero", [](json& s) { s["rotationInterval"] = "0s"; },
         "spec.rotationInterval: Invalid value: \"0s\": must be greater than 0"},
        {"IntervalNotADuration", [](json& s) { s["rotationInterval"] = "90 days"; },
         "spec.rotationInterval: Invalid value: \"90 days\""},
        {"ScheduleOutOfRange", [](json& s) { s["schedule"] = "61 * * * *"; },
         "spec.schedule: Invalid value: \"61 * * * *\""},
        {"OnExistingUnknown", [](json& s) { s["onExisting"] = "Keep"; },
         "spec.onExisting: Unsupported value: \"Keep\""},
        {"KeyNameMissing", [](json& s) { s["keys"][1].erase("name"); },
         "spec.keys[1].name: Required value"},
        {"KeyNameDuplicate", [](json& s) { s["keys"][1]["name"] = "DB_PASSWORD"; },
         "spec.keys[1].name: Invalid value: \"DB_PASSWORD\": duplicate of keys[0].name"},
        {"KeyNameIsAnotherKeysPrevious",
         [](json& s) { s["keys"][1]["name"] = "DB_PASSWORD_PREVIOUS"; },
         "spec.keys[1].name: Invalid value: \"DB_PASSWORD_PREVIOUS\": with keepPrevious"},
        {"KeyIntervalZero", [](json& s) { s["keys"][1]["rotationInterval"] = "0"; },
         "spec.keys[1].rotationInterval: Invalid value: \"0\": must be greater than 0"},
        {"GeneratorMissing", [](json& s) { s["keys"][1].erase("generator"); },
         "spec.keys[1].generator: Required value"},
        {"GeneratorTypeMissing", [](json& s) { Generator(s, 1).erase("type"); },
         "spec.keys[1].generator.type: Required value"},
        {"GeneratorTypeUnknown", [](json& s) { Generator(s, 1)["type"] = "aes"; },
         "spec.keys[1].generator.type: Unsupported value: \"aes\""},
        {"LengthOnHex",
         [](json& s) { Generator(s, 1) = {{"type", "hex"}, {"length", 40}}; },
         "spec.keys[1].generator.length: Forbidden: applies only to generator type password, "
         "not hex"},
        {"SymbolsOnUuid",
         [](json& s) { Generator(s, 1) = {{"type", "uuid"}, {"symbols", true}}; },
         "spec.keys[1].generator.symbols: Forbidden"},
        {"DigitsOnHmac", [](json& s) { Generator(s, 1)["digits"] = false; },
         "spec.keys[1].generator.digits: Forbidden"},
        {"ExcludeCharactersOnBase64",
         [](json& s) { Generator(s, 1) = {{"type", "base64"}, {"excludeCharacters", "+/"}}; },
         "spec.keys[1].generator.excludeCharacters: Forbidden"},
        {"BytesOnPassword", [](json& s) { Generator(s)["bytes"] = 32; },
         "spec.keys[0].generator.bytes: Forbidden: applies only to generator type hex, base64 "
         "or hmac, not password"},
        {"EncodingOnFernet",
         [](json& s) { Generator(s, 1) = {{"type", "fernet"}, {"encoding", "hex"}}; },
         "spec.keys[1].generator.encoding: Forbidden"},
        {"SizeOnEcdsa",
         [](json& s) { Generator(s, 1) = {{"type", "ecdsa"}, {"size", 2048}}; },
         "spec.keys[1].generator.size: Forbidden: applies only to generator type rsa, not ecdsa"},
        {"LengthTooShort", [](json& s) { Generator(s)["length"] = 7; },
         "spec.keys[0].generator.length: Invalid value: 7: must be between 8 and 1024"},
        {"LengthTooLong", [](json& s) { Generator(s)["length"] = 1025; },
         "spec.keys[0].generator.length: Invalid value: 1025"},
        {"BytesTooFew", [](json& s) { Generator(s, 1)["bytes"] = 15; },
         "spec.keys[1].generator.bytes: Invalid value: 15: must be between 16 and 1024"},
        {"EncodingUnknown", [](json& s) { Generator(s, 1)["encoding"] = "base32"; },
         "spec.keys[1].generator.encoding: Unsupported value: \"base32\""},
        {"RsaSizeUnsupported",
         [](json& s) { Generator(s, 1) = {{"type", "rsa"}, {"size", 1024}}; },
         "spec.keys[1].generator.size: Invalid value: 1024: must be 2048, 3072 or 4096"},
        {"ExcludeEveryLetter",
         [](json& s) {
           Generator(s)["excludeCharacters"] = std::string(kPasswordLetters);
         },
         "spec.keys[0].generator.excludeCharacters: Invalid value: "},
        {"ExcludeEveryDigit", [](json& s) { Generator(s)["excludeCharacters"] = "0123456789"; },
         "spec.keys[0].generator.excludeCharacters: Invalid value: \"0123456789\": excludes all "
         "digits"},
        {"ExcludeEverySymbol",
         [](json& s) {
           Generator(s)["symbols"] = true;
           Generator(s)["excludeCharacters"] = std::string(kPasswordSymbols);
         },
         "spec.keys[0].generator.excludeCharacters: Invalid value: "},
        {"GracePeriodNotADuration", [](json& s) { s["gracePeriod"] = "a day"; },
         "spec.gracePeriod: Invalid value: \"a day\""},
        {"RestartTargetKindUnknown",
         [](json& s) { s["restartTargets"] = {{{"kind", "Pod"}, {"name", "api"}}}; },
         "spec.restartTargets[0].kind: Unsupported value: \"Pod\""},
        {"RestartTargetNameMissing",
         [](json& s) { s["restartTargets"] = {{{"kind", "Deployment"}}}; },
         "spec.restartTargets[0].name: Required value"},
        {"HealthGateNameMissing", [](json& s) { s["healthGateRef"] = json::object(); },
         "spec.healthGateRef.name: Required value"},
        {"PostgresHostMissing", [](json& s) { s["postgres"].erase("host"); },
         "spec.postgres.host: Required value"},
        {"PostgresRoleMissing", [](json& s) { s["postgres"].erase("role"); },
         "spec.postgres.role: Required value"},
        {"PostgresPasswordKeyMissing", [](json& s) { s["postgres"].erase("passwordKey"); },
         "spec.postgres.passwordKey: Required value"},
        {"PostgresPasswordKeyNotAKey", [](json& s) { s["postgres"]["passwordKey"] = "PG_PASS"; },
         "spec.postgres.passwordKey: Invalid value: \"PG_PASS\": must be the name of an entry in "
         "spec.keys"},
        {"PostgresPasswordKeyNotAPassword",
         [](json& s) { s["postgres"]["passwordKey"] = "JWT_SECRET"; },
         "spec.postgres.passwordKey: Invalid value: \"JWT_SECRET\": must name a key whose "
         "generator type is password, not hmac"},
        {"PostgresPortOutOfRange", [](json& s) { s["postgres"]["port"] = 70000; },
         "spec.postgres.port: Invalid value: 70000"},
        {"PostgresSslModeUnknown", [](json& s) { s["postgres"]["sslMode"] = "on"; },
         "spec.postgres.sslMode: Unsupported value: \"on\""},
        {"PostgresAdminSecretNameMissing",
         [](json& s) { s["postgres"]["adminSecretRef"] = {{"userKey", "u"}}; },
         "spec.postgres.adminSecretRef.name: Required value"},
    }),
    [](const ::testing::TestParamInfo<InvalidSpecCase>& info) { return info.param.name; });

TEST(SecretRotationTest, ParseListsEveryError) {
  json spec = MinimalSpec();
  spec.erase("secretName");
  spec["keys"][0]["generator"]["bytes"] = 32;
  auto sr = ParseSecretRotation(Object(spec));
  ASSERT_FALSE(sr.ok());
  EXPECT_EQ(sr.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(sr.status().message(), HasSubstr("spec.secretName: Required value"));
  EXPECT_THAT(sr.status().message(), HasSubstr("spec.keys[0].generator.bytes: Forbidden"));
}

TEST(SecretRotationTest, MissingSpecIsRequired) {
  json object = Object(MinimalSpec());
  object.erase("spec");
  auto sr = ParseSecretRotation(object);
  ASSERT_FALSE(sr.ok());
  EXPECT_THAT(sr.status().message(), HasSubstr("spec: Required value"));
}

json FullStatus() {
  return {{"version", 3},
          {"lastRotationTime", "2026-08-01T04:00:00Z"},
          {"nextRotationTime", "2026-10-30T04:00:00Z"},
          {"previousExpiresAt", "2026-08-02T04:00:00Z"},
          {"restarted", {{{"kind", "Deployment"}, {"name", "api"},
                          {"time", "2026-08-01T04:00:05Z"}}}},
          {"keys", {{{"name", "DB_PASSWORD"}, {"lastRotationTime", "2026-08-01T04:00:00Z"}},
                    {{"name", "SIGNING_KEY"}, {"lastRotationTime", "2026-01-15T10:00:00Z"}}}},
          {"observedGeneration", 2},
          {"conditions", {{{"type", "Ready"}, {"status", "True"}, {"reason", "Rotated"},
                           {"message", "version 3"}, {"observedGeneration", 2},
                           {"lastTransitionTime", "2026-08-01T04:00:10Z"}},
                          {{"type", "Rotating"}, {"status", "False"}, {"reason", "Idle"}}}}};
}

TEST(SecretRotationTest, StatusRoundTrips) {
  json object = Object(MinimalSpec());
  object["status"] = FullStatus();
  auto sr = ParseSecretRotation(object);
  ASSERT_TRUE(sr.ok()) << sr.status();
  EXPECT_EQ(sr->status.version, 3);
  EXPECT_EQ(sr->status.last_rotation_time,
            *controller::ParseRfc3339("2026-08-01T04:00:00Z"));
  ASSERT_EQ(sr->status.keys.size(), 2u);
  EXPECT_EQ(sr->status.keys[1].name, "SIGNING_KEY");
  ASSERT_EQ(sr->status.common.conditions.size(), 2u);
  EXPECT_EQ(sr->status.common.conditions[1].type, kConditionRotating);

  json written = SecretRotationStatusToJson(sr->status);
  EXPECT_EQ(written, FullStatus());
  object["status"] = written;
  auto again = ParseSecretRotation(object);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(SecretRotationStatusToJson(again->status), written);
}

TEST(SecretRotationTest, UnknownTimesStayAbsent) {
  EXPECT_EQ(SecretRotationStatusToJson(SecretRotationStatus{}), json::object());
  SecretRotationStatus status;
  status.restarted.push_back({"Deployment", "api", std::nullopt});
  EXPECT_EQ(SecretRotationStatusToJson(status),
            (json{{"restarted", {{{"kind", "Deployment"}, {"name", "api"}}}}}));
}

TEST(SecretRotationTest, BadStatusTimestampNamesTheField) {
  json object = Object(MinimalSpec());
  object["status"] = {{"keys", {{{"name", "A"}, {"lastRotationTime", "yesterday"}}}}};
  auto sr = ParseSecretRotation(object);
  ASSERT_FALSE(sr.ok());
  EXPECT_THAT(sr.status().message(),
              HasSubstr("status.keys[0].lastRotationTime: Invalid value: \"yesterday\""));
}

TEST(SecretRotationTest, SpecParserMatchesTheCrd) {
  json schema = Schema();
  auto drift = CompareParserWithSchema(schema["properties"]["spec"], "spec", [](FieldReader& r) {
    ParseSecretRotationSpec(r);
  });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(SecretRotationTest, StatusParserMatchesTheCrd) {
  json schema = Schema();
  auto drift = CompareParserWithSchema(schema["properties"]["status"], "status",
                                       [](FieldReader& r) { ParseSecretRotationStatus(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(SecretRotationTest, StatusWriterStaysInsideTheCrd) {
  json status_schema = Schema()["properties"]["status"];
  json sample = SampleFromSchema(status_schema);
  ParseReport report;
  SecretRotationStatus status;
  {
    FieldReader reader(&sample, "status", report);
    status = ParseSecretRotationStatus(reader);
  }
  EXPECT_THAT(PathsNotInSchema(SecretRotationStatusToJson(status), status_schema, "status"),
              ::testing::IsEmpty());
}

}  // namespace
}  // namespace upkeep::api::v1alpha1
