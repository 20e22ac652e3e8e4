// BackupManifest: what one backup is, stored beside its artifacts at the destination and
// written last, so a backup is listed only once all of it is there. The destination is the
// truth (API.md): retention, `upkeep backup list` and restore read manifests, never status.
//
// Stored as JSON ("upkeep.dev/backup-manifest/v1"). Holds no secret: the encryption key is
// named by its fingerprint only. Value type; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace upkeep::backup {

inline constexpr char kManifestFormat[] = "upkeep.dev/backup-manifest/v1";

// One stored file of a backup: a database's dump or a folder's archive.
struct ArtifactRecord {
  std::string name;      // file name at the destination, e.g. "app.dump.zst.enc"
  std::string database;  // for postgres sources; "" otherwise
  uint64_t size_bytes = 0;
  std::string sha256;  // of the stored (compressed, encrypted) bytes, lowercase hex
};

// The outcome of a restore test of a backup, stored beside its manifest once known.
struct VerificationRecord {
  std::chrono::system_clock::time_point time;
  bool passed = false;
  std::string message;              // what failed, or a summary of what passed
  std::vector<std::string> checks;  // "select count(*) from users = 42 (expect > 0): ok"
};

nlohmann::json VerificationToJson(const VerificationRecord& record);
absl::StatusOr<VerificationRecord> VerificationFromJson(const nlohmann::json& json);

struct BackupManifest {
  std::string id;  // sortable by time: see NewBackupId
  std::string policy_namespace;
  std::string policy_name;
  std::string policy_uid;
  std::string run_id;
  std::string source_kind;  // postgres | volume | local
  std::string source;       // what was backed up, for people: "postgres db:5432/app"
  std::string postgres_format;  // custom | plain, postgres sources only
  std::chrono::system_clock::time_point start_time;
  std::chrono::system_clock::time_point completion_time;
  std::string compression;  // zstd | gzip | none
  std::string encryption;   // the stream format, e.g. "AES-256-GCM/64KiB"
  std::string key_fingerprint;
  std::vector<ArtifactRecord> artifacts;
  std::map<std::string, std::string> tool_versions;  // "upkeep" -> "0.1.0", "pg_dump" -> ...
  // Not part of the manifest's JSON: the latest restore test, which the store keeps beside
  // it (the manifest itself is never rewritten).
  std::optional<VerificationRecord> verification;

  uint64_t TotalSizeBytes() const;
};

nlohmann::json ManifestToJson(const BackupManifest& manifest);
// InvalidArgument naming the field that is missing or wrong (a damaged or foreign manifest).
absl::StatusOr<BackupManifest> ManifestFromJson(const nlohmann::json& json);

// A backup id for a run started at `start`: "20261130T030000Z-<run id suffix>", so ids sort
// by start time; only [A-Za-z0-9-] so it is safe as a file and object name.
std::string NewBackupId(std::chrono::system_clock::time_point start, std::string_view run_id);

// Whether `name` is safe as one path component at a destination: [A-Za-z0-9._-], not "." or
// "..", at most 200 characters.
bool IsSafeName(std::string_view name);

}  // namespace upkeep::backup
