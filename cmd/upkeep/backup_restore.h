// `upkeep backup restore`: one backup from a policy's destination into a target, each
// artifact's SHA-256 checked against the manifest before anything reaches the target
// (RestoreArtifact).
//
// Targets:
//  - a PostgreSQL database (postgresql://USER[:PASSWORD]@HOST[:PORT]/DB[?sslmode=MODE]), which
//    must exist (createdb first); pg_restore for custom dumps, psql for plain ones. A backup of
//    one database goes into the URI's database. A backup of every database ("*") restores one
//    database at a time: --database NAME picks it, and it goes into the URI's database, or into
//    NAME when the URI names none.
//  - a folder (--to-dir), which must be empty or not exist (it is created 0700): a folder
//    backup is extracted into it; a database backup is written there decoded, one file per
//    database (<database>.dump for custom, <database>.sql for plain), for pg_restore by hand.
//
// The password for the database comes from the URI or $PGPASSWORD; no message holds it.
// Thread-compatible.
#pragma once

#include <absl/status/statusor.h>

#include <optional>
#include <string>
#include <vector>

#include "backup/artifact_store.h"
#include "backup/postgres_tools.h"

namespace upkeep::cmd {

// Parses a target URI (postgresql:// or postgres://), percent-decoding user, password and
// database; port 5432 and sslmode "prefer" unless given. `env_password` ($PGPASSWORD) is used
// when the URI has none. InvalidArgument, quoting the URI without its password.
absl::StatusOr<backup::PostgresConnection> ParsePostgresTarget(const std::string& uri,
                                                               const std::string& env_password);
// The URI for messages: "postgresql://user@host:port/db", never the password.
std::string DescribeTarget(const backup::PostgresConnection& target);

// The backup to restore from `oldest_first`: the newest (`id` empty) or the one with `id`.
// NotFound naming the location: "no backups" / "no backup X (the newest are: ...)".
absl::StatusOr<backup::BackupManifest> PickBackup(
    const std::vector<backup::BackupManifest>& oldest_first, const std::string& id,
    const std::string& location);

struct PlannedRestore {
  backup::ArtifactRecord artifact;
  std::string into;  // the database for a database target; the file name for a folder
};

// Which artifacts go where for a database target (see above). Pure. InvalidArgument for a
// folder backup, for a "*" backup without --database (listing its databases), and when there
// is no database to restore into; NotFound for a --database the backup does not hold.
absl::StatusOr<std::vector<PlannedRestore>> PlanDatabaseRestore(
    const backup::BackupManifest& manifest, const std::string& uri_database,
    const std::string& database_flag);

// Restores into an existing database; returns what went where.
absl::StatusOr<std::vector<PlannedRestore>> RestoreToDatabase(
    backup::ArtifactStore& store, const backup::BackupManifest& manifest, const std::string& key,
    const backup::PostgresConnection& target, const std::string& database_flag);

// Restores into folder `dir` (empty or missing; FailedPrecondition otherwise, and nothing is
// written). Returns the files written at the top of `dir` for a database backup, or the one
// artifact extracted for a folder backup.
absl::StatusOr<std::vector<PlannedRestore>> RestoreToDirectory(
    backup::ArtifactStore& store, const backup::BackupManifest& manifest, const std::string& key,
    const std::string& dir);

}  // namespace upkeep::cmd
