// Reading a backup back: the artifact's stored bytes are checked against the manifest's
// SHA-256 and size first, then streamed through decryption and decompression into a target
// (a database restore, a folder extraction, a file). Nothing reaches the target from an
// artifact whose checksum does not match.
//
// Thread-compatible (one store per call).
#pragma once

#include <string_view>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "backup/artifact_store.h"
#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::backup {

// The manifest's compression name as the API's enum. InvalidArgument for an unknown name.
absl::StatusOr<api::v1alpha1::Compression> ParseCompressionName(std::string_view name);
std::string_view CompressionName(api::v1alpha1::Compression kind);

// DataLoss naming the artifact when its stored bytes differ from what the manifest recorded.
absl::Status VerifyArtifactChecksum(ArtifactStore& store, const BackupManifest& manifest,
                                    const ArtifactRecord& artifact);

// Checks the checksum, then streams the artifact decrypted (with `key`) and decompressed into
// `target`, which is finished at the end.
absl::Status RestoreArtifact(ArtifactStore& store, const BackupManifest& manifest,
                             const ArtifactRecord& artifact, std::string_view key,
                             ByteSink& target);

}  // namespace upkeep::backup
