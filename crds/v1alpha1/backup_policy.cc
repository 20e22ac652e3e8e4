#include "crds/v1alpha1/backup_policy.h"

#include <cstdlib>
#include <filesystem>
#include <utility>

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/time/time.h>

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;

// ---- Small checks the schema states as patterns or ranges ------------------------------------
// The API server enforces these for stored objects; objects read from files have not been
// through it, so the parser checks them as well.

void CheckMinimum(FieldReader& r, std::string_view key, const std::optional<int64_t>& value,
                  int64_t minimum) {
  if (value && *value < minimum) {
    r.Invalid(key, *value, absl::StrCat("must be greater than or equal to ", minimum));
  }
}

int64_t ReadPort(FieldReader& r) {
  std::optional<int64_t> port = r.Integer("port");
  if (port && (*port < 1 || *port > 65535)) {
    r.Invalid("port", *port, "must be between 1 and 65535, inclusive");
    return 5432;
  }
  return port.value_or(5432);
}

std::optional<std::string> ReadAbsolutePath(FieldReader& r, std::string_view key) {
  std::optional<std::string> path = r.String(key, Need::kRequired);
  if (path && !absl::StartsWith(*path, "/")) {
    r.Invalid(key, *path, "must be an absolute path (start with \"/\")");
    return std::nullopt;
  }
  return path;
}

// Optional {name, key}: nullopt when absent.
std::optional<SecretKeySelector> ReadOptionalSecretKey(FieldReader& r, std::string_view key) {
  FieldReader ref = r.Object(key);
  SecretKeySelector selector = ParseSecretKeySelector(ref);
  if (!ref.present()) return std::nullopt;
  return selector;
}

std::optional<Schedule> ReadSchedule(FieldReader& r, std::string_view key, Need need) {
  std::optional<std::string> text = r.String(key, need);
  if (!text) return std::nullopt;
  absl::StatusOr<Schedule> schedule = ParseSchedule(*text);
  if (!schedule.ok()) {
    r.Invalid(key, *text, std::string(schedule.status().message()));
    return std::nullopt;
  }
  return *std::move(schedule);
}

// ---- source ----------------------------------------------------------------------------------

FileSelection ReadFileSelection(FieldReader& r) {
  FileSelection files;
  if (r.Has("include")) {
    files.include = r.StringList("include");
    if (files.include.empty()) {
      r.Invalid("include", json::array(),
                "must list at least one pattern (\"**\" is every file); leave it out for all");
      files.include = {"**"};
    }
  } else {
    r.StringList("include");  // known, absent: the default applies
  }
  files.exclude = r.StringList("exclude");
  return files;
}

PostgresSource ReadPostgresSource(FieldReader& r) {
  PostgresSource pg;
  pg.host = r.String("host", Need::kRequired).value_or("");
  pg.port = ReadPort(r);
  pg.database = r.String("database", Need::kRequired).value_or("");
  pg.user = r.String("user", Need::kRequired).value_or("");
  pg.password_secret_ref = ReadOptionalSecretKey(r, "passwordSecretRef");
  pg.ssl_mode =
      r.Enum("sslMode", {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"})
          .value_or("prefer");
  if (r.Enum("format", {"custom", "plain"}).value_or("custom") == "plain") {
    pg.format = PostgresDumpFormat::kPlain;
  }
  return pg;
}

VolumeSource ReadVolumeSource(FieldReader& r) {
  VolumeSource v;
  v.claim_name = r.String("claimName", Need::kRequired).value_or("");
  v.path = r.String("path").value_or("/");
  v.files = ReadFileSelection(r);
  return v;
}

LocalSource ReadLocalSource(FieldReader& r) {
  LocalSource l;
  l.path = ReadAbsolutePath(r, "path").value_or("");
  l.files = ReadFileSelection(r);
  return l;
}

BackupSource ReadSource(FieldReader& r) {
  // Every branch is read, present or not, so that each one's problems are reported and the
  // drift check sees every field.
  FieldReader postgres_reader = r.Object("postgres");
  PostgresSource postgres = ReadPostgresSource(postgres_reader);
  FieldReader volume_reader = r.Object("volume");
  VolumeSource volume = ReadVolumeSource(volume_reader);
  FieldReader local_reader = r.Object("local");
  LocalSource local = ReadLocalSource(local_reader);
  std::optional<std::string> one = r.ExactlyOneOf({"postgres", "volume", "local"});
  if (one == "volume") return volume;
  if (one == "local") return local;
  return postgres;
}

// ---- destination -----------------------------------------------------------------------------

// "s3.example.com:9000/x" -> "s3.example.com"; "[::1]:9000" -> "::1". Lower case.
std::string HostOfUrl(std::string_view authority_and_path) {
  std::string_view rest = authority_and_path;
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (size_t at = rest.rfind('@'); at != std::string_view::npos) rest.remove_prefix(at + 1);
  if (rest.starts_with('[')) {
    size_t close = rest.find(']');
    rest = rest.substr(1, close == std::string_view::npos ? rest.npos : close - 1);
  } else {
    rest = rest.substr(0, rest.find(':'));
  }
  return absl::AsciiStrToLower(std::string(rest));
}

void CheckS3Endpoint(FieldReader& r, const std::string& endpoint) {
  std::string lower = absl::AsciiStrToLower(endpoint);
  bool https = lower.starts_with("https://");
  bool http = lower.starts_with("http://");
  std::string host = HostOfUrl(std::string_view(endpoint).substr(https ? 8 : http ? 7 : 0));
  if ((!https && !http) || host.empty()) {
    r.Invalid("endpoint", endpoint, "must be a URL such as \"https://s3.example.com\"");
    return;
  }
  // Backups are encrypted, but credentials and object names are not: plain http only where
  // the traffic never leaves the machine.
  if (http && host != "127.0.0.1" && host != "localhost" && host != "::1") {
    r.Invalid("endpoint", endpoint,
              "must use https; plain http is allowed only for 127.0.0.1 or localhost");
  }
}

S3Destination ReadS3Destination(FieldReader& r) {
  S3Destination s3;
  if (auto endpoint = r.String("endpoint", Need::kRequired)) {
    CheckS3Endpoint(r, *endpoint);
    s3.endpoint = *endpoint;
  }
  s3.bucket = r.String("bucket", Need::kRequired).value_or("");
  s3.prefix = r.String("prefix").value_or("");
  s3.region = r.String("region").value_or("us-east-1");
  FieldReader credentials = r.Object("credentialsSecretRef", Need::kRequired);
  s3.credentials_secret_ref = ParseLocalObjectReference(credentials);
  s3.ca_bundle = ParseCaBundle(r);
  s3.force_path_style = r.Bool("forcePathStyle").value_or(true);
  return s3;
}

BackupDestination ReadDestination(FieldReader& r) {
  FieldReader volume_reader = r.Object("volume");
  VolumeDestination volume;
  volume.claim_name = volume_reader.String("claimName", Need::kRequired).value_or("");
  volume.path = volume_reader.String("path").value_or("/");
  FieldReader local_reader = r.Object("local");
  LocalDestination local{ReadAbsolutePath(local_reader, "path").value_or("")};
  FieldReader s3_reader = r.Object("s3");
  S3Destination s3 = ReadS3Destination(s3_reader);
  std::optional<std::string> one = r.ExactlyOneOf({"volume", "local", "s3"});
  if (one == "local") return local;
  if (one == "s3") return s3;
  return volume;
}

// Whether `inner` is `outer` or a folder below it, lexically.
bool IsInside(const std::string& inner, const std::string& outer) {
  namespace fs = std::filesystem;
  std::string a = fs::path(inner).lexically_normal().string();
  std::string b = fs::path(outer).lexically_normal().string();
  while (a.size() > 1 && a.back() == '/') a.pop_back();
  while (b.size() > 1 && b.back() == '/') b.pop_back();
  return a == b || b == "/" || absl::StartsWith(a, b + "/");
}

// ---- retention, verify, executor, history ----------------------------------------------------

RetentionPolicy ReadRetention(FieldReader& r) {
  RetentionPolicy p;
  auto keep = [&](const char* key, int64_t& out) {
    std::optional<int64_t> n = r.Integer(key);
    CheckMinimum(r, key, n, 0);
    if (n && *n >= 0) out = *n;
  };
  keep("keepLast", p.keep_last);
  keep("keepHourly", p.keep_hourly);
  keep("keepDaily", p.keep_daily);
  keep("keepWeekly", p.keep_weekly);
  keep("keepMonthly", p.keep_monthly);
  keep("keepYearly", p.keep_yearly);
  p.max_age = r.Duration("maxAge");
  return p;
}

bool IsScratchDatabasePrefix(std::string_view name) {
  // The CRD's pattern ^[a-z_][a-z0-9_]*$ and maxLength 40: an unquoted PostgreSQL name that
  // still fits 63 bytes with "_<run id>" appended.
  if (name.empty() || name.size() > 40) return false;
  if (!absl::ascii_islower(static_cast<unsigned char>(name.front())) && name.front() != '_') {
    return false;
  }
  for (char c : name) {
    if (!absl::ascii_islower(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '_') {
      return false;
    }
  }
  return true;
}

ScratchPostgres ReadScratchPostgres(FieldReader& r) {
  ScratchPostgres pg;
  pg.host = r.String("host", Need::kRequired).value_or("");
  pg.port = ReadPort(r);
  pg.user = r.String("user", Need::kRequired).value_or("");
  pg.password_secret_ref = ReadOptionalSecretKey(r, "passwordSecretRef");
  if (auto prefix = r.String("database")) {
    if (IsScratchDatabasePrefix(*prefix)) {
      pg.database_prefix = *prefix;
    } else {
      r.Invalid("database", *prefix,
                "must be at most 40 lower-case letters, digits and underscores, not starting "
                "with a digit");
    }
  }
  return pg;
}

VerifySpec ReadVerify(FieldReader& r) {
  VerifySpec v;
  r.AtMostOneOf({"every", "schedule"});
  std::optional<int64_t> every = r.Integer("every");
  CheckMinimum(r, "every", every, 1);
  v.schedule = ReadSchedule(r, "schedule", Need::kOptional);
  if (!r.Has("schedule")) v.every = every && *every >= 1 ? *every : 1;
  FieldReader postgres = r.Object("postgres");
  ScratchPostgres scratch = ReadScratchPostgres(postgres);
  if (postgres.present()) v.postgres = std::move(scratch);
  r.ObjectList("checks", [&](FieldReader& item) {
    VerifyCheck check;
    check.sql = item.String("sql", Need::kRequired).value_or("");
    if (auto expect = item.String("expect", Need::kRequired)) {
      check.expect = *expect;
      absl::StatusOr<CheckExpectation> parsed = ParseCheckExpectation(*expect);
      if (parsed.ok()) {
        check.expectation = *std::move(parsed);
      } else {
        item.Invalid("expect", *expect, std::string(parsed.status().message()));
      }
    }
    v.checks.push_back(std::move(check));
  });
  return v;
}

// What a restore test needs depends on what was backed up.
void CheckVerifyFitsSource(FieldReader& verify, const VerifySpec& v, const BackupSource& source) {
  bool database = std::holds_alternative<PostgresSource>(source);
  if (database && !v.postgres) {
    verify.Required("postgres", "a postgres backup is restored into a scratch database");
  }
  if (!database && v.postgres) {
    verify.Forbidden("postgres",
                     "the source is files, which are restored into a scratch folder and compared "
                     "with the manifest's checksums");
  }
  if (!database && !v.checks.empty()) {
    verify.Forbidden("checks", "checks run SQL on a restored database; the source is files");
  }
}

HistoryLimit ReadHistoryLimit(FieldReader& r) {
  HistoryLimit h;
  std::optional<int64_t> successful = r.Integer("successful");
  CheckMinimum(r, "successful", successful, 0);
  if (successful && *successful >= 0) h.successful = *successful;
  std::optional<int64_t> failed = r.Integer("failed");
  CheckMinimum(r, "failed", failed, 0);
  if (failed && *failed >= 0) h.failed = *failed;
  return h;
}

// ---- expect ----------------------------------------------------------------------------------

// A plain decimal number: -?digits(.digits)?([eE][+-]?digits)?
bool IsDecimalNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && absl::ascii_isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && absl::ascii_isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  return s;
}

std::optional<double> AsNumber(std::string_view s) {
  s = TrimSpaces(s);
  if (!IsDecimalNumber(s)) return std::nullopt;
  return std::strtod(std::string(s).c_str(), nullptr);
}

}  // namespace

// ---- public ----------------------------------------------------------------------------------

RetentionPolicy DefaultRetentionPolicy() {
  RetentionPolicy p;
  p.keep_daily = 30;
  return p;
}

absl::StatusOr<CheckExpectation> ParseCheckExpectation(std::string_view text) {
  using Op = CheckExpectation::Operator;
  constexpr char kForm[] =
      "must be an operator (==, =, !=, <>, <, <=, >, >=) then a number or 'quoted text', e.g. "
      "\"> 0\", \"== 42\" or \"= 'ok'\"";
  std::string_view rest = TrimSpaces(text);
  static constexpr std::pair<std::string_view, Op> kOperators[] = {
      {"==", Op::kEqual},       {"!=", Op::kNotEqual},       {"<>", Op::kNotEqual},
      {"<=", Op::kLessOrEqual}, {">=", Op::kGreaterOrEqual}, {"=", Op::kEqual},
      {"<", Op::kLess},         {">", Op::kGreater},
  };
  CheckExpectation e;
  bool found = false;
  for (const auto& [spelling, op] : kOperators) {
    if (rest.starts_with(spelling)) {
      e.op = op;
      rest.remove_prefix(spelling.size());
      found = true;
      break;
    }
  }
  if (!found) return absl::InvalidArgumentError(kForm);
  rest = TrimSpaces(rest);
  if (rest.empty()) return absl::InvalidArgumentError(kForm);
  if (rest.front() == '\'') {
    // SQL's quoting: '' inside the quotes is one quote.
    std::string operand;
    size_t i = 1;
    bool closed = false;
    while (i < rest.size()) {
      if (rest[i] == '\'') {
        if (i + 1 < rest.size() && rest[i + 1] == '\'') {
          operand += '\'';
          i += 2;
          continue;
        }
        closed = true;
        ++i;
        break;
      }
      operand += rest[i++];
    }
    if (!closed || i != rest.size()) return absl::InvalidArgumentError(kForm);
    if (e.op != Op::kEqual && e.op != Op::kNotEqual) {
      return absl::InvalidArgumentError("<, <=, > and >= compare numbers; use a number operand");
    }
    e.operand = std::move(operand);
    e.operand_is_number = false;
    return e;
  }
  if (!IsDecimalNumber(rest)) return absl::InvalidArgumentError(kForm);
  e.operand = std::string(rest);
  e.operand_is_number = true;
  return e;
}

bool CheckExpectation::IsMetBy(std::string_view value) const {
  if (!operand_is_number) {
    bool equal = value == operand;
    return op == Operator::kEqual ? equal : op == Operator::kNotEqual && !equal;
  }
  std::optional<double> got = AsNumber(value);
  std::optional<double> want = AsNumber(operand);
  if (!got || !want) return op == Operator::kNotEqual;
  switch (op) {
    case Operator::kEqual:
      return *got == *want;
    case Operator::kNotEqual:
      return *got != *want;
    case Operator::kLess:
      return *got < *want;
    case Operator::kLessOrEqual:
      return *got <= *want;
    case Operator::kGreater:
      return *got > *want;
    case Operator::kGreaterOrEqual:
      return *got >= *want;
  }
  return false;
}

BackupPolicySpec ParseBackupPolicySpec(FieldReader& r) {
  BackupPolicySpec spec;
  if (auto schedule = ReadSchedule(r, "schedule", Need::kRequired)) spec.schedule = *schedule;
  spec.time_zone = r.TimeZone("timeZone").value_or("UTC");
  spec.suspend = r.Bool("suspend").value_or(false);
  if (r.Enum("concurrencyPolicy", {"Forbid", "Replace"}).value_or("Forbid") == "Replace") {
    spec.concurrency_policy = ConcurrencyPolicy::kReplace;
  }
  std::optional<int64_t> deadline = r.Integer("startingDeadlineSeconds");
  CheckMinimum(r, "startingDeadlineSeconds", deadline, 0);
  if (deadline && *deadline >= 0) spec.starting_deadline = std::chrono::seconds(*deadline);

  FieldReader source = r.Object("source", Need::kRequired);
  spec.source = ReadSource(source);
  FieldReader destination = r.Object("destination", Need::kRequired);
  spec.destination = ReadDestination(destination);
  const auto* local_source = std::get_if<LocalSource>(&spec.source);
  const auto* local_destination = std::get_if<LocalDestination>(&spec.destination);
  if (local_source != nullptr && local_destination != nullptr && !local_source->path.empty() &&
      !local_destination->path.empty() && IsInside(local_destination->path, local_source->path)) {
    // Each backup would contain the ones before it.
    r.Invalid("destination.local.path", local_destination->path,
              absl::StrCat("must not be inside source.local.path (\"", local_source->path,
                           "\"): each backup would contain the backups before it"));
  }

  std::string compression = r.Enum("compression", {"zstd", "gzip", "none"}).value_or("zstd");
  spec.compression = compression == "gzip"   ? Compression::kGzip
                     : compression == "none" ? Compression::kNone
                                             : Compression::kZstd;

  FieldReader encryption = r.Object("encryption", Need::kRequired);
  FieldReader key = encryption.Object("keySecretRef", Need::kRequired);
  spec.encryption.key_secret_ref = ParseSecretKeySelector(key);

  FieldReader retention = r.Object("retention");
  RetentionPolicy rules = ReadRetention(retention);
  spec.retention = retention.present() ? rules : DefaultRetentionPolicy();

  FieldReader verify = r.Object("verify");
  VerifySpec tests = ReadVerify(verify);
  if (verify.present()) {
    if (source.present()) CheckVerifyFitsSource(verify, tests, spec.source);
    spec.verify = std::move(tests);
  }

  FieldReader executor = r.Object("executor");
  spec.executor = ParseExecutorSpec(executor);

  FieldReader history = r.Object("historyLimit");
  spec.history_limit = ReadHistoryLimit(history);
  return spec;
}

BackupPolicyStatus ParseBackupPolicyStatus(FieldReader& r) {
  BackupPolicyStatus s;
  s.last_schedule_time = r.Timestamp("lastScheduleTime");
  s.next_schedule_time = r.Timestamp("nextScheduleTime");
  s.last_successful_time = r.Timestamp("lastSuccessfulTime");
  s.last_failure_time = r.Timestamp("lastFailureTime");
  s.last_verified_time = r.Timestamp("lastVerifiedTime");
  s.missed_runs = r.Integer("missedRuns").value_or(0);
  FieldReader active = r.Object("active");
  ActiveBackupRun run{active.String("runID").value_or(""), active.Timestamp("startTime")};
  if (active.present()) s.active = std::move(run);
  r.ObjectList("backups", [&](FieldReader& item) {
    BackupRecord b;
    b.id = item.String("id").value_or("");
    b.completion_time = item.Timestamp("completionTime");
    b.size_bytes = item.Integer("sizeBytes").value_or(0);
    b.sha256 = item.String("sha256").value_or("");
    b.location = item.String("location").value_or("");
    b.encrypted = item.Bool("encrypted").value_or(false);
    b.verified = item.Bool("verified").value_or(false);
    s.backups.push_back(std::move(b));
  });
  r.ObjectList("history", [&](FieldReader& item) {
    BackupRunRecord h;
    h.run_id = item.String("runID").value_or("");
    h.start_time = item.Timestamp("startTime");
    h.completion_time = item.Timestamp("completionTime");
    if (item.Enum("result", {"Succeeded", "Failed"}).value_or("Succeeded") == "Failed") {
      h.result = RunResult::kFailed;
    }
    h.message = item.String("message").value_or("");
    s.history.push_back(std::move(h));
  });
  s.common = ParseCommonStatus(r);
  return s;
}

json BackupPolicyStatusToJson(const BackupPolicyStatus& s) {
  json out = json::object();
  WriteTimestamp(out, "lastScheduleTime", s.last_schedule_time);
  WriteTimestamp(out, "nextScheduleTime", s.next_schedule_time);
  WriteTimestamp(out, "lastSuccessfulTime", s.last_successful_time);
  WriteTimestamp(out, "lastFailureTime", s.last_failure_time);
  WriteTimestamp(out, "lastVerifiedTime", s.last_verified_time);
  if (s.missed_runs != 0) out["missedRuns"] = s.missed_runs;
  if (s.active) {
    json active = {{"runID", s.active->run_id}};
    WriteTimestamp(active, "startTime", s.active->start_time);
    out["active"] = std::move(active);
  }
  if (!s.backups.empty()) {
    json& list = out["backups"] = json::array();
    for (const BackupRecord& b : s.backups) {
      json item = {{"id", b.id}};
      WriteTimestamp(item, "completionTime", b.completion_time);
      item["sizeBytes"] = b.size_bytes;
      if (!b.sha256.empty()) item["sha256"] = b.sha256;
      if (!b.location.empty()) item["location"] = b.location;
      item["encrypted"] = b.encrypted;
      item["verified"] = b.verified;
      list.push_back(std::move(item));
    }
  }
  if (!s.history.empty()) {
    json& list = out["history"] = json::array();
    for (const BackupRunRecord& h : s.history) {
      json item = {{"runID", h.run_id}};
      WriteTimestamp(item, "startTime", h.start_time);
      WriteTimestamp(item, "completionTime", h.completion_time);
      item["result"] = h.result == RunResult::kFailed ? "Failed" : "Succeeded";
      if (!h.message.empty()) item["message"] = h.message;
      list.push_back(std::move(item));
    }
  }
  WriteCommonStatus(s.common, out);
  return out;
}

absl::StatusOr<BackupPolicy> ParseBackupPolicy(const json& object) {
  return ParseResource(object, &ParseBackupPolicySpec, &ParseBackupPolicyStatus);
}

}  // namespace upkeep::api::v1alpha1
