// PostgreSQL through its own client tools (pg_dump, pg_restore, psql; Debian's
// postgresql-client in the image): dump a database into a pipeline, restore one from it, list
// databases and run a check query. The tools, not libpq, because they are what the dump
// format is defined by and what an admin would run by hand.
//
// The password, when there is one, is written to a PGPASSFILE (0600, in a private 0700
// folder, removed afterwards); it is never on a command line, in the environment or in an
// error message. Connections are bounded by PGCONNECT_TIMEOUT.
//
// Thread-safe: no shared state.
#pragma once

#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "backup/byte_sink.h"

namespace upkeep::backup {

struct PostgresConnection {
  std::string host;
  int port = 5432;
  std::string user;
  std::string password;  // "" = none
  std::string ssl_mode = "prefer";
  std::string database;
  int connect_timeout_seconds = 10;
};

enum class DumpFormat { kCustom, kPlain };

// pg_dump of `connection.database` into `out` (not finished: the caller finishes the
// pipeline only once this returned OK). Custom format is uncompressed (-Z0): the pipeline
// compresses. A failure (PostgreSQL gone mid-dump, a wrong password) is Unavailable with
// pg_dump's own message; a sink error is returned as is, and pg_dump is ended.
absl::Status DumpDatabase(const PostgresConnection& connection, DumpFormat format,
                          ByteSink& out, std::stop_token stop = {});

// The databases a "*" source dumps: every one that accepts connections, but templates.
absl::StatusOr<std::vector<std::string>> ListDatabases(const PostgresConnection& connection);

// Runs one SQL statement with psql and returns its result as text: unaligned, tuples only,
// fields separated by '|', rows by '\n' (no trailing newline). FailedPrecondition with psql's
// message when the statement fails.
absl::StatusOr<std::string> RunSql(const PostgresConnection& connection, const std::string& sql);

// "pg_dump (PostgreSQL) 15.18", for the manifest.
absl::StatusOr<std::string> PgDumpVersion();

// Restores a dump written into it into `connection.database` (which must exist): custom
// format through pg_restore (--no-owner, --exit-on-error), plain through psql
// (ON_ERROR_STOP). Finish waits for the tool; its failure is the error.
class PostgresRestoreSink final : public ByteSink {
 public:
  static absl::StatusOr<std::unique_ptr<PostgresRestoreSink>> Start(
      const PostgresConnection& connection, DumpFormat format);
  ~PostgresRestoreSink() override;

  absl::Status Write(std::string_view data) override;
  absl::Status Finish() override;

 private:
  struct State;
  explicit PostgresRestoreSink(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace upkeep::backup
