#include "backup/verify_backup.h"

#include <cctype>
#include <filesystem>

#include "backup/restore_artifact.h"
#include "backup/tar_stream.h"

namespace upkeep::backup {
namespace {

// A PostgreSQL identifier in double quotes (the name is already [a-z0-9_]).
std::string Quoted(const std::string& name) { return "\"" + name + "\""; }

// Restores one artifact into a fresh scratch database, runs `checks` there, drops it.
// Returns "" when all passed, else what failed; check lines are appended to `lines`.
std::string VerifyDatabase(ArtifactStore& store, const BackupManifest& manifest,
                           const ArtifactRecord& artifact, const VerifyRequest& request,
                           const std::string& scratch_name, bool run_checks,
                           std::vector<std::string>& lines) {
  PostgresConnection admin = request.scratch;
  admin.database = "postgres";
  PostgresConnection scratch = request.scratch;
  scratch.database = scratch_name;
  // A scratch database left by a crashed verification of the same run goes first.
  (void)RunSql(admin, "drop database if exists " + Quoted(scratch_name) + " with (force)");
  if (auto created = RunSql(admin, "create database " + Quoted(scratch_name)); !created.ok()) {
    return "cannot create the scratch database " + scratch_name + ": " +
           std::string(created.status().message());
  }
  std::string failure;
  const DumpFormat format =
      manifest.postgres_format == "plain" ? DumpFormat::kPlain : DumpFormat::kCustom;
  auto sink = PostgresRestoreSink::Start(scratch, format);
  absl::Status restored = sink.ok() ? RestoreArtifact(store, manifest, artifact, request.key, **sink)
                                    : sink.status();
  if (!restored.ok()) {
    failure = "restoring " + artifact.name + " failed: " + std::string(restored.message());
  } else if (run_checks) {
    for (const api::v1alpha1::VerifyCheck& check : request.checks) {
      auto value = RunSql(scratch, check.sql);
      const bool met = value.ok() && check.expectation.IsMetBy(*value);
      std::string line = check.sql + " (expect " + check.expect + "): " +
                         (value.ok() ? "got " + *value + (met ? ", ok" : ", FAILED")
                                     : "error: " + std::string(value.status().message()));
      lines.push_back(line);
      if (failure.empty() && !met) failure = "check " + line;
    }
  }
  if (auto dropped = RunSql(admin, "drop database if exists " + Quoted(scratch_name) +
                                       " with (force)");
      !dropped.ok() && failure.empty()) {
    failure = "the scratch database " + scratch_name + " could not be dropped: " +
              std::string(dropped.status().message());
  }
  return failure;
}

std::string VerifyFiles(ArtifactStore& store, const BackupManifest& manifest,
                        const ArtifactRecord& artifact, const std::string& key) {
  std::string templ =
      (std::filesystem::temp_directory_path() / "upkeep-verify-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) return "cannot create a scratch folder";
  std::string failure;
  auto extractor = TarExtractor::Create(templ);
  absl::Status restored = extractor.ok() ? RestoreArtifact(store, manifest, artifact, key,
                                                           **extractor)
                                         : extractor.status();
  if (!restored.ok()) {
    failure = "restoring " + artifact.name + " failed: " + std::string(restored.message());
  }
  std::error_code ignored;
  std::filesystem::remove_all(templ, ignored);
  return failure;
}

}  // namespace

std::string ScratchDatabaseName(const std::string& prefix, const std::string& run_id,
                                int index) {
  std::string name;
  for (char c : prefix + "_" + run_id) {
    unsigned char u = static_cast<unsigned char>(c);
    name += std::isalnum(u) ? static_cast<char>(std::tolower(u)) : '_';
  }
  if (index > 0) name += "_" + std::to_string(index);
  if (name.size() > 63) name = name.substr(name.size() - 63);
  if (!name.empty() && std::isdigit(static_cast<unsigned char>(name.front()))) name[0] = 'v';
  return name;
}

absl::StatusOr<VerificationRecord> VerifyBackup(ArtifactStore& store,
                                                const BackupManifest& manifest,
                                                const VerifyRequest& request) {
  VerificationRecord record;
  std::string failure;
  const bool single = manifest.artifacts.size() == 1;
  for (size_t i = 0; i < manifest.artifacts.size() && failure.empty(); ++i) {
    const ArtifactRecord& artifact = manifest.artifacts[i];
    if (manifest.source_kind == "postgres") {
      failure = VerifyDatabase(
          store, manifest, artifact, request,
          ScratchDatabaseName(request.database_prefix, request.run_id, static_cast<int>(i)),
          single, record.checks);
    } else {
      failure = VerifyFiles(store, manifest, artifact, request.key);
    }
  }
  record.time = request.now();
  record.passed = failure.empty();
  record.message = record.passed
                       ? "restored " + std::to_string(manifest.artifacts.size()) +
                             " artifact(s); " + std::to_string(record.checks.size()) +
                             " check(s) passed"
                       : failure;
  if (absl::Status kept = store.RecordVerification(manifest.id, record); !kept.ok()) {
    return kept;
  }
  return record;
}

}  // namespace upkeep::backup
