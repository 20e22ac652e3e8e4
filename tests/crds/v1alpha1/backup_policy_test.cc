#include "crds/v1alpha1/backup_policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <set>
#include <string>
#include <variant>
#include <vector>

#include "controller/manifests/manifests.h"
#include "controller/object/kube_time.h"
#include "tests/crds/support/schema_drift.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using testing::CompareParserWithSchema;
using ::testing::HasSubstr;
using testing::LoadCrdSchema;
using testing::PathsNotInSchema;
using testing::SampleFromSchema;
using testing::SourcePath;

constexpr char kCrdFile[] = "crds/upkeep.dev_backuppolicies.yaml";

json Schema() { return LoadCrdSchema(SourcePath(kCrdFile)); }

std::string Errors(const ParseReport& report) { return report.ToStatus().ToString(); }

// A valid spec with a postgres source, an s3 destination and restore tests; the rows of the
// invalid-spec table below break one thing each.
json ValidSpec() {
  return json::parse(R"json({
    "schedule": "0 3 * * *",
    "timeZone": "Europe/Amsterdam",
    "source": {"postgres": {"host": "app-db", "database": "app", "user": "backup",
                            "passwordSecretRef": {"name": "db-backup", "key": "password"}}},
    "destination": {"s3": {"endpoint": "https://s3.example.com", "bucket": "backups",
                           "prefix": "app/", "credentialsSecretRef": {"name": "s3-creds"}}},
    "encryption": {"keySecretRef": {"name": "backup-key", "key": "key"}},
    "retention": {"keepDaily": 30, "keepWeekly": 8, "maxAge": "400d"},
    "verify": {"every": 7,
               "postgres": {"host": "scratch-db", "user": "postgres"},
               "checks": [{"sql": "select count(*) from users", "expect": "> 0"}]}
  })json");
}

// The same policy backing up a host folder to a host folder.
json ValidLocalSpec() {
  return json::parse(R"json({
    "schedule": "@every 1h",
    "source": {"local": {"path": "/srv/app/uploads"}},
    "destination": {"local": {"path": "/var/backups/upkeep"}},
    "encryption": {"keySecretRef": {"name": "backup-key", "key": "key"}}
  })json");
}

BackupPolicySpec ParseSpec(const json& spec, ParseReport& report) {
  FieldReader reader(&spec, "spec", report);
  return ParseBackupPolicySpec(reader);
}

BackupPolicyStatus ParseStatus(const json& status, ParseReport& report) {
  FieldReader reader(&status, "status", report);
  return ParseBackupPolicyStatus(reader);
}

std::chrono::system_clock::time_point At(const char* rfc3339) {
  return *controller::ParseRfc3339(rfc3339);
}

std::vector<json> BackupPoliciesIn(const std::string& relative) {
  absl::StatusOr<std::vector<json>> docs = controller::ReadManifests(SourcePath(relative));
  EXPECT_TRUE(docs.ok()) << docs.status();
  std::vector<json> policies;
  if (!docs.ok()) return policies;
  for (const json& doc : *docs) {
    if (doc.value("kind", "") == "BackupPolicy") policies.push_back(doc);
  }
  return policies;
}

// ---- examples --------------------------------------------------------------------------------

TEST(BackupPolicyExamplesTest, EveryExampleParsesWithoutErrorsOrUnknownFields) {
  for (const char* file :
       {"examples/dev/20-backuppolicy.yaml", "examples/production/backuppolicy.yaml"}) {
    std::vector<json> policies = BackupPoliciesIn(file);
    EXPECT_FALSE(policies.empty()) << file << " has no BackupPolicy";
    for (const json& policy : policies) {
      absl::StatusOr<BackupPolicy> parsed = ParseBackupPolicy(policy);
      EXPECT_TRUE(parsed.ok()) << file << ": " << parsed.status();
      ParseReport report;
      FieldReader reader(&policy["spec"], "spec", report);
      ParseBackupPolicySpec(reader);
      EXPECT_THAT(report.unknown_fields, ::testing::IsEmpty()) << file;
    }
  }
}

TEST(BackupPolicyExamplesTest, DevPolicyBacksUpALocalFolderInlineWithTheDevKey) {
  std::vector<json> policies = BackupPoliciesIn("examples/dev/20-backuppolicy.yaml");
  ASSERT_EQ(policies.size(), 1u);
  absl::StatusOr<BackupPolicy> policy = ParseBackupPolicy(policies[0]);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const BackupPolicySpec& spec = policy->spec;
  EXPECT_TRUE(spec.schedule.is_interval);
  EXPECT_EQ(spec.schedule.interval, std::chrono::hours(1));
  ASSERT_TRUE(std::holds_alternative<LocalSource>(spec.source));
  EXPECT_TRUE(std::get<LocalSource>(spec.source).path.starts_with("/tmp/upkeep-dev/"));
  ASSERT_TRUE(std::holds_alternative<LocalDestination>(spec.destination));
  EXPECT_EQ(std::get<LocalDestination>(spec.destination).path, "/tmp/upkeep-dev/backups");
  // The Secret the dev SecretRotation (05-secretrotation.yaml) generates.
  EXPECT_EQ(spec.encryption.key_secret_ref.name, "backup-key");
  EXPECT_EQ(spec.encryption.key_secret_ref.key, "key");
  EXPECT_EQ(spec.executor.mode, ExecutorSpec::Mode::kInline);
  ASSERT_TRUE(spec.verify.has_value());
  EXPECT_FALSE(spec.verify->postgres.has_value());
}

TEST(BackupPolicyExamplesTest, ProductionPolicyBacksUpAppDbNightlyAndVerifiesWeekly) {
  std::vector<json> policies = BackupPoliciesIn("examples/production/backuppolicy.yaml");
  ASSERT_EQ(policies.size(), 1u);
  EXPECT_FALSE(policies[0]["metadata"].contains("namespace"));
  absl::StatusOr<BackupPolicy> policy = ParseBackupPolicy(policies[0]);
  ASSERT_TRUE(policy.ok()) << policy.status();
  const BackupPolicySpec& spec = policy->spec;
  EXPECT_EQ(spec.schedule.text, "0 3 * * *");
  EXPECT_EQ(spec.time_zone, "Europe/Amsterdam");
  ASSERT_TRUE(std::holds_alternative<PostgresSource>(spec.source));
  const auto& pg = std::get<PostgresSource>(spec.source);
  EXPECT_EQ(pg.host, "app-db");
  EXPECT_EQ(pg.database, "app");
  EXPECT_EQ(pg.user, "backup");
  ASSERT_TRUE(std::holds_alternative<VolumeDestination>(spec.destination));
  EXPECT_EQ(std::get<VolumeDestination>(spec.destination).claim_name, "backups");
  EXPECT_EQ(spec.retention.keep_daily, 30);
  EXPECT_EQ(spec.retention.keep_weekly, 8);
  EXPECT_EQ(spec.retention.keep_monthly, 12);
  ASSERT_TRUE(spec.verify.has_value());
  EXPECT_EQ(spec.verify->every, 7);
  ASSERT_TRUE(spec.verify->postgres.has_value());
  ASSERT_EQ(spec.verify->checks.size(), 1u);
  EXPECT_TRUE(spec.verify->checks[0].expectation.IsMetBy("12"));
  EXPECT_EQ(spec.executor.mode, ExecutorSpec::Mode::kJob);
}

// ---- defaults --------------------------------------------------------------------------------

TEST(BackupPolicySpecTest, AppliesTheSchemaDefaults) {
  json spec = json::parse(R"json({
    "schedule": "@daily",
    "source": {"volume": {"claimName": "media"}},
    "destination": {"s3": {"endpoint": "https://s3.example.com", "bucket": "b",
                           "credentialsSecretRef": {"name": "s3"}}},
    "encryption": {"keySecretRef": {"name": "backup-key", "key": "key"}}
  })json");
  ParseReport report;
  BackupPolicySpec parsed = ParseSpec(spec, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(parsed.time_zone, "UTC");
  EXPECT_FALSE(parsed.suspend);
  EXPECT_EQ(parsed.concurrency_policy, ConcurrencyPolicy::kForbid);
  EXPECT_FALSE(parsed.starting_deadline.has_value());
  const auto& volume = std::get<VolumeSource>(parsed.source);
  EXPECT_EQ(volume.path, "/");
  EXPECT_EQ(volume.files.include, std::vector<std::string>{"**"});
  EXPECT_TRUE(volume.files.exclude.empty());
  const auto& s3 = std::get<S3Destination>(parsed.destination);
  EXPECT_EQ(s3.region, "us-east-1");
  EXPECT_TRUE(s3.force_path_style);
  EXPECT_EQ(s3.prefix, "");
  EXPECT_EQ(parsed.compression, Compression::kZstd);
  // No retention at all: 30 daily backups.
  EXPECT_EQ(parsed.retention.keep_daily, 30);
  EXPECT_EQ(parsed.retention.keep_last, 0);
  EXPECT_FALSE(parsed.retention.max_age.has_value());
  EXPECT_FALSE(parsed.verify.has_value());
  EXPECT_EQ(parsed.executor.mode, ExecutorSpec::Mode::kDefault);
  EXPECT_EQ(parsed.history_limit.successful, 10);
  EXPECT_EQ(parsed.history_limit.failed, 3);
}

TEST(BackupPolicySpecTest, AppliesPostgresAndVerifyDefaults) {
  json spec = ValidSpec();
  spec["verify"].erase("every");
  ParseReport report;
  BackupPolicySpec parsed = ParseSpec(spec, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  const auto& pg = std::get<PostgresSource>(parsed.source);
  EXPECT_EQ(pg.port, 5432);
  EXPECT_EQ(pg.ssl_mode, "prefer");
  EXPECT_EQ(pg.format, PostgresDumpFormat::kCustom);
  EXPECT_FALSE(pg.AllDatabases());
  // Neither every nor schedule: after every backup.
  EXPECT_EQ(parsed.verify->every, 1);
  EXPECT_FALSE(parsed.verify->schedule.has_value());
  EXPECT_EQ(parsed.verify->postgres->port, 5432);
  EXPECT_EQ(parsed.verify->postgres->database_prefix, "upkeep_verify");
  EXPECT_FALSE(parsed.verify->postgres->password_secret_ref.has_value());
}

TEST(BackupPolicySpecTest, EmptyRetentionKeepsEveryBackup) {
  json spec = ValidSpec();
  spec["retention"] = json::object();
  ParseReport report;
  BackupPolicySpec parsed = ParseSpec(spec, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(parsed.retention.keep_daily, 0);
  EXPECT_FALSE(parsed.retention.max_age.has_value());
}

TEST(BackupPolicySpecTest, VerifyOnAScheduleHasNoEvery) {
  json spec = ValidSpec();
  spec["verify"].erase("every");
  spec["verify"]["schedule"] = "0 5 1 * *";
  ParseReport report;
  BackupPolicySpec parsed = ParseSpec(spec, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  ASSERT_TRUE(parsed.verify->schedule.has_value());
  EXPECT_EQ(parsed.verify->schedule->text, "0 5 1 * *");
  EXPECT_FALSE(parsed.verify->every.has_value());
}

// The same defaults, read from the CRD, so the schema and the code cannot drift apart.
TEST(BackupPolicySpecTest, DefaultsMatchTheCrd) {
  json spec = Schema()["properties"]["spec"]["properties"];
  BackupPolicySpec defaults;
  PostgresSource pg;
  VolumeSource volume;
  LocalSource local;
  VolumeDestination volume_destination;
  S3Destination s3;
  ScratchPostgres scratch;
  json source = spec["source"]["properties"];
  json destination = spec["destination"]["properties"];
  EXPECT_EQ(spec["timeZone"]["default"], defaults.time_zone);
  EXPECT_EQ(spec["suspend"]["default"], defaults.suspend);
  EXPECT_EQ(spec["concurrencyPolicy"]["default"], "Forbid");
  EXPECT_EQ(spec["compression"]["default"], "zstd");
  EXPECT_EQ(source["postgres"]["properties"]["port"]["default"], pg.port);
  EXPECT_EQ(source["postgres"]["properties"]["sslMode"]["default"], pg.ssl_mode);
  EXPECT_EQ(source["postgres"]["properties"]["format"]["default"], "custom");
  EXPECT_EQ(source["volume"]["properties"]["path"]["default"], volume.path);
  EXPECT_EQ(source["volume"]["properties"]["include"]["default"], json(volume.files.include));
  EXPECT_EQ(source["local"]["properties"]["include"]["default"], json(local.files.include));
  EXPECT_EQ(destination["volume"]["properties"]["path"]["default"], volume_destination.path);
  EXPECT_EQ(destination["s3"]["properties"]["region"]["default"], s3.region);
  EXPECT_EQ(destination["s3"]["properties"]["forcePathStyle"]["default"], s3.force_path_style);
  EXPECT_EQ(spec["retention"]["default"], json({{"keepDaily", defaults.retention.keep_daily}}));
  json verify_pg = spec["verify"]["properties"]["postgres"]["properties"];
  EXPECT_EQ(verify_pg["port"]["default"], scratch.port);
  EXPECT_EQ(verify_pg["database"]["default"], scratch.database_prefix);
  EXPECT_EQ(spec["executor"]["properties"]["backoffLimit"]["default"], 1);
  EXPECT_EQ(spec["executor"]["properties"]["activeDeadlineSeconds"]["default"], 3600);
  EXPECT_EQ(spec["historyLimit"]["properties"]["successful"]["default"],
            defaults.history_limit.successful);
  EXPECT_EQ(spec["historyLimit"]["properties"]["failed"]["default"], defaults.history_limit.failed);
}

TEST(BackupPolicySpecTest, ValidSpecsHaveNoErrorsOrUnknownFields) {
  for (const json& spec : {ValidSpec(), ValidLocalSpec()}) {
    ParseReport report;
    ParseSpec(spec, report);
    EXPECT_TRUE(report.ok()) << Errors(report);
    EXPECT_THAT(report.unknown_fields, ::testing::IsEmpty());
  }
}

TEST(BackupPolicySpecTest, ReadsEveryFieldAsWritten) {
  json spec = json::parse(R"json({
    "schedule": "30 2 * * 1-5", "timeZone": "America/New_York", "suspend": true,
    "concurrencyPolicy": "Replace", "startingDeadlineSeconds": 600,
    "source": {"postgres": {"host": "db", "port": 6432, "database": "*", "user": "u",
                            "sslMode": "verify-full", "format": "plain"}},
    "destination": {"s3": {"endpoint": "http://127.0.0.1:9000", "bucket": "b", "prefix": "p/",
                           "region": "eu-west-1", "credentialsSecretRef": {"name": "s3"},
                           "caBundle": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END ...",
                           "forcePathStyle": false}},
    "compression": "gzip",
    "encryption": {"keySecretRef": {"name": "k", "key": "aes"}},
    "retention": {"keepLast": 1, "keepHourly": 2, "keepDaily": 3, "keepWeekly": 4,
                  "keepMonthly": 5, "keepYearly": 6, "maxAge": "90d"},
    "verify": {"schedule": "@weekly",
               "postgres": {"host": "scratch", "port": 5433, "user": "postgres",
                            "passwordSecretRef": {"name": "scratch", "key": "password"},
                            "database": "restore_test"},
               "checks": [{"sql": "select status from health", "expect": "= 'ok'"}]},
    "executor": {"mode": "Job", "image": "upkeep:1", "serviceAccountName": "backup",
                 "backoffLimit": 0, "activeDeadlineSeconds": 7200,
                 "resources": {"limits": {"memory": "1Gi", "cpu": 2}}},
    "historyLimit": {"successful": 0, "failed": 1}
  })json");
  ParseReport report;
  BackupPolicySpec p = ParseSpec(spec, report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(p.time_zone, "America/New_York");
  EXPECT_TRUE(p.suspend);
  EXPECT_EQ(p.concurrency_policy, ConcurrencyPolicy::kReplace);
  EXPECT_EQ(p.starting_deadline, std::chrono::seconds(600));
  const auto& pg = std::get<PostgresSource>(p.source);
  EXPECT_EQ(pg.port, 6432);
  EXPECT_TRUE(pg.AllDatabases());
  EXPECT_EQ(pg.ssl_mode, "verify-full");
  EXPECT_EQ(pg.format, PostgresDumpFormat::kPlain);
  const auto& s3 = std::get<S3Destination>(p.destination);
  EXPECT_EQ(s3.endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(s3.prefix, "p/");
  EXPECT_EQ(s3.region, "eu-west-1");
  EXPECT_EQ(s3.credentials_secret_ref.name, "s3");
  EXPECT_FALSE(s3.force_path_style);
  EXPECT_EQ(p.compression, Compression::kGzip);
  EXPECT_EQ(p.encryption.key_secret_ref.key, "aes");
  EXPECT_EQ(p.retention.keep_last, 1);
  EXPECT_EQ(p.retention.keep_yearly, 6);
  EXPECT_EQ(p.retention.max_age, std::chrono::hours(90 * 24));
  EXPECT_EQ(p.verify->postgres->database_prefix, "restore_test");
  EXPECT_EQ(p.verify->postgres->password_secret_ref->name, "scratch");
  EXPECT_EQ(p.verify->checks[0].expectation.operand, "ok");
  EXPECT_EQ(p.executor.backoff_limit, 0);
  EXPECT_EQ(p.executor.resources["limits"]["cpu"], 2);
  EXPECT_EQ(p.history_limit.successful, 0);
  EXPECT_EQ(p.history_limit.failed, 1);
}

TEST(BackupPolicySpecTest, PlainHttpIsAllowedOnlyOnThisMachine) {
  for (const char* endpoint : {"http://127.0.0.1:9000", "http://localhost:9000/",
                               "HTTP://LOCALHOST", "http://[::1]:9000"}) {
    json spec = ValidSpec();
    spec["destination"]["s3"]["endpoint"] = endpoint;
    ParseReport report;
    ParseSpec(spec, report);
    EXPECT_TRUE(report.ok()) << endpoint << ": " << Errors(report);
  }
}

// ---- invalid specs ---------------------------------------------------------------------------

struct InvalidSpecCase {
  std::string name;
  std::function<void(json&)> break_spec;
  std::string field;   // the exact path of the error
  std::string detail;  // a substring of its detail
  bool local = false;  // start from ValidLocalSpec() instead of ValidSpec()
};

class InvalidSpecTest : public ::testing::TestWithParam<InvalidSpecCase> {};

TEST_P(InvalidSpecTest, ReportsTheFieldPath) {
  json spec = GetParam().local ? ValidLocalSpec() : ValidSpec();
  GetParam().break_spec(spec);
  ParseReport report;
  ParseSpec(spec, report);
  bool found = false;
  for (const FieldError& e : report.errors) {
    found = found ||
            (e.field == GetParam().field && e.detail.find(GetParam().detail) != std::string::npos);
  }
  EXPECT_TRUE(found) << "want " << GetParam().field << ": ..." << GetParam().detail << "...; got "
                     << Errors(report);
}

json& Postgres(json& s) { return s["source"]["postgres"]; }
json& S3(json& s) { return s["destination"]["s3"]; }
json& Verify(json& s) { return s["verify"]; }

INSTANTIATE_TEST_SUITE_P(
    BackupPolicySpecTest, InvalidSpecTest,
    ::testing::ValuesIn(std::vector<InvalidSpecCase>{
        // Rules the schema states too (objects from files have not been through it).
        {"ScheduleMissing", [](json& s) { s.erase("schedule"); }, "spec.schedule",
         "Required value"},
        {"ScheduleNotASchedule", [](json& s) { s["schedule"] = "every night"; }, "spec.schedule",
         "Invalid value"},
        {"TimeZoneNotAName", [](json& s) { s["timeZone"] = "Europe Amsterdam"; }, "spec.timeZone",
         "IANA time zone name"},
        {"SuspendNotBoolean", [](json& s) { s["suspend"] = "yes"; }, "spec.suspend",
         "must be of type boolean"},
        {"ConcurrencyPolicyAllow", [](json& s) { s["concurrencyPolicy"] = "Allow"; },
         "spec.concurrencyPolicy", "Unsupported value: \"Allow\""},
        {"StartingDeadlineNegative", [](json& s) { s["startingDeadlineSeconds"] = -1; },
         "spec.startingDeadlineSeconds", "greater than or equal to 0"},
        {"SourceMissing", [](json& s) { s.erase("source"); }, "spec.source", "Required value"},
        {"SourceEmpty", [](json& s) { s["source"] = json::object(); }, "spec.source",
         "exactly one of postgres, volume, local"},
        {"SourceTwoKinds",
         [](json& s) { s["source"]["local"] = {{"path", "/srv"}}; }, "spec.source",
         "only one of postgres, volume, local"},
        {"PostgresHostMissing", [](json& s) { Postgres(s).erase("host"); },
         "spec.source.postgres.host", "Required value"},
        {"PostgresDatabaseMissing", [](json& s) { Postgres(s).erase("database"); },
         "spec.source.postgres.database", "Required value"},
        {"PostgresUserMissing", [](json& s) { Postgres(s).erase("user"); },
         "spec.source.postgres.user", "Required value"},
        {"PostgresPortTooHigh", [](json& s) { Postgres(s)["port"] = 70000; },
         "spec.source.postgres.port", "between 1 and 65535"},
        {"PostgresPortZero", [](json& s) { Postgres(s)["port"] = 0; }, "spec.source.postgres.port",
         "between 1 and 65535"},
        {"PostgresSslModeUnknown", [](json& s) { Postgres(s)["sslMode"] = "on"; },
         "spec.source.postgres.sslMode", "Unsupported value"},
        {"PostgresFormatUnknown", [](json& s) { Postgres(s)["format"] = "tar"; },
         "spec.source.postgres.format", "Unsupported value"},
        {"PostgresPasswordKeyMissing",
         [](json& s) { Postgres(s)["passwordSecretRef"].erase("key"); },
         "spec.source.postgres.passwordSecretRef.key", "Required value"},
        {"VolumeClaimMissing",
         [](json& s) { s["source"] = {{"volume", {{"path", "/"}}}}; },
         "spec.source.volume.claimName", "Required value"},
        {"VolumeIncludeEmpty",
         [](json& s) {
           s["source"] = {{"volume", {{"claimName", "media"}, {"include", json::array()}}}};
         },
         "spec.source.volume.include", "at least one pattern"},
        {"LocalSourcePathMissing", [](json& s) { s["source"]["local"].erase("path"); },
         "spec.source.local.path", "Required value", true},
        {"LocalSourcePathRelative", [](json& s) { s["source"]["local"]["path"] = "srv/app"; },
         "spec.source.local.path", "absolute path", true},
        {"DestinationMissing", [](json& s) { s.erase("destination"); }, "spec.destination",
         "Required value"},
        {"DestinationEmpty", [](json& s) { s["destination"] = json::object(); },
         "spec.destination", "exactly one of volume, local, s3"},
        {"DestinationTwoKinds",
         [](json& s) { s["destination"]["volume"] = {{"claimName", "backups"}}; },
         "spec.destination", "only one of volume, local, s3"},
        {"DestinationVolumeClaimMissing",
         [](json& s) { s["destination"] = {{"volume", {{"path", "/app"}}}}; },
         "spec.destination.volume.claimName", "Required value"},
        {"DestinationLocalPathRelative",
         [](json& s) { s["destination"]["local"]["path"] = "backups"; },
         "spec.destination.local.path", "absolute path", true},
        {"S3EndpointMissing", [](json& s) { S3(s).erase("endpoint"); },
         "spec.destination.s3.endpoint", "Required value"},
        {"S3EndpointNotAUrl", [](json& s) { S3(s)["endpoint"] = "s3.example.com"; },
         "spec.destination.s3.endpoint", "must be a URL"},
        {"S3BucketMissing", [](json& s) { S3(s).erase("bucket"); }, "spec.destination.s3.bucket",
         "Required value"},
        {"S3CredentialsMissing", [](json& s) { S3(s).erase("credentialsSecretRef"); },
         "spec.destination.s3.credentialsSecretRef", "Required value"},
        {"S3CredentialsNameMissing",
         [](json& s) { S3(s)["credentialsSecretRef"] = json::object(); },
         "spec.destination.s3.credentialsSecretRef.name", "Required value"},
        {"S3ForcePathStyleNotBoolean", [](json& s) { S3(s)["forcePathStyle"] = "yes"; },
         "spec.destination.s3.forcePathStyle", "must be of type boolean"},
        {"CompressionUnknown", [](json& s) { s["compression"] = "xz"; }, "spec.compression",
         "Unsupported value"},
        {"EncryptionMissing", [](json& s) { s.erase("encryption"); }, "spec.encryption",
         "Required value"},
        {"EncryptionKeyRefMissing", [](json& s) { s["encryption"] = json::object(); },
         "spec.encryption.keySecretRef", "Required value"},
        {"EncryptionKeyNameMissing", [](json& s) { s["encryption"]["keySecretRef"].erase("name"); },
         "spec.encryption.keySecretRef.name", "Required value"},
        {"EncryptionKeyKeyMissing", [](json& s) { s["encryption"]["keySecretRef"].erase("key"); },
         "spec.encryption.keySecretRef.key", "Required value"},
        {"KeepLastNegative", [](json& s) { s["retention"]["keepLast"] = -1; },
         "spec.retention.keepLast", "greater than or equal to 0"},
        {"KeepHourlyNegative", [](json& s) { s["retention"]["keepHourly"] = -1; },
         "spec.retention.keepHourly", "greater than or equal to 0"},
        {"KeepDailyNegative", [](json& s) { s["retention"]["keepDaily"] = -1; },
         "spec.retention.keepDaily", "greater than or equal to 0"},
        {"KeepWeeklyNegative", [](json& s) { s["retention"]["keepWeekly"] = -1; },
         "spec.retention.keepWeekly", "greater than or equal to 0"},
        {"KeepMonthlyNegative", [](json& s) { s["retention"]["keepMonthly"] = -1; },
         "spec.retention.keepMonthly", "greater than or equal to 0"},
        {"KeepYearlyNegative", [](json& s) { s["retention"]["keepYearly"] = -1; },
         "spec.retention.keepYearly", "greater than or equal to 0"},
        {"MaxAgeNotADuration", [](json& s) { s["retention"]["maxAge"] = "a year"; },
         "spec.retention.maxAge", "must be a duration"},
        {"VerifyEveryZero", [](json& s) { Verify(s)["every"] = 0; }, "spec.verify.every",
         "greater than or equal to 1"},
        {"VerifyEveryAndSchedule", [](json& s) { Verify(s)["schedule"] = "0 5 1 * *"; },
         "spec.verify", "only one of every, schedule"},
        {"VerifyScheduleNotASchedule",
         [](json& s) {
           Verify(s).erase("every");
           Verify(s)["schedule"] = "monthly";
         },
         "spec.verify.schedule", "Invalid value"},
        {"VerifyPostgresHostMissing", [](json& s) { Verify(s)["postgres"].erase("host"); },
         "spec.verify.postgres.host", "Required value"},
        {"VerifyPostgresUserMissing", [](json& s) { Verify(s)["postgres"].erase("user"); },
         "spec.verify.postgres.user", "Required value"},
        {"VerifyPostgresPortTooHigh", [](json& s) { Verify(s)["postgres"]["port"] = 65536; },
         "spec.verify.postgres.port", "between 1 and 65535"},
        {"VerifyDatabasePrefixNotAName",
         [](json& s) { Verify(s)["postgres"]["database"] = "Verify-DB"; },
         "spec.verify.postgres.database", "lower-case letters"},
        {"VerifyDatabasePrefixTooLong",
         [](json& s) { Verify(s)["postgres"]["database"] = std::string(41, 'a'); },
         "spec.verify.postgres.database", "at most 40"},
        {"CheckSqlMissing", [](json& s) { Verify(s)["checks"][0].erase("sql"); },
         "spec.verify.checks[0].sql", "Required value"},
        {"CheckExpectMissing", [](json& s) { Verify(s)["checks"][0].erase("expect"); },
         "spec.verify.checks[0].expect", "Required value"},
        {"ExecutorModeUnknown", [](json& s) { s["executor"] = {{"mode", "Pod"}}; },
         "spec.executor.mode", "Unsupported value"},
        {"ExecutorBackoffLimitNegative", [](json& s) { s["executor"] = {{"backoffLimit", -1}}; },
         "spec.executor.backoffLimit", "greater than or equal to 0"},
        {"ExecutorDeadlineZero", [](json& s) { s["executor"] = {{"activeDeadlineSeconds", 0}}; },
         "spec.executor.activeDeadlineSeconds", "greater than 0"},
        {"ExecutorLimitNotAQuantity",
         [](json& s) { s["executor"] = {{"resources", {{"limits", {{"memory", true}}}}}}; },
         "spec.executor.resources.limits[memory]", "must be a quantity"},
        {"HistorySuccessfulNegative", [](json& s) { s["historyLimit"] = {{"successful", -1}}; },
         "spec.historyLimit.successful", "greater than or equal to 0"},
        {"HistoryFailedNegative", [](json& s) { s["historyLimit"] = {{"failed", -1}}; },
         "spec.historyLimit.failed", "greater than or equal to 0"},

        // Rules only the C++ parser checks.
        {"ScheduleMinuteOutOfRange", [](json& s) { s["schedule"] = "61 3 * * *"; },
         "spec.schedule", "out of range"},
        {"TimeZoneUnknown", [](json& s) { s["timeZone"] = "Mars/Olympus_Mons"; }, "spec.timeZone",
         "must be an IANA time zone name"},
        {"S3EndpointPlainHttpElsewhere",
         [](json& s) { S3(s)["endpoint"] = "http://s3.example.com"; },
         "spec.destination.s3.endpoint", "must use https"},
        {"S3EndpointPlainHttpToLookalikeHost",
         [](json& s) { S3(s)["endpoint"] = "http://localhost.example.com:9000"; },
         "spec.destination.s3.endpoint", "must use https"},
        {"S3CaBundleNotPem", [](json& s) { S3(s)["caBundle"] = "MIIBkTCB+wIJAK..."; },
         "spec.destination.s3.caBundle", "BEGIN CERTIFICATE"},
        {"LocalDestinationInsideSource",
         [](json& s) { s["destination"]["local"]["path"] = "/srv/app/uploads/backups"; },
         "spec.destination.local.path", "must not be inside source.local.path", true},
        {"LocalDestinationIsSource",
         [](json& s) { s["destination"]["local"]["path"] = "/srv/app/uploads/"; },
         "spec.destination.local.path", "must not be inside source.local.path", true},
        {"VerifyScheduleOutOfRange",
         [](json& s) {
           Verify(s).erase("every");
           Verify(s)["schedule"] = "0 25 * * *";
         },
         "spec.verify.schedule", "out of range"},
        {"VerifyPostgresSourceWithoutScratchDatabase",
         [](json& s) { Verify(s).erase("postgres"); }, "spec.verify.postgres",
         "restored into a scratch database"},
        {"VerifyScratchDatabaseForFiles",
         [](json& s) { s["verify"] = {{"postgres", {{"host", "db"}, {"user", "postgres"}}}}; },
         "spec.verify.postgres", "Forbidden", true},
        {"VerifySqlChecksForFiles",
         [](json& s) {
           s["verify"] = json::parse(R"({"checks": [{"sql": "select 1", "expect": "= 1"}]})");
         },
         "spec.verify.checks", "Forbidden", true},
        {"CheckExpectWithoutOperator", [](json& s) { Verify(s)["checks"][0]["expect"] = "42"; },
         "spec.verify.checks[0].expect", "must be an operator"},
        {"CheckExpectUnquotedText", [](json& s) { Verify(s)["checks"][0]["expect"] = "= ok"; },
         "spec.verify.checks[0].expect", "'quoted text'"},
        {"CheckExpectOrderingOnText",
         [](json& s) { Verify(s)["checks"][0]["expect"] = "> 'a'"; },
         "spec.verify.checks[0].expect", "compare numbers"},
        {"CheckExpectUnclosedQuote",
         [](json& s) { Verify(s)["checks"][0]["expect"] = "= 'ok"; },
         "spec.verify.checks[0].expect", "must be an operator"},
    }),
    [](const ::testing::TestParamInfo<InvalidSpecCase>& info) { return info.param.name; });

// ---- expect ----------------------------------------------------------------------------------

struct ExpectationCase {
  std::string name;
  std::string expect;
  CheckExpectation::Operator op;
  std::string operand;
  bool operand_is_number;
};

class CheckExpectationTest : public ::testing::TestWithParam<ExpectationCase> {};

TEST_P(CheckExpectationTest, ParsesOperatorAndOperand) {
  absl::StatusOr<CheckExpectation> e = ParseCheckExpectation(GetParam().expect);
  ASSERT_TRUE(e.ok()) << e.status();
  EXPECT_EQ(e->op, GetParam().op);
  EXPECT_EQ(e->operand, GetParam().operand);
  EXPECT_EQ(e->operand_is_number, GetParam().operand_is_number);
}

using Op = CheckExpectation::Operator;

INSTANTIATE_TEST_SUITE_P(BackupPolicySpecTest, CheckExpectationTest,
                         ::testing::ValuesIn(std::vector<ExpectationCase>{
                             {"GreaterThanZero", "> 0", Op::kGreater, "0", true},
                             {"DoubleEquals", "== 42", Op::kEqual, "42", true},
                             {"SingleEqualsText", "= 'ok'", Op::kEqual, "ok", false},
                             {"NotEqualsSqlStyle", "<> 'failed'", Op::kNotEqual, "failed", false},
                             {"NotEquals", "!= 0", Op::kNotEqual, "0", true},
                             {"AtMostDecimal", "<= 0.5", Op::kLessOrEqual, "0.5", true},
                             {"AtLeastNegative", ">= -1", Op::kGreaterOrEqual, "-1", true},
                             {"LessWithExponent", "<1e6", Op::kLess, "1e6", true},
                             {"SpacesAround", "  ==   7  ", Op::kEqual, "7", true},
                             {"DoubledQuoteIsOneQuote", "= 'it''s'", Op::kEqual, "it's", false},
                             {"EmptyText", "= ''", Op::kEqual, "", false},
                         }),
                         [](const ::testing::TestParamInfo<ExpectationCase>& info) {
                           return info.param.name;
                         });

TEST(CheckExpectationTest, RejectsWhatIsNotOperatorThenOperand) {
  for (const char* bad :
       {"", "42", "> ", "=> 1", "== ok", "= 'ok' extra", "> 'a'", "= 0x10", "= 1.", "~ 'x'"}) {
    EXPECT_FALSE(ParseCheckExpectation(bad).ok()) << bad;
  }
}

TEST(CheckExpectationTest, ComparesNumbersNumericallyAndTextExactly) {
  auto met = [](const char* expect, const char* value) {
    return ParseCheckExpectation(expect)->IsMetBy(value);
  };
  EXPECT_TRUE(met("> 0", "12"));
  EXPECT_FALSE(met("> 0", "0"));
  EXPECT_TRUE(met("== 42", "42.0"));
  EXPECT_TRUE(met("<= 0.5", "0.25"));
  EXPECT_TRUE(met(">= -1", "-1"));
  EXPECT_TRUE(met("= 'ok'", "ok"));
  EXPECT_FALSE(met("= 'ok'", "OK"));
  EXPECT_TRUE(met("<> 'failed'", "ok"));
  // A result that is not a number meets no numeric comparison but "not equal".
  EXPECT_FALSE(met("> 0", "many"));
  EXPECT_FALSE(met("== 0", ""));
  EXPECT_TRUE(met("!= 0", "none"));
}

// ---- status ----------------------------------------------------------------------------------

json FullStatus() {
  return json::parse(R"json({
    "lastRunNow": "restore-drill-1",
    "lastScheduleTime": "2026-11-30T02:00:00Z",
    "nextScheduleTime": "2026-12-01T02:00:00Z",
    "lastSuccessfulTime": "2026-11-30T02:04:31Z",
    "lastFailureTime": "2026-11-28T02:00:09Z",
    "lastVerifiedTime": "2026-11-29T02:10:00Z",
    "missedRuns": 2,
    "active": {"runID": "20261130T020000Z", "startTime": "2026-11-30T02:00:00Z"},
    "backups": [
      {"id": "20261130T020000Z", "completionTime": "2026-11-30T02:04:31Z",
       "sizeBytes": 1048576,
       "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
       "location": "s3://backups/app/20261130T020000Z.dump.zst.enc",
       "encrypted": true, "verified": false},
      {"id": "20261129T020000Z", "completionTime": "2026-11-29T02:04:02Z", "sizeBytes": 1040000,
       "encrypted": true, "verified": true}
    ],
    "history": [
      {"runID": "20261130T020000Z", "startTime": "2026-11-30T02:00:00Z",
       "completionTime": "2026-11-30T02:04:31Z", "result": "Succeeded"},
      {"runID": "20261128T020000Z", "startTime": "2026-11-28T02:00:00Z",
       "completionTime": "2026-11-28T02:00:09Z", "result": "Failed",
       "message": "pg_dump: connection to server at \"app-db\" failed"}
    ],
    "observedGeneration": 3,
    "conditions": [
      {"type": "Ready", "status": "True", "reason": "BackupSucceeded",
       "lastTransitionTime": "2026-11-29T02:04:02Z", "observedGeneration": 3},
      {"type": "LastBackupSucceeded", "status": "True", "reason": "BackupSucceeded",
       "message": "20261130T020000Z: 1.0 MiB", "lastTransitionTime": "2026-11-29T02:04:02Z"},
      {"type": "Verified", "status": "True", "reason": "RestoreTestPassed",
       "lastTransitionTime": "2026-11-29T02:10:00Z"}
    ]
  })json");
}

TEST(BackupPolicyStatusTest, ReadsEveryField) {
  ParseReport report;
  BackupPolicyStatus s = ParseStatus(FullStatus(), report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  EXPECT_EQ(s.last_successful_time, At("2026-11-30T02:04:31Z"));
  EXPECT_EQ(s.next_schedule_time, At("2026-12-01T02:00:00Z"));
  EXPECT_EQ(s.missed_runs, 2);
  ASSERT_TRUE(s.active.has_value());
  EXPECT_EQ(s.active->run_id, "20261130T020000Z");
  ASSERT_EQ(s.backups.size(), 2u);
  EXPECT_EQ(s.backups[0].size_bytes, 1048576);
  EXPECT_TRUE(s.backups[0].encrypted);
  EXPECT_TRUE(s.backups[1].verified);
  ASSERT_EQ(s.history.size(), 2u);
  EXPECT_EQ(s.history[1].result, RunResult::kFailed);
  EXPECT_EQ(s.common.observed_generation, 3);
  EXPECT_EQ(s.common.last_run_now, "restore-drill-1");
  ASSERT_EQ(s.common.conditions.size(), 3u);
  EXPECT_EQ(s.common.conditions[2].type, kConditionVerified);
  EXPECT_EQ(s.common.conditions[1].type, kConditionLastBackupSucceeded);
}

TEST(BackupPolicyStatusTest, RoundTripsThroughJson) {
  ParseReport report;
  BackupPolicyStatus parsed = ParseStatus(FullStatus(), report);
  ASSERT_TRUE(report.ok()) << Errors(report);
  json written = BackupPolicyStatusToJson(parsed);
  EXPECT_EQ(written, FullStatus());
  ParseReport again;
  EXPECT_EQ(BackupPolicyStatusToJson(ParseStatus(written, again)), written);
  EXPECT_TRUE(again.ok()) << Errors(again);
}

TEST(BackupPolicyStatusTest, EmptyStatusWritesNothing) {
  // API.md: a timestamp that is not known yet is absent, never 0.
  EXPECT_EQ(BackupPolicyStatusToJson(BackupPolicyStatus{}), json::object());
  ParseReport report;
  BackupPolicyStatus s = ParseStatus(json::object(), report);
  EXPECT_TRUE(report.ok());
  EXPECT_FALSE(s.last_successful_time.has_value());
  EXPECT_FALSE(s.active.has_value());
}

TEST(BackupPolicyStatusTest, ReportsMalformedTimestampsAndResults) {
  json status = FullStatus();
  status["lastSuccessfulTime"] = "yesterday";
  status["history"][0]["result"] = "Partial";
  ParseReport report;
  ParseStatus(status, report);
  EXPECT_THAT(Errors(report), HasSubstr("status.lastSuccessfulTime: Invalid value"));
  EXPECT_THAT(Errors(report), HasSubstr("status.history[0].result: Unsupported value"));
}

// ---- whole objects ---------------------------------------------------------------------------

TEST(ParseBackupPolicyTest, ReadsMetadataSpecAndStatus) {
  json object = {{"apiVersion", "upkeep.dev/v1alpha1"},
                 {"kind", "BackupPolicy"},
                 {"metadata", {{"name", "app-db"}, {"namespace", "app"}, {"generation", 3}}},
                 {"spec", ValidSpec()},
                 {"status", FullStatus()}};
  absl::StatusOr<BackupPolicy> policy = ParseBackupPolicy(object);
  ASSERT_TRUE(policy.ok()) << policy.status();
  EXPECT_EQ(policy->metadata.name, "app-db");
  EXPECT_EQ(policy->metadata.namespace_, "app");
  EXPECT_EQ(policy->metadata.generation, 3);
  EXPECT_EQ(policy->spec.schedule.text, "0 3 * * *");
  EXPECT_EQ(policy->status.missed_runs, 2);
}

TEST(ParseBackupPolicyTest, ListsEveryFieldError) {
  json spec = ValidSpec();
  spec.erase("schedule");
  spec["timeZone"] = "Mars/Olympus_Mons";
  spec["destination"]["s3"]["endpoint"] = "http://s3.example.com";
  json object = {{"apiVersion", "upkeep.dev/v1alpha1"},
                 {"kind", "BackupPolicy"},
                 {"metadata", {{"name", "broken"}}},
                 {"spec", spec}};
  absl::StatusOr<BackupPolicy> policy = ParseBackupPolicy(object);
  ASSERT_FALSE(policy.ok());
  EXPECT_EQ(policy.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(policy.status().message(), HasSubstr("spec.schedule: Required value"));
  EXPECT_THAT(policy.status().message(), HasSubstr("spec.timeZone: Invalid value"));
  EXPECT_THAT(policy.status().message(), HasSubstr("spec.destination.s3.endpoint: Invalid value"));
}

TEST(ParseBackupPolicyTest, RequiresASpec) {
  absl::StatusOr<BackupPolicy> policy = ParseBackupPolicy({{"metadata", {{"name", "x"}}}});
  ASSERT_FALSE(policy.ok());
  EXPECT_THAT(policy.status().message(), HasSubstr("spec: Required value"));
}

// ---- drift -----------------------------------------------------------------------------------

TEST(BackupPolicyDriftTest, SpecParserReadsExactlyTheCrdsFields) {
  json schema = Schema();
  testing::DriftReport drift = CompareParserWithSchema(
      schema["properties"]["spec"], "spec", [](FieldReader& r) { ParseBackupPolicySpec(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(BackupPolicyDriftTest, StatusParserReadsExactlyTheCrdsFields) {
  json schema = Schema();
  testing::DriftReport drift = CompareParserWithSchema(
      schema["properties"]["status"], "status", [](FieldReader& r) { ParseBackupPolicyStatus(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(BackupPolicyDriftTest, StatusWriterWritesOnlyFieldsTheCrdKeeps) {
  json status_schema = Schema()["properties"]["status"];
  json sample = SampleFromSchema(status_schema);
  ParseReport report;
  BackupPolicyStatus status = ParseStatus(sample, report);
  EXPECT_THAT(PathsNotInSchema(BackupPolicyStatusToJson(status), status_schema, "status"),
              ::testing::IsEmpty());
  // The sample's timestamps are placeholders; with real ones every field is written.
  EXPECT_THAT(PathsNotInSchema(BackupPolicyStatusToJson(ParseStatus(FullStatus(), report)),
                               status_schema, "status"),
              ::testing::IsEmpty());
}

TEST(BackupPolicyDriftTest, FullStatusUsesEveryStatusField) {
  json status_schema = Schema()["properties"]["status"];
  std::set<std::string> used;
  std::function<void(const json&, const std::string&)> walk = [&](const json& v,
                                                                  const std::string& path) {
    if (v.is_object()) {
      for (const auto& [k, child] : v.items()) {
        std::string p = path + "." + k;
        used.insert(p);
        walk(child, p);
      }
    } else if (v.is_array()) {
      for (const json& item : v) walk(item, path + "[]");
    }
  };
  walk(FullStatus(), "status");
  for (const std::string& path : testing::SchemaPaths(status_schema, "status")) {
    EXPECT_TRUE(used.count(path)) << path << " is missing from FullStatus()";
  }
}

}  // namespace
}  // namespace upkeep::api::v1alpha1
