#include "backup/restore_artifact.h"

#include "backup/compression_stream.h"
#include "backup/encrypted_stream.h"
#include "backup/sha256_sink.h"

namespace upkeep::backup {
namespace {

using api::v1alpha1::Compression;

class DiscardSink final : public ByteSink {
 public:
  absl::Status Write(std::string_view) override { return absl::OkStatus(); }
  absl::Status Finish() override { return absl::OkStatus(); }
};

}  // namespace

absl::StatusOr<Compression> ParseCompressionName(std::string_view name) {
  if (name == "zstd") return Compression::kZstd;
  if (name == "gzip") return Compression::kGzip;
  if (name == "none") return Compression::kNone;
  return absl::InvalidArgumentError("unknown compression \"" + std::string(name) + "\"");
}

std::string_view CompressionName(Compression kind) {
  switch (kind) {
    case Compression::kZstd:
      return "zstd";
    case Compression::kGzip:
      return "gzip";
    case Compression::kNone:
      return "none";
  }
  return "none";
}

absl::Status VerifyArtifactChecksum(ArtifactStore& store, const BackupManifest& manifest,
                                    const ArtifactRecord& artifact) {
  DiscardSink discard;
  Sha256Sink hash(discard);
  if (absl::Status read = store.ReadArtifact(manifest.id, artifact.name, hash); !read.ok()) {
    return read;
  }
  if (hash.size_bytes() != artifact.size_bytes || hash.hex_digest() != artifact.sha256) {
    return absl::DataLossError("backup " + manifest.id + " artifact " + artifact.name +
                               " does not match its manifest: " +
                               std::to_string(hash.size_bytes()) + " bytes with SHA-256 " +
                               hash.hex_digest() + ", recorded " +
                               std::to_string(artifact.size_bytes) + " bytes with SHA-256 " +
                               artifact.sha256);
  }
  return absl::OkStatus();
}

absl::Status RestoreArtifact(ArtifactStore& store, const BackupManifest& manifest,
                             const ArtifactRecord& artifact, std::string_view key,
                             ByteSink& target) {
  if (absl::Status checked = VerifyArtifactChecksum(store, manifest, artifact); !checked.ok()) {
    return checked;
  }
  auto compression = ParseCompressionName(manifest.compression);
  if (!compression.ok()) return compression.status();
  auto decompress = CreateDecompressingSink(*compression, target);
  if (!decompress.ok()) return decompress.status();
  auto decrypt = DecryptingSink::Create(key, **decompress);
  if (!decrypt.ok()) return decrypt.status();
  return store.ReadArtifact(manifest.id, artifact.name, **decrypt);
}

}  // namespace upkeep::backup
