// One run of a BackupPolicy: everything that touches its destination, shared by
// `upkeep run backup` (what a Job executes) and the Inline executor, so both behave the same:
//   1. the backup (RunBackup: source → compression → AES-256-GCM → destination, manifest last);
//   2. when due (VerificationDue), the restore test of the new backup (VerifyBackup);
//   3. only when the backup succeeded, retention over the manifests at the destination
//      (DecideRetention, which keeps the newest verified backup): a failed run deletes
//      nothing.
// The destination is read here and not by the controller, which in Job mode cannot see it:
// the outcome carries what the controller records in status (inventory, verification).
//
// Thread-safe for different policies; one run per policy at a time.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "backup/backup_manifest.h"
#include "controller/client/kube_client.h"
#include "crds/v1alpha1/backup_policy.h"
#include "reconcilers/schedule/run_times.h"

namespace upkeep::reconcilers::backup {

using TimePoint = std::chrono::system_clock::time_point;

struct PolicyRunOutcome {
  std::string run_id;
  bool succeeded = false;
  std::string message;  // why it failed, or what was done
  std::optional<TimePoint> start_time;
  std::optional<TimePoint> completion_time;

  // The new backup (succeeded only).
  std::string backup_id;
  uint64_t size_bytes = 0;
  std::string sha256;  // of the first artifact
  std::string location;
  std::vector<std::string> artifacts;

  std::vector<std::string> pruned;  // ids retention deleted
  std::string retention_error;      // pruning failed part-way; the new backup stands

  // The restore test of the new backup, when one ran.
  std::optional<upkeep::backup::VerificationRecord> verification;
  std::string verification_error;  // the test could not even be recorded

  // The destination after pruning, newest first (status.backups).
  std::vector<api::v1alpha1::BackupRecord> backups;
};

struct PolicyRunOptions {
  std::string run_id;
  std::string volume_root;  // where volume claims are mounted
  std::function<TimePoint()> now = [] { return std::chrono::system_clock::now(); };
};

// Runs the policy once. Never throws; every failure is in the outcome, with the step and the
// object that failed (never a secret value). A stop request fails the run as Cancelled, and
// what it wrote is removed.
PolicyRunOutcome RunPolicyBackup(controller::KubeClient& client,
                                 const api::v1alpha1::BackupPolicy& policy,
                                 const PolicyRunOptions& options, std::stop_token stop = {});

// Whether the newest of `listed` (oldest first, all complete backups of the policy) gets a
// restore test: with verify.every N, when N or more backups completed since the newest one
// that was tested (pass or fail), counting it; with verify.schedule, when a scheduled time
// passed since the last test (the first backup is always tested). Pure.
bool VerificationDue(const std::optional<api::v1alpha1::VerifySpec>& verify,
                     const std::vector<upkeep::backup::BackupManifest>& listed,
                     const schedule::TimeZone& zone, TimePoint now);

// Where backup `id` is: the store's location ("file:///b/ns/p", "s3://bucket/prefix/") and
// the id, with one slash between.
std::string BackupLocation(const std::string& store_location, const std::string& id);

// status.backups from the manifests (oldest first in, newest first out).
std::vector<api::v1alpha1::BackupRecord> BackupInventory(
    const std::vector<upkeep::backup::BackupManifest>& listed, const std::string& location);

}  // namespace upkeep::reconcilers::backup
