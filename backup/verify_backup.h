// VerifyBackup: the restore test, the thing no peer does (API.md spec.verify). A PostgreSQL
// backup is restored into a scratch database (<prefix>_<run id>) on the scratch server, the
// checks run there, and the scratch database is dropped whatever happened; a folder backup
// is extracted into a temporary folder and removed. The outcome is recorded beside the
// manifest (ArtifactStore::RecordVerification) and returned.
//
// A failed verification is an outcome, not an error: the record says what failed (the
// checksum, the restore, a check with the value it got), so the caller can make it loud.
// Only a failure to record the outcome is an error.
//
// Checks run only for single-database backups; for a "*" backup every database must restore.
//
// Thread-compatible.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "backup/artifact_store.h"
#include "backup/postgres_tools.h"
#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::backup {

struct VerifyRequest {
  PostgresConnection scratch;  // its database is ignored: a scratch one is made
  std::string database_prefix = "upkeep_verify";
  std::string run_id;
  std::vector<api::v1alpha1::VerifyCheck> checks;
  std::string key;  // 32 bytes
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

absl::StatusOr<VerificationRecord> VerifyBackup(ArtifactStore& store,
                                                const BackupManifest& manifest,
                                                const VerifyRequest& request);

// The scratch database's name for a run: "<prefix>_<run id>", lowercased, only [a-z0-9_],
// at most 63 bytes (PostgreSQL's limit).
std::string ScratchDatabaseName(const std::string& prefix, const std::string& run_id, int index);

}  // namespace upkeep::backup
