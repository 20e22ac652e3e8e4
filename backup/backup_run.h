// RunBackup: one backup, start to finish, the work `upkeep run backup` and the Inline
// executor share. Each artifact streams source → compress → encrypt → SHA-256 → destination
// (dump or archive never held whole); the manifest is committed last, so a run that fails or
// is killed is never listed, and leftovers of earlier killed runs are removed first. A failed
// run deletes nothing but its own partial files.
//
// Thread-compatible: one run per store at a time.
#pragma once

#include <chrono>
#include <functional>
#include <stop_token>
#include <string>
#include <variant>
#include <vector>

#include <absl/status/statusor.h>

#include "backup/artifact_store.h"
#include "backup/postgres_tools.h"
#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::backup {

struct PostgresBackupSource {
  PostgresConnection connection;  // database "*": every database, one artifact each
  DumpFormat format = DumpFormat::kCustom;
};

// source.volume (mounted) or source.local: a folder as one tar archive.
struct DirectoryBackupSource {
  std::string path;
  std::vector<std::string> include = {"**"};
  std::vector<std::string> exclude;
};

struct BackupRunRequest {
  std::string policy_namespace;
  std::string policy_name;
  std::string policy_uid;
  std::string run_id;
  std::variant<PostgresBackupSource, DirectoryBackupSource> source;
  api::v1alpha1::Compression compression = api::v1alpha1::Compression::kZstd;
  std::string key;  // 32 bytes; never logged
  // The time source for the manifest's start and completion times.
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
};

// Runs the backup into `store` and returns its committed manifest. Errors name the step and
// the database or path; a stop request is Cancelled.
absl::StatusOr<BackupManifest> RunBackup(const BackupRunRequest& request, ArtifactStore& store,
                                         std::stop_token stop = {});

// The artifact name of a folder's archive.
inline constexpr char kFilesArtifactStem[] = "files.tar";

// The artifact name for a database dump: "<db>.dump.zst.enc" (custom) or "<db>.sql.gz.enc"
// (plain); characters unsafe in a file name become _XX (hex).
std::string DumpArtifactName(std::string_view database, DumpFormat format,
                             api::v1alpha1::Compression compression);

}  // namespace upkeep::backup
