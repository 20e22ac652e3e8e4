#include "backup/postgres_tools.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <thread>

#include "backup/tool_process.h"

namespace upkeep::backup {
namespace {

// libpq's .pgpass escaping: ':' and '\' get a backslash.
std::string PassFileField(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == ':' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

// A PGPASSFILE for one connection, in a private folder; removed with this object.
class PassFile {
 public:
  static absl::StatusOr<std::unique_ptr<PassFile>> Write(const PostgresConnection& c) {
    auto file = std::unique_ptr<PassFile>(new PassFile());
    if (c.password.empty()) return file;
    std::string templ = (std::filesystem::temp_directory_path() / "upkeep-pg-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) {
      return absl::InternalError("cannot create a private folder for the password file");
    }
    file->dir_ = templ;
    file->path_ = templ + "/pgpass";
    std::string line = "*:*:*:" + PassFileField(c.user) + ":" + PassFileField(c.password) + "\n";
    int fd = ::open(file->path_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    bool ok = fd >= 0 && ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
    if (fd >= 0) ::close(fd);
    std::fill(line.begin(), line.end(), '\0');
    if (!ok) return absl::InternalError("cannot write the password file");
    return file;
  }
  ~PassFile() {
    if (!dir_.empty()) {
      std::error_code ignored;
      std::filesystem::remove_all(dir_, ignored);
    }
  }
  const std::string& path() const { return path_; }

 private:
  PassFile() = default;
  std::string dir_;
  std::string path_;
};

// The environment libpq reads the connection from (nothing on the command line).
std::vector<std::string> ConnectionEnv(const PostgresConnection& c, const PassFile& pass) {
  std::vector<std::string> extra = {
      "PGHOST=" + c.host,
      "PGPORT=" + std::to_string(c.port),
      "PGUSER=" + c.user,
      "PGDATABASE=" + c.database,
      "PGSSLMODE=" + c.ssl_mode,
      "PGCONNECT_TIMEOUT=" + std::to_string(c.connect_timeout_seconds),
      "PGAPPNAME=upkeep",
  };
  if (!pass.path().empty()) extra.push_back("PGPASSFILE=" + pass.path());
  return ToolEnvironment(extra);
}

std::string Where(const PostgresConnection& c) {
  return c.host + ":" + std::to_string(c.port) + "/" + c.database;
}

}  // namespace

absl::Status DumpDatabase(const PostgresConnection& connection, DumpFormat format,
                          ByteSink& out, std::stop_token stop) {
  auto pass = PassFile::Write(connection);
  if (!pass.ok()) return pass.status();
  std::vector<std::string> argv = {"pg_dump", "--no-password"};
  if (format == DumpFormat::kCustom) {
    argv.insert(argv.end(), {"--format=custom", "--compress=0"});
  } else {
    argv.push_back("--format=plain");
  }
  auto dump = ToolProcess::Start({argv, ConnectionEnv(connection, **pass)});
  if (!dump.ok()) return dump.status();
  absl::Status copied = (*dump)->CopyStdoutTo(out, stop);
  ToolExit exit = (*dump)->Wait();
  if (!copied.ok()) return copied;
  if (!exit.ok()) {
    return absl::UnavailableError("pg_dump of " + Where(connection) + " failed: pg_dump " +
                                  exit.Describe());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> RunSql(const PostgresConnection& connection, const std::string& sql) {
  auto pass = PassFile::Write(connection);
  if (!pass.ok()) return pass.status();
  auto psql = ToolProcess::Start({{"psql", "--no-password", "-X", "-A", "-t", "-q", "-v",
                                   "ON_ERROR_STOP=1", "-F", "|", "-c", sql},
                                  ConnectionEnv(connection, **pass)});
  if (!psql.ok()) return psql.status();
  auto out = (*psql)->ReadStdout();
  ToolExit exit = (*psql)->Wait();
  if (!exit.ok()) {
    return absl::FailedPreconditionError("psql on " + Where(connection) + " " +
                                         exit.Describe());
  }
  if (!out.ok()) return out.status();
  std::string text = *out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

absl::StatusOr<std::vector<std::string>> ListDatabases(const PostgresConnection& connection) {
  PostgresConnection to_postgres = connection;
  if (to_postgres.database.empty() || to_postgres.database == "*") to_postgres.database = "postgres";
  auto rows = RunSql(to_postgres,
                     "select datname from pg_database where datallowconn and not datistemplate "
                     "order by datname");
  if (!rows.ok()) return rows.status();
  std::vector<std::string> names;
  size_t start = 0;
  while (start < rows->size()) {
    size_t end = rows->find('\n', start);
    if (end == std::string::npos) end = rows->size();
    if (end > start) names.push_back(rows->substr(start, end - start));
    start = end + 1;
  }
  return names;
}

absl::StatusOr<std::string> PgDumpVersion() {
  auto tool = ToolProcess::Start({{"pg_dump", "--version"}, ToolEnvironment()});
  if (!tool.ok()) return tool.status();
  auto out = (*tool)->ReadStdout(4096);
  ToolExit exit = (*tool)->Wait();
  if (!exit.ok() || !out.ok()) return absl::UnavailableError("pg_dump --version " + exit.Describe());
  std::string text = *out;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

struct PostgresRestoreSink::State {
  std::unique_ptr<PassFile> pass;
  std::unique_ptr<ToolProcess> tool;
  std::string tool_name;
  std::string where;
  std::thread drain;  // reads the tool's stdout, so it never blocks on it
  bool finished = false;
};

PostgresRestoreSink::PostgresRestoreSink(std::unique_ptr<State> state)
    : state_(std::move(state)) {}

PostgresRestoreSink::~PostgresRestoreSink() {
  if (!state_->finished) state_->tool->Kill();
  if (state_->drain.joinable()) state_->drain.join();
}

absl::StatusOr<std::unique_ptr<PostgresRestoreSink>> PostgresRestoreSink::Start(
    const PostgresConnection& connection, DumpFormat format) {
  auto state = std::make_unique<State>();
  auto pass = PassFile::Write(connection);
  if (!pass.ok()) return pass.status();
  state->pass = std::move(*pass);
  std::vector<std::string> argv;
  if (format == DumpFormat::kCustom) {
    state->tool_name = "pg_restore";
    argv = {"pg_restore", "--no-password", "--no-owner", "--exit-on-error",
            "--dbname=" + connection.database};
  } else {
    state->tool_name = "psql";
    argv = {"psql", "--no-password", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-f", "-"};
  }
  auto tool = ToolProcess::Start({argv, ConnectionEnv(connection, *state->pass), true});
  if (!tool.ok()) return tool.status();
  state->tool = std::move(*tool);
  state->where = Where(connection);
  ToolProcess* process = state->tool.get();
  state->drain = std::thread([process] { (void)process->ReadStdout(0); });
  return std::unique_ptr<PostgresRestoreSink>(new PostgresRestoreSink(std::move(state)));
}

absl::Status PostgresRestoreSink::Write(std::string_view data) {
  absl::Status wrote = state_->tool->Stdin().Write(data);
  if (wrote.ok()) return wrote;
  // The tool stopped reading: its own error says why.
  state_->finished = true;
  ToolExit exit = state_->tool->Wait();
  if (state_->drain.joinable()) state_->drain.join();
  return absl::FailedPreconditionError("restore into " + state_->where + " failed: " +
                                       state_->tool_name + " " + exit.Describe());
}

absl::Status PostgresRestoreSink::Finish() {
  state_->finished = true;
  (void)state_->tool->Stdin().Finish();
  ToolExit exit = state_->tool->Wait();
  if (state_->drain.joinable()) state_->drain.join();
  if (!exit.ok()) {
    return absl::FailedPreconditionError("restore into " + state_->where + " failed: " +
                                         state_->tool_name + " " + exit.Describe());
  }
  return absl::OkStatus();
}

}  // namespace upkeep::backup
