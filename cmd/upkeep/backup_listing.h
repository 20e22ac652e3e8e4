// `upkeep backup list`: the backups at a policy's destination as a table or JSON. The
// destination is the truth (API.md): the rows come from the manifests; only VERIFIED comes
// from the policy's status (a restore test's result is not in the manifest), and is "-" for a
// backup the status does not mention.
//
// Pure functions; thread-compatible.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "backup/backup_manifest.h"
#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::cmd {

// 1536 -> "1.5 KiB"; below 1 KiB in bytes ("512 B").
std::string HumanSize(uint64_t bytes);

// "yes" / "no" from status.backups[].verified, "-" when the status does not list `id`.
std::string VerifiedColumn(const api::v1alpha1::BackupPolicyStatus& status, const std::string& id);

// The table, newest first (`oldest_first` as ArtifactStore::ListBackups returns it), with a
// header: ID, COMPLETED (RFC 3339), SIZE, ARTIFACTS (the names, or "N artifacts" above 3),
// VERIFIED. Columns padded to their widest cell.
std::string FormatBackupTable(const std::vector<backup::BackupManifest>& oldest_first,
                              const api::v1alpha1::BackupPolicyStatus& status);

// {"location", "backups": [manifest as stored + "verified": true|false|null], "problems"},
// backups newest first.
nlohmann::json BackupListJson(const std::string& location,
                              const std::vector<backup::BackupManifest>& oldest_first,
                              const api::v1alpha1::BackupPolicyStatus& status,
                              const std::vector<std::string>& problems);

}  // namespace upkeep::cmd
