// DirectoryStore: an ArtifactStore in a directory (destination.local, and destination.volume
// where the volume is mounted). Layout:
//   <root>/<backup id>/<artifact>            written as <artifact>.partial, then renamed
//   <root>/<backup id>/manifest.json         written as manifest.json.partial, then renamed
//   <root>/<backup id>/verification.json     the latest restore test, written the same way
// Every file is fsynced before its rename and the directory after, so a crash leaves either
// the old state or the new one. Directories are 0700 and files 0600: backups are data.
// A full disk is ResourceExhausted naming the path; what the failed write left is removed.
//
// Thread-compatible.
#pragma once

#include <memory>
#include <string>

#include "backup/artifact_store.h"

namespace upkeep::backup {

inline constexpr char kManifestFileName[] = "manifest.json";
inline constexpr char kVerificationFileName[] = "verification.json";

class DirectoryStore final : public ArtifactStore {
 public:
  // Creates `root` (and its parents) when missing. InvalidArgument for a relative path.
  static absl::StatusOr<std::unique_ptr<DirectoryStore>> Open(const std::string& root);

  std::string Location() const override;
  absl::StatusOr<std::unique_ptr<ArtifactWriter>> CreateArtifact(
      const std::string& id, const std::string& name) override;
  absl::Status CommitManifest(const BackupManifest& manifest) override;
  absl::StatusOr<std::vector<BackupManifest>> ListBackups(
      std::vector<std::string>* problems) override;
  absl::Status ReadArtifact(const std::string& id, const std::string& name,
                            ByteSink& out) override;
  absl::Status RecordVerification(const std::string& id,
                                  const VerificationRecord& record) override;
  absl::Status DeleteBackup(const std::string& id) override;
  absl::StatusOr<std::vector<std::string>> RemoveIncomplete(
      const std::set<std::string>& in_progress) override;

  const std::string& root() const { return root_; }

 private:
  explicit DirectoryStore(std::string root) : root_(std::move(root)) {}
  const std::string root_;
};

}  // namespace upkeep::backup
