#include "reconcilers/backup/policy_run.h"

#include <algorithm>

#include "backup/backup_run.h"
#include "backup/retention.h"
#include "backup/verify_backup.h"
#include "reconcilers/backup/policy_backups.h"

namespace upkeep::reconcilers::backup {
namespace {

using upkeep::backup::BackupManifest;

PolicyRunOutcome Failed(PolicyRunOutcome outcome, const absl::Status& status,
                        const PolicyRunOptions& options) {
  outcome.succeeded = false;
  outcome.message = std::string(status.message());
  outcome.completion_time = options.now();
  return outcome;
}

// Deletes what retention does not keep; the first failure stops pruning and is returned.
absl::Status Prune(upkeep::backup::ArtifactStore& store,
                   const std::vector<BackupManifest>& listed,
                   const api::v1alpha1::BackupPolicy& policy, const schedule::TimeZone& zone,
                   TimePoint now, std::vector<std::string>* pruned) {
  std::vector<upkeep::backup::RetentionCandidate> candidates;
  for (const BackupManifest& m : listed) {
    candidates.push_back(
        {m.id, m.completion_time, m.verification.has_value() && m.verification->passed});
  }
  for (const auto& decision :
       upkeep::backup::DecideRetention(candidates, policy.spec.retention, zone, now)) {
    if (decision.keep) continue;
    absl::Status deleted = store.DeleteBackup(decision.id);
    if (!deleted.ok()) {
      return absl::Status(deleted.code(), "deleting backup " + decision.id + " (" +
                                              decision.reasons.front() +
                                              "): " + std::string(deleted.message()));
    }
    pruned->push_back(decision.id);
  }
  return absl::OkStatus();
}

// The restore test of `manifest`: the scratch server's password is read only when needed.
absl::StatusOr<upkeep::backup::VerificationRecord> Verify(
    controller::KubeClient& client, const api::v1alpha1::BackupPolicy& policy,
    upkeep::backup::ArtifactStore& store, const BackupManifest& manifest, const std::string& key,
    const PolicyRunOptions& options) {
  const api::v1alpha1::VerifySpec& verify = *policy.spec.verify;
  upkeep::backup::VerifyRequest request;
  request.run_id = options.run_id;
  request.checks = verify.checks;
  request.key = key;
  request.now = options.now;
  if (verify.postgres) {
    const api::v1alpha1::ScratchPostgres& scratch = *verify.postgres;
    request.scratch.host = scratch.host;
    request.scratch.port = static_cast<int>(scratch.port);
    request.scratch.user = scratch.user;
    request.database_prefix = scratch.database_prefix;
    if (scratch.password_secret_ref) {
      absl::StatusOr<std::string> password =
          ReadSecretKey(client, policy.metadata.namespace_, *scratch.password_secret_ref,
                        "spec.verify.postgres.passwordSecretRef");
      if (!password.ok()) return password.status();
      request.scratch.password = std::move(*password);
    }
  }
  return upkeep::backup::VerifyBackup(store, manifest, request);
}

}  // namespace

bool VerificationDue(const std::optional<api::v1alpha1::VerifySpec>& verify,
                     const std::vector<BackupManifest>& listed, const schedule::TimeZone& zone,
                     TimePoint now) {
  if (!verify || listed.empty()) return false;
  // The newest test, and how many backups completed after the backup it tested.
  std::optional<TimePoint> last_test;
  int64_t since = 0;
  for (auto it = listed.rbegin(); it != listed.rend(); ++it) {
    if (it->verification) {
      last_test = it->verification->time;
      break;
    }
    ++since;
  }
  if (verify->schedule) {
    if (!last_test) return true;
    std::optional<TimePoint> next = schedule::NextRunAfter(*verify->schedule, zone, *last_test);
    return next && *next <= now;
  }
  return since >= std::max<int64_t>(1, verify->every.value_or(1));
}

std::string BackupLocation(const std::string& store_location, const std::string& id) {
  if (store_location.empty()) return "";
  return store_location.back() == '/' ? store_location + id : store_location + "/" + id;
}

std::vector<api::v1alpha1::BackupRecord> BackupInventory(const std::vector<BackupManifest>& listed,
                                                         const std::string& location) {
  std::vector<api::v1alpha1::BackupRecord> records;
  for (auto it = listed.rbegin(); it != listed.rend(); ++it) {
    api::v1alpha1::BackupRecord r;
    r.id = it->id;
    r.completion_time = it->completion_time;
    r.size_bytes = static_cast<int64_t>(it->TotalSizeBytes());
    r.sha256 = it->artifacts.empty() ? "" : it->artifacts.front().sha256;
    r.location = BackupLocation(location, it->id);
    r.encrypted = !it->encryption.empty();
    r.verified = it->verification.has_value() && it->verification->passed;
    records.push_back(std::move(r));
  }
  return records;
}

PolicyRunOutcome RunPolicyBackup(controller::KubeClient& client,
                                 const api::v1alpha1::BackupPolicy& policy,
                                 const PolicyRunOptions& options, std::stop_token stop) {
  PolicyRunOutcome outcome;
  outcome.run_id = options.run_id;
  outcome.start_time = options.now();

  absl::StatusOr<schedule::TimeZone> zone = schedule::TimeZone::Load(policy.spec.time_zone);
  if (!zone.ok()) return Failed(std::move(outcome), zone.status(), options);
  auto store = OpenBackupDestination(client, policy, options.volume_root);
  if (!store.ok()) return Failed(std::move(outcome), store.status(), options);
  auto request = BackupRunRequestFor(client, policy, options.run_id, options.volume_root);
  if (!request.ok()) return Failed(std::move(outcome), request.status(), options);
  request->now = options.now;

  absl::StatusOr<BackupManifest> manifest = upkeep::backup::RunBackup(*request, **store, stop);
  if (!manifest.ok()) return Failed(std::move(outcome), manifest.status(), options);
  outcome.succeeded = true;
  outcome.start_time = manifest->start_time;
  outcome.backup_id = manifest->id;
  outcome.size_bytes = manifest->TotalSizeBytes();
  outcome.sha256 = manifest->artifacts.empty() ? "" : manifest->artifacts.front().sha256;
  outcome.location = (*store)->Location();
  for (const auto& a : manifest->artifacts) outcome.artifacts.push_back(a.name);
  outcome.message = "backup " + manifest->id + " (" + std::to_string(outcome.size_bytes) +
                    " bytes) stored at " + outcome.location;

  // What the destination holds now; a damaged manifest elsewhere does not stop the run.
  std::vector<std::string> problems;
  absl::StatusOr<std::vector<BackupManifest>> listed = (*store)->ListBackups(&problems);
  if (listed.ok()) {
    if (VerificationDue(policy.spec.verify, *listed, *zone, options.now())) {
      auto record = Verify(client, policy, **store, *manifest, request->key, options);
      if (record.ok()) {
        outcome.verification = *record;
        for (BackupManifest& m : *listed) {
          if (m.id == manifest->id) m.verification = *record;
        }
      } else {
        outcome.verification_error = std::string(record.status().message());
      }
    }
    absl::Status pruned = Prune(**store, *listed, policy, *zone, options.now(), &outcome.pruned);
    if (!pruned.ok()) outcome.retention_error = std::string(pruned.message());
    std::erase_if(*listed, [&](const BackupManifest& m) {
      return std::find(outcome.pruned.begin(), outcome.pruned.end(), m.id) !=
             outcome.pruned.end();
    });
    outcome.backups = BackupInventory(*listed, outcome.location);
  } else {
    outcome.retention_error =
        "listing the destination failed: " + std::string(listed.status().message());
  }
  outcome.completion_time = options.now();
  return outcome;
}

}  // namespace upkeep::reconcilers::backup
