// BackupPolicy (API.md "BackupPolicy"): the C++ form of upkeep.dev_backuppolicies.yaml.
// Scheduled, encrypted backups of a PostgreSQL database or a folder to a volume, a local
// folder or S3, pruned by retention rules and proven by restore tests.
//
// The parsers apply the CRD's defaults themselves (objects may come from files or older
// stored versions, not only from the API server) and check what the schema cannot: cron
// ranges, that the time zone exists, that an s3 endpoint is https, the syntax of a check's
// `expect`, and the rules between fields (verify needs a scratch database for a postgres
// source). Every problem is reported with its field path.
// Value types and pure functions; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "crds/fields/field_reader.h"
#include "crds/fields/schedule.h"
#include "crds/v1alpha1/common.h"

namespace upkeep::api::v1alpha1 {

// Condition types of a BackupPolicy besides Ready.
inline constexpr char kConditionLastBackupSucceeded[] = "LastBackupSucceeded";
inline constexpr char kConditionVerified[] = "Verified";

// What happens when a backup is due while the previous one still runs.
enum class ConcurrencyPolicy {
  kForbid,   // skip the new run and count it as missed
  kReplace,  // stop the running backup and start the new one
};

// pg_dump's output format.
enum class PostgresDumpFormat { kCustom, kPlain };

// source.postgres: a database dumped with pg_dump.
struct PostgresSource {
  std::string host;
  int64_t port = 5432;
  std::string database;  // "*" = every database on the server
  std::string user;
  std::optional<SecretKeySelector> password_secret_ref;  // unset: no password
  std::string ssl_mode = "prefer";                       // libpq's sslmode keyword, passed through
  PostgresDumpFormat format = PostgresDumpFormat::kCustom;

  bool AllDatabases() const { return database == "*"; }
};

// Which files of a folder a file backup takes: globs relative to the folder.
struct FileSelection {
  std::vector<std::string> include = {"**"};
  std::vector<std::string> exclude;
};

// source.volume: files on a PersistentVolumeClaim.
struct VolumeSource {
  std::string claim_name;
  std::string path = "/";
  FileSelection files;
};

// source.local: a folder on the host (single host, upkeep dev).
struct LocalSource {
  std::string path;  // absolute
  FileSelection files;
};

// Exactly one kind of source; which one is the alternative held.
using BackupSource = std::variant<PostgresSource, VolumeSource, LocalSource>;

// destination.volume
struct VolumeDestination {
  std::string claim_name;
  std::string path = "/";
};

// destination.local
struct LocalDestination {
  std::string path;  // absolute
};

// destination.s3; the credentials Secret holds accessKeyID and secretAccessKey.
struct S3Destination {
  std::string endpoint;  // https (http only for 127.0.0.1 / localhost)
  std::string bucket;
  std::string prefix;
  std::string region = "us-east-1";
  LocalObjectReference credentials_secret_ref;
  std::string ca_bundle;  // PEM; empty: the system's trusted CAs
  bool force_path_style = true;
};

// Secret keys of the S3 credentials Secret.
inline constexpr char kS3AccessKeyIdKey[] = "accessKeyID";
inline constexpr char kS3SecretAccessKeyKey[] = "secretAccessKey";

using BackupDestination = std::variant<VolumeDestination, LocalDestination, S3Destination>;

enum class Compression { kZstd, kGzip, kNone };

// AES-256-GCM with a 32-byte key read from a Secret.
struct BackupEncryption {
  SecretKeySelector key_secret_ref;
};
inline constexpr size_t kBackupKeyBytes = 32;

// Which backups survive pruning. A backup is kept when any keep rule selects it, unless it
// is older than max_age; the newest successful and newest verified backups are always kept.
// 0 means "no such rule"; with no rule and no max_age at all, every backup is kept.
struct RetentionPolicy {
  int64_t keep_last = 0;
  int64_t keep_hourly = 0;
  int64_t keep_daily = 0;
  int64_t keep_weekly = 0;
  int64_t keep_monthly = 0;
  int64_t keep_yearly = 0;
  std::optional<std::chrono::nanoseconds> max_age;
};
// What applies when spec.retention is absent: 30 daily backups.
RetentionPolicy DefaultRetentionPolicy();

// verify.postgres: the scratch server a postgres backup is restored into.
struct ScratchPostgres {
  std::string host;
  int64_t port = 5432;
  std::string user;
  std::optional<SecretKeySelector> password_secret_ref;
  // Prefix of the scratch database's name: <prefix>_<run id>.
  std::string database_prefix = "upkeep_verify";
};

// A check's `expect`: an operator and an operand, e.g. "> 0", "== 42", "= 'ok'".
struct CheckExpectation {
  enum class Operator { kEqual, kNotEqual, kLess, kLessOrEqual, kGreater, kGreaterOrEqual };
  Operator op = Operator::kEqual;
  // The operand: a number ("42", "-1.5") or the text between the quotes ('it''s' -> it's).
  std::string operand;
  bool operand_is_number = false;

  // Whether a query's result (as text, the way psql prints it) meets the expectation.
  // Numbers compare numerically; a result that is not a number never meets a numeric
  // ordering and equals a numeric operand only when its value is the same.
  bool IsMetBy(std::string_view value) const;
};
// Parses an `expect` string. InvalidArgument says what is wrong: a missing or unknown
// operator, an operand that is neither a number nor quoted text, or <, <=, >, >= with text.
absl::StatusOr<CheckExpectation> ParseCheckExpectation(std::string_view text);

struct VerifyCheck {
  std::string sql;
  std::string expect;  // as written, for messages
  CheckExpectation expectation;
};

// spec.verify: restore tests.
struct VerifySpec {
  // Verify after every `every`-th successful backup (1 when neither this nor schedule is
  // set); unset when `schedule` is.
  std::optional<int64_t> every;
  std::optional<Schedule> schedule;
  std::optional<ScratchPostgres> postgres;
  std::vector<VerifyCheck> checks;
};

struct HistoryLimit {
  int64_t successful = 10;
  int64_t failed = 3;
};

struct BackupPolicySpec {
  Schedule schedule;
  std::string time_zone = "UTC";
  bool suspend = false;
  ConcurrencyPolicy concurrency_policy = ConcurrencyPolicy::kForbid;
  std::optional<std::chrono::seconds> starting_deadline;  // unset: no deadline
  BackupSource source;
  BackupDestination destination;
  Compression compression = Compression::kZstd;
  BackupEncryption encryption;
  RetentionPolicy retention = DefaultRetentionPolicy();
  std::optional<VerifySpec> verify;  // unset: no restore tests
  ExecutorSpec executor;
  HistoryLimit history_limit;
};

// status.active
struct ActiveBackupRun {
  std::string run_id;
  std::optional<std::chrono::system_clock::time_point> start_time;
};

// One backup at the destination, as the last retention pass found it.
struct BackupRecord {
  std::string id;
  std::optional<std::chrono::system_clock::time_point> completion_time;
  int64_t size_bytes = 0;
  std::string sha256;
  std::string location;
  bool encrypted = false;
  bool verified = false;
};

enum class RunResult { kSucceeded, kFailed };

// One finished run.
struct BackupRunRecord {
  std::string run_id;
  std::optional<std::chrono::system_clock::time_point> start_time;
  std::optional<std::chrono::system_clock::time_point> completion_time;
  RunResult result = RunResult::kSucceeded;
  std::string message;
};

struct BackupPolicyStatus {
  std::optional<std::chrono::system_clock::time_point> last_schedule_time;
  std::optional<std::chrono::system_clock::time_point> next_schedule_time;
  std::optional<std::chrono::system_clock::time_point> last_successful_time;
  std::optional<std::chrono::system_clock::time_point> last_failure_time;
  std::optional<std::chrono::system_clock::time_point> last_verified_time;
  int64_t missed_runs = 0;
  std::optional<ActiveBackupRun> active;
  std::vector<BackupRecord> backups;     // newest first
  std::vector<BackupRunRecord> history;  // newest first
  CommonStatus common;                   // observedGeneration, conditions
};

using BackupPolicy = Resource<BackupPolicySpec, BackupPolicyStatus>;

// Reads spec (a reader at "spec"): every field, defaults applied, problems reported.
BackupPolicySpec ParseBackupPolicySpec(FieldReader& spec);
// Reads status (a reader at "status"); an absent status gives the empty status.
BackupPolicyStatus ParseBackupPolicyStatus(FieldReader& status);
// Status as the controller writes it: absent timestamps stay absent, 0 counts are left out.
nlohmann::json BackupPolicyStatusToJson(const BackupPolicyStatus& status);

// A whole BackupPolicy object. InvalidArgument lists every field error
// ("spec.schedule: Required value; spec.source: ...").
absl::StatusOr<BackupPolicy> ParseBackupPolicy(const nlohmann::json& object);

}  // namespace upkeep::api::v1alpha1
