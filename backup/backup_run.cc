#include "backup/backup_run.h"

#include <cctype>

#include "backup/compression_stream.h"
#include "backup/encrypted_stream.h"
#include "backup/restore_artifact.h"
#include "backup/sha256_sink.h"
#include "backup/tar_stream.h"

namespace upkeep::backup {
namespace {

constexpr char kEncryptionFormat[] = "AES-256-GCM/64KiB";

// source → compress → encrypt → hash → writer, for one artifact.
absl::StatusOr<ArtifactRecord> StoreArtifact(
    ArtifactStore& store, const std::string& id, const std::string& name,
    const BackupRunRequest& request,
    const std::function<absl::Status(ByteSink&)>& produce) {
  auto writer = store.CreateArtifact(id, name);
  if (!writer.ok()) return writer.status();
  Sha256Sink hash(**writer);
  auto encrypt = EncryptingSink::Create(request.key, hash);
  if (!encrypt.ok()) return encrypt.status();
  auto compress = CreateCompressingSink(request.compression, **encrypt);
  if (!compress.ok()) return compress.status();
  absl::Status produced = produce(**compress);
  if (!produced.ok()) {
    (*writer)->Abort();
    return produced;
  }
  if (absl::Status finished = (*compress)->Finish(); !finished.ok()) {
    (*writer)->Abort();
    return finished;
  }
  return ArtifactRecord{name, "", hash.size_bytes(), hash.hex_digest()};
}

absl::Status RunPostgres(const PostgresBackupSource& source, const BackupRunRequest& request,
                         ArtifactStore& store, BackupManifest& manifest, std::stop_token stop) {
  const PostgresConnection& c = source.connection;
  std::vector<std::string> databases = {c.database};
  if (c.database == "*") {
    auto listed = ListDatabases(c);
    if (!listed.ok()) return listed.status();
    databases = *listed;
    if (databases.empty()) {
      return absl::FailedPreconditionError("no database to back up on " + c.host + ":" +
                                           std::to_string(c.port));
    }
  }
  manifest.source_kind = "postgres";
  manifest.source = "postgres " + c.host + ":" + std::to_string(c.port) + "/" + c.database;
  manifest.postgres_format = source.format == DumpFormat::kCustom ? "custom" : "plain";
  if (auto version = PgDumpVersion(); version.ok()) manifest.tool_versions["pg_dump"] = *version;
  for (const std::string& database : databases) {
    PostgresConnection one = c;
    one.database = database;
    auto artifact = StoreArtifact(
        store, manifest.id, DumpArtifactName(database, source.format, request.compression),
        request, [&](ByteSink& out) { return DumpDatabase(one, source.format, out, stop); });
    if (!artifact.ok()) return artifact.status();
    artifact->database = database;
    manifest.artifacts.push_back(std::move(*artifact));
  }
  return absl::OkStatus();
}

absl::Status RunDirectory(const DirectoryBackupSource& source, const BackupRunRequest& request,
                          ArtifactStore& store, BackupManifest& manifest, std::stop_token stop) {
  auto filter = FileFilter::Create(source.include, source.exclude);
  if (!filter.ok()) return filter.status();
  manifest.source_kind = "files";
  manifest.source = "files " + source.path;
  const std::string name =
      std::string(kFilesArtifactStem) + std::string(CompressionExtension(request.compression)) +
      ".enc";
  auto artifact = StoreArtifact(store, manifest.id, name, request, [&](ByteSink& out) {
    if (stop.stop_requested()) return absl::CancelledError("the run was cancelled");
    return WriteTar(source.path, *filter, out);
  });
  if (!artifact.ok()) return artifact.status();
  manifest.artifacts.push_back(std::move(*artifact));
  return absl::OkStatus();
}

absl::Status RunSource(const PostgresBackupSource& source, const BackupRunRequest& request,
                       ArtifactStore& store, BackupManifest& manifest, std::stop_token stop) {
  return RunPostgres(source, request, store, manifest, stop);
}
absl::Status RunSource(const DirectoryBackupSource& source, const BackupRunRequest& request,
                       ArtifactStore& store, BackupManifest& manifest, std::stop_token stop) {
  return RunDirectory(source, request, store, manifest, stop);
}

}  // namespace

std::string DumpArtifactName(std::string_view database, DumpFormat format,
                             api::v1alpha1::Compression compression) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string stem;
  for (unsigned char c : database) {
    if (std::isalnum(c) || c == '-' || c == '.') {
      stem += static_cast<char>(c);
    } else {
      stem += '_';
      stem += kHex[c >> 4];
      stem += kHex[c & 0xf];
    }
  }
  if (stem.empty() || stem.front() == '.') stem = "_" + stem;
  if (stem.size() > 150) stem = stem.substr(0, 150);
  return stem + (format == DumpFormat::kCustom ? ".dump" : ".sql") +
         std::string(CompressionExtension(compression)) + ".enc";
}

absl::StatusOr<BackupManifest> RunBackup(const BackupRunRequest& request, ArtifactStore& store,
                                         std::stop_token stop) {
  auto fingerprint = KeyFingerprint(request.key);
  if (!fingerprint.ok()) return fingerprint.status();
  BackupManifest manifest;
  manifest.start_time = request.now();
  manifest.id = NewBackupId(manifest.start_time, request.run_id);
  manifest.policy_namespace = request.policy_namespace;
  manifest.policy_name = request.policy_name;
  manifest.policy_uid = request.policy_uid;
  manifest.run_id = request.run_id;
  manifest.compression = std::string(CompressionName(request.compression));
  manifest.encryption = kEncryptionFormat;
  manifest.key_fingerprint = *fingerprint;
  manifest.tool_versions["upkeep"] = UPKEEP_VERSION;

  // What killed runs left behind is not a backup; a new run starts clean.
  if (auto removed = store.RemoveIncomplete({}); !removed.ok()) return removed.status();

  absl::Status ran = std::visit(
      [&](const auto& source) { return RunSource(source, request, store, manifest, stop); },
      request.source);
  if (ran.ok()) {
    manifest.completion_time = request.now();
    ran = store.CommitManifest(manifest);
  }
  if (!ran.ok()) {
    (void)store.RemoveIncomplete({});  // this run's own artifacts; never a listed backup
    return ran;
  }
  return manifest;
}

}  // namespace upkeep::backup
