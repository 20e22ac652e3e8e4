// ArtifactStore: a backup destination (API.md destination.local / volume / s3) as the runner
// and retention see it. A backup is a set of artifacts plus a manifest; the manifest is
// committed last, and only backups with a manifest are listed, so a run that fails or is
// killed half-way never shows up as a backup. Deleting removes the manifest first for the
// same reason.
//
// Implementations are thread-compatible: one run or retention pass at a time per store.
#pragma once

#include <memory>
#include <set>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "backup/backup_manifest.h"
#include "backup/byte_sink.h"

namespace upkeep::backup {

// Receives one artifact's bytes. Finish makes them durable under the artifact's name (still
// not a listed backup); Abort, or destruction before Finish, removes what was written.
class ArtifactWriter : public ByteSink {
 public:
  virtual void Abort() = 0;
};

class ArtifactStore {
 public:
  virtual ~ArtifactStore() = default;

  // Where the backups are, for status and people ("file:///var/backups/upkeep/ns/policy").
  virtual std::string Location() const = 0;

  // Starts artifact `name` of backup `id` (both IsSafeName). AlreadyExists if it is there.
  virtual absl::StatusOr<std::unique_ptr<ArtifactWriter>> CreateArtifact(
      const std::string& id, const std::string& name) = 0;

  // The last step of a backup: stores the manifest, after checking every artifact it names
  // is there with its size. From now on the backup is listed.
  virtual absl::Status CommitManifest(const BackupManifest& manifest) = 0;

  // Every listed backup, oldest first. A manifest that cannot be read is skipped and
  // described in `problems` (never fatal: one damaged backup must not hide the others).
  virtual absl::StatusOr<std::vector<BackupManifest>> ListBackups(
      std::vector<std::string>* problems) = 0;

  // Streams a stored artifact into `out` and finishes it.
  virtual absl::Status ReadArtifact(const std::string& id, const std::string& name,
                                    ByteSink& out) = 0;

  // Keeps the outcome of a restore test beside a listed backup's manifest (replacing an
  // earlier one); ListBackups returns it in BackupManifest::verification.
  virtual absl::Status RecordVerification(const std::string& id,
                                          const VerificationRecord& record) = 0;

  // Deletes a listed backup: manifest first, then its artifacts.
  virtual absl::Status DeleteBackup(const std::string& id) = 0;

  // Removes what runs left without a manifest (killed mid-run), except the backups in
  // `in_progress`. Returns the ids removed.
  virtual absl::StatusOr<std::vector<std::string>> RemoveIncomplete(
      const std::set<std::string>& in_progress) = 0;
};

}  // namespace upkeep::backup
