// PostgresProcess: a real, throwaway PostgreSQL server (Debian's postgresql-15) for the
// integration tests of the backup engine.
//
// Each instance runs initdb into a fresh folder under /tmp and starts `postgres` itself (not
// via pg_ctl, which would detach it) on 127.0.0.1 with a free port; its Unix socket is in the
// same folder, so nothing else on the host is touched. The superuser has a random password
// and every connection, TCP or socket, must give it (scram-sha-256): tests exercise real
// credentials, never trust. initdb and postgres refuse to run as root, so when the test runs
// as root they run as `PostgresOptions::os_user` and the folder is handed to that account.
// Durability against a host crash is traded for speed (fsync=off), never against a process
// crash: a committed transaction survives Kill(), its WAL written to the OS page cache.
//
// The postmaster gets PR_SET_PDEATHSIG (its own children notice its death); it is ended by
// PID only. Every wait is bounded. The destructor stops the server and removes the folder.
//
// Not thread-safe: drive it from the test's main thread (the death signal follows the thread
// that started the process).
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <sys/types.h>

#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace upkeep::testing {

struct PostgresOptions {
  // Folder with initdb and postgres; "" = /usr/lib/postgresql/15/bin, else the first folder
  // on PATH holding both.
  std::string bin_dir = "";
  // The database superuser created by initdb; default "postgres".
  std::string superuser = "postgres";
  // The system account initdb and postgres run as when the test runs as root; ignored
  // otherwise (they run as the current user). Default "postgres" (Debian's package adds it).
  std::string os_user = "postgres";
  // Extra `-c name=value` settings for the server, e.g. {"statement_timeout", "5s"}; default
  // none. They are kept across Restart().
  std::map<std::string, std::string> settings{};
  // The bound on each client command (Sql, RunClient); default 60 s.
  std::chrono::seconds command_timeout{60};
};

class PostgresProcess {
 public:
  // initdb, start, and wait (≤ 30 s) until the server answers an authenticated query.
  static absl::StatusOr<std::unique_ptr<PostgresProcess>> Start(PostgresOptions options = {});
  ~PostgresProcess();
  PostgresProcess(const PostgresProcess&) = delete;
  PostgresProcess& operator=(const PostgresProcess&) = delete;

  const std::string& host() const { return host_; }  // "127.0.0.1"
  int port() const { return port_; }
  const std::string& superuser() const { return options_.superuser; }
  const std::string& password() const { return password_; }
  // postgresql://user:password@127.0.0.1:port/database, percent-encoded, as a backup
  // configuration would hold it. It carries the password: do not log it.
  std::string ConnectionUri(const std::string& database) const;
  // The same without the password, for client tools given PGPASSWORD in their environment
  // (an argument would show the password in `ps`).
  std::string ConnectionUriWithoutPassword(const std::string& database) const;
  // The temporary folder (logs, socket, the data directory inside).
  const std::string& dir() const { return dir_; }
  const std::string& data_dir() const { return data_dir_; }
  const std::string& bin_dir() const { return bin_dir_; }
  // The postmaster's PID, -1 while it is stopped.
  pid_t pid() const { return pid_; }
  // The end of the server's log, for failure messages.
  std::string LogTail() const;

  // Runs `sql` (any number of statements, each in its own transaction unless the script says
  // otherwise) with psql -X -A -t -q -v ON_ERROR_STOP=1 against `database` as the superuser
  // and returns what it printed, trailing newlines removed: rows one a line, columns joined
  // by '|'. On failure the error holds psql's stderr.
  absl::StatusOr<std::string> Sql(const std::string& database, const std::string& sql);
  // CREATE DATABASE `name` (quoted as an identifier).
  absl::Status CreateDatabase(const std::string& name);
  // Runs a client tool (`args[0]` is a path or a name on PATH: pg_dump, pg_restore, psql)
  // with PGPASSWORD set in its environment only, `stdin_text` on its standard input, and
  // returns its stdout; on failure the error holds its stderr. Bounded by command_timeout.
  absl::StatusOr<std::string> RunClient(const std::vector<std::string>& args,
                                        const std::string& stdin_text = "");

  // Outages for fault tests. Stop(): fast shutdown (SIGINT: sessions are cut off, the server
  // checkpoints and exits; ≤ 30 s, then SIGKILL). Kill(): SIGKILL the postmaster, as a crash
  // mid-dump would, and wait (≤ 10 s) until its backends have gone too, so the data directory
  // is free for Restart().
  void Stop();
  void Kill();
  // Starts the server again on the same port with the same data (after a Kill(), PostgreSQL
  // recovers from its WAL) and waits until it answers (≤ 30 s). Stops it first if running.
  absl::Status Restart();

 private:
  explicit PostgresProcess(PostgresOptions options) : options_(std::move(options)) {}
  absl::Status InitDb();
  absl::Status StartServer();
  void WaitForOrphanedBackends();
  std::string PsqlPath() const;
  // Without PG* variables from the caller's shell, with PGPASSWORD.
  std::vector<std::string> ClientEnvironment() const;

  // Constant after Start().
  const PostgresOptions options_;
  const std::string host_ = "127.0.0.1";
  std::string bin_dir_;
  std::string dir_;
  std::string data_dir_;
  std::string password_;
  int port_ = 0;
  // The account the server runs as: -1 when it is the current user.
  uid_t os_uid_ = static_cast<uid_t>(-1);
  gid_t os_gid_ = static_cast<gid_t>(-1);

  pid_t pid_ = -1;
  // The System V segment of a killed postmaster, removed in the destructor unless a restart
  // has taken it over; -1 if none.
  int stale_shm_id_ = -1;
  int command_count_ = 0;  // names each client command's output files
};

}  // namespace upkeep::testing
