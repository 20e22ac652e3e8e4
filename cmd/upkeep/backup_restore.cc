#include "cmd/upkeep/backup_restore.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <set>
#include <system_error>

#include "backup/restore_artifact.h"
#include "backup/tar_stream.h"

namespace upkeep::cmd {
namespace {

namespace fs = std::filesystem;
using backup::ArtifactRecord;
using backup::BackupManifest;

constexpr char kPostgresqlScheme[] = "postgresql://";
constexpr char kPostgresScheme[] = "postgres://";

size_t SchemeLength(const std::string& uri) {
  if (uri.rfind(kPostgresqlScheme, 0) == 0) return sizeof(kPostgresqlScheme) - 1;
  if (uri.rfind(kPostgresScheme, 0) == 0) return sizeof(kPostgresScheme) - 1;
  return 0;
}

// The URI with any password in it cut out, for messages.
std::string WithoutPassword(const std::string& uri) {
  // Any scheme: a mistyped one still carries the password.
  size_t scheme_end = uri.find("://");
  size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  size_t end = uri.find_first_of("/?", start);
  std::string authority = uri.substr(start, end == std::string::npos ? end : end - start);
  size_t at = authority.rfind('@');
  if (at == std::string::npos) return uri;
  size_t colon = authority.find(':');
  if (colon == std::string::npos || colon > at) return uri;
  return uri.substr(0, start + colon) + uri.substr(start + at);
}

std::optional<std::string> PercentDecode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    int value = 0;
    for (size_t k = 1; k <= 2; ++k) {
      if (i + k >= text.size()) return std::nullopt;
      char c = text[i + k];
      int digit = c >= '0' && c <= '9'   ? c - '0'
                  : c >= 'a' && c <= 'f' ? c - 'a' + 10
                  : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                         : -1;
      if (digit < 0) return std::nullopt;
      value = value * 16 + digit;
    }
    out += static_cast<char>(value);
    i += 2;
  }
  return out;
}

backup::DumpFormat FormatOf(const BackupManifest& manifest) {
  return manifest.postgres_format == "plain" ? backup::DumpFormat::kPlain
                                             : backup::DumpFormat::kCustom;
}

// Writes a decoded dump into a new file (0600, never over an existing one), synced at Finish.
class NewFileSink final : public backup::ByteSink {
 public:
  static absl::StatusOr<std::unique_ptr<NewFileSink>> Create(const fs::path& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0) return absl::ErrnoToStatus(errno, "creating " + path.string());
    return std::unique_ptr<NewFileSink>(new NewFileSink(path, fd));
  }
  ~NewFileSink() override {
    if (fd_ >= 0) ::close(fd_);
  }
  absl::Status Write(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return absl::ErrnoToStatus(errno, "writing " + path_.string());
      data.remove_prefix(static_cast<size_t>(n));
    }
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    if (::fsync(fd_) != 0) return absl::ErrnoToStatus(errno, "syncing " + path_.string());
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) return absl::ErrnoToStatus(errno, "closing " + path_.string());
    return absl::OkStatus();
  }

 private:
  NewFileSink(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  const fs::path path_;
  int fd_;
};

// Creates `dir` (0700) when missing; FailedPrecondition when it exists and is not an empty
// folder.
absl::Status PrepareEmptyDirectory(const std::string& dir) {
  std::error_code ec;
  fs::file_status st = fs::symlink_status(dir, ec);
  if (ec && ec != std::errc::no_such_file_or_directory) {
    return absl::ErrnoToStatus(ec.value(), "reading " + dir);
  }
  if (fs::exists(st)) {
    if (!fs::is_directory(st)) {
      return absl::FailedPreconditionError(dir +
                                           " exists and is not a folder; restore into an "
                                           "empty or new folder");
    }
    if (!fs::is_empty(dir, ec) || ec) {
      return absl::FailedPreconditionError(
          dir + " is not empty; restore into an empty or new folder so nothing is overwritten");
    }
    return absl::OkStatus();
  }
  fs::create_directories(fs::path(dir).parent_path(), ec);
  if (::mkdir(dir.c_str(), 0700) != 0) return absl::ErrnoToStatus(errno, "creating " + dir);
  return absl::OkStatus();
}

absl::Status Annotate(const absl::Status& status, const BackupManifest& manifest,
                      const ArtifactRecord& artifact) {
  return absl::Status(status.code(), "restoring " + artifact.name + " of backup " + manifest.id +
                                         ": " + std::string(status.message()));
}

}  // namespace

absl::StatusOr<backup::PostgresConnection> ParsePostgresTarget(const std::string& uri,
                                                               const std::string& env_password) {
  const std::string shown = WithoutPassword(uri);
  auto invalid = [&](const std::string& why) {
    return absl::InvalidArgumentError("--to \"" + shown + "\": " + why +
                                      " (expected postgresql://USER@HOST[:PORT]/DATABASE)");
  };
  size_t start = SchemeLength(uri);
  if (start == 0) return invalid("not a postgresql:// URI");
  size_t end = uri.find_first_of("/?", start);
  std::string authority = uri.substr(start, end == std::string::npos ? end : end - start);
  std::string path, query;
  if (end != std::string::npos) {
    size_t q = uri.find('?', end);
    path = uri.substr(end, q == std::string::npos ? q : q - end);
    if (q != std::string::npos) query = uri.substr(q + 1);
  }
  backup::PostgresConnection c;
  c.password = env_password;
  size_t at = authority.rfind('@');
  std::string hostport = authority;
  if (at != std::string::npos) {
    std::string userinfo = authority.substr(0, at);
    hostport = authority.substr(at + 1);
    size_t colon = userinfo.find(':');
    std::optional<std::string> user = PercentDecode(userinfo.substr(0, colon));
    if (!user) return invalid("the user is not percent-encoded correctly");
    c.user = *user;
    if (colon != std::string::npos) {
      std::optional<std::string> password = PercentDecode(userinfo.substr(colon + 1));
      if (!password) return invalid("the password is not percent-encoded correctly");
      c.password = *password;
    }
  }
  if (c.user.empty()) return invalid("no user");
  std::string port;
  if (!hostport.empty() && hostport[0] == '[') {
    size_t close = hostport.find(']');
    if (close == std::string::npos) return invalid("unterminated [address]");
    c.host = hostport.substr(1, close - 1);
    if (close + 1 < hostport.size()) {
      if (hostport[close + 1] != ':') return invalid("junk after [address]");
      port = hostport.substr(close + 2);
    }
  } else {
    size_t colon = hostport.rfind(':');
    c.host = hostport.substr(0, colon);
    if (colon != std::string::npos) port = hostport.substr(colon + 1);
  }
  if (c.host.empty()) return invalid("no host");
  if (!port.empty()) {
    int value = 0;
    if (!absl::SimpleAtoi(port, &value) || value < 1 || value > 65535) {
      return invalid("the port is not a number from 1 to 65535");
    }
    c.port = value;
  }
  if (path.size() > 1) {
    std::optional<std::string> database = PercentDecode(path.substr(1));
    if (!database) return invalid("the database is not percent-encoded correctly");
    c.database = *database;
  }
  if (!query.empty()) {
    for (absl::string_view param : absl::StrSplit(query, '&')) {
      std::pair<std::string, std::string> kv = absl::StrSplit(param, absl::MaxSplits('=', 1));
      if (kv.first == "sslmode") {
        c.ssl_mode = kv.second;
      } else {
        return invalid("unsupported parameter \"" + kv.first + "\" (only sslmode)");
      }
    }
  }
  return c;
}

std::string DescribeTarget(const backup::PostgresConnection& target) {
  std::string host =
      target.host.find(':') != std::string::npos ? "[" + target.host + "]" : target.host;
  return "postgresql://" + target.user + "@" + host + ":" + std::to_string(target.port) + "/" +
         target.database;
}

absl::StatusOr<BackupManifest> PickBackup(const std::vector<BackupManifest>& oldest_first,
                                          const std::string& id, const std::string& location) {
  if (oldest_first.empty()) return absl::NotFoundError("there are no backups in " + location);
  if (id.empty()) return oldest_first.back();
  for (const BackupManifest& m : oldest_first) {
    if (m.id == id) return m;
  }
  std::vector<std::string> newest;
  for (auto it = oldest_first.rbegin(); it != oldest_first.rend() && newest.size() < 3; ++it) {
    newest.push_back(it->id);
  }
  return absl::NotFoundError("there is no backup \"" + id + "\" in " + location + " (the newest: " +
                             absl::StrJoin(newest, ", ") + "; see upkeep backup list)");
}

absl::StatusOr<std::vector<PlannedRestore>> PlanDatabaseRestore(const BackupManifest& manifest,
                                                                const std::string& uri_database,
                                                                const std::string& database_flag) {
  if (manifest.source_kind != "postgres") {
    return absl::InvalidArgumentError("backup " + manifest.id + " is of a folder (" +
                                      manifest.source +
                                      "), not a database: restore it with --to-dir DIR");
  }
  if (manifest.artifacts.empty()) {
    return absl::InvalidArgumentError("backup " + manifest.id + " has no artifacts");
  }
  std::vector<std::string> databases;
  for (const ArtifactRecord& a : manifest.artifacts) databases.push_back(a.database);
  const ArtifactRecord* chosen = nullptr;
  if (!database_flag.empty()) {
    for (const ArtifactRecord& a : manifest.artifacts) {
      if (a.database == database_flag) chosen = &a;
    }
    if (chosen == nullptr) {
      return absl::NotFoundError("backup " + manifest.id + " holds no database \"" + database_flag +
                                 "\" (it holds " + absl::StrJoin(databases, ", ") + ")");
    }
  } else if (manifest.artifacts.size() == 1) {
    chosen = &manifest.artifacts[0];
  } else {
    return absl::InvalidArgumentError(
        "backup " + manifest.id + " holds " + std::to_string(databases.size()) + " databases (" +
        absl::StrJoin(databases, ", ") + "): pick the one to restore with --database NAME");
  }
  std::string into = !uri_database.empty() ? uri_database : database_flag;
  if (into.empty()) {
    return absl::InvalidArgumentError(
        "the --to URI names no database to restore into: add /DATABASE (it must exist)");
  }
  return std::vector<PlannedRestore>{{*chosen, into}};
}

absl::StatusOr<std::vector<PlannedRestore>> RestoreToDatabase(
    backup::ArtifactStore& store, const BackupManifest& manifest, const std::string& key,
    const backup::PostgresConnection& target, const std::string& database_flag) {
  absl::StatusOr<std::vector<PlannedRestore>> plan =
      PlanDatabaseRestore(manifest, target.database, database_flag);
  if (!plan.ok()) return plan.status();
  for (const PlannedRestore& step : *plan) {
    // The checksum first, before pg_restore connects and possibly creates anything.
    if (absl::Status st = backup::VerifyArtifactChecksum(store, manifest, step.artifact);
        !st.ok()) {
      return st;
    }
    backup::PostgresConnection connection = target;
    connection.database = step.into;
    absl::StatusOr<std::unique_ptr<backup::PostgresRestoreSink>> sink =
        backup::PostgresRestoreSink::Start(connection, FormatOf(manifest));
    if (!sink.ok()) return Annotate(sink.status(), manifest, step.artifact);
    absl::Status restored = backup::RestoreArtifact(store, manifest, step.artifact, key, **sink);
    if (!restored.ok()) {
      return absl::Status(restored.code(), "restoring " + step.artifact.name + " of backup " +
                                               manifest.id + " into " + DescribeTarget(connection) +
                                               ": " + std::string(restored.message()));
    }
  }
  return plan;
}

absl::StatusOr<std::vector<PlannedRestore>> RestoreToDirectory(backup::ArtifactStore& store,
                                                               const BackupManifest& manifest,
                                                               const std::string& key,
                                                               const std::string& dir) {
  if (manifest.artifacts.empty()) {
    return absl::InvalidArgumentError("backup " + manifest.id + " has no artifacts");
  }
  // Every checksum before the folder is even created.
  for (const ArtifactRecord& a : manifest.artifacts) {
    if (absl::Status st = backup::VerifyArtifactChecksum(store, manifest, a); !st.ok()) return st;
  }
  if (absl::Status st = PrepareEmptyDirectory(dir); !st.ok()) return st;
  std::vector<PlannedRestore> done;
  if (manifest.source_kind != "postgres") {
    const ArtifactRecord& archive = manifest.artifacts.front();
    absl::StatusOr<std::unique_ptr<backup::TarExtractor>> extractor =
        backup::TarExtractor::Create(dir);
    if (!extractor.ok()) return extractor.status();
    if (absl::Status st = backup::RestoreArtifact(store, manifest, archive, key, **extractor);
        !st.ok()) {
      return Annotate(st, manifest, archive);
    }
    done.push_back({archive, dir});
    return done;
  }
  const std::string suffix = FormatOf(manifest) == backup::DumpFormat::kPlain ? ".sql" : ".dump";
  std::set<std::string> names;
  for (const ArtifactRecord& a : manifest.artifacts) {
    // The artifact names are safe file names; the stem is the database's escaped name.
    std::string stem = a.name.substr(0, a.name.find(suffix));
    std::string file = stem + suffix;
    if (!backup::IsSafeName(file) || !names.insert(file).second) file = a.name + suffix;
    absl::StatusOr<std::unique_ptr<NewFileSink>> sink = NewFileSink::Create(fs::path(dir) / file);
    if (!sink.ok()) return sink.status();
    if (absl::Status st = backup::RestoreArtifact(store, manifest, a, key, **sink); !st.ok()) {
      return Annotate(st, manifest, a);
    }
    done.push_back({a, file});
  }
  return done;
}

}  // namespace upkeep::cmd
