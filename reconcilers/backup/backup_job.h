// The Job of one backup run (API.md executor.mode Job) and how its end is read back: the pure
// parts of the Job executor (job_executor.h).
//
// The Job runs `upkeep run backup <ns>/<name> --run-id <id>` from upkeep's image, as the
// executor's service account (which reads the policy and its Secrets itself; nothing secret
// is in the Job), with every claim the policy names mounted at <volume root>/<claimName>
// (a source claim read-only), a writable /tmp, a locked-down security context, the
// executor's resources, backoffLimit (default 1) and activeDeadlineSeconds (default 3600).
// The runner writes its report (run_report.h) as the container's termination message.
// The policy owns the Job (deleting the policy deletes its Jobs); finished Jobs are removed
// after ttlSecondsAfterFinished.
//
// Pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crds/v1alpha1/backup_policy.h"
#include "reconcilers/backup/backup_executor.h"

namespace upkeep::reconcilers::backup {

inline constexpr char kPolicyLabel[] = "upkeep.dev/backup-policy";
inline constexpr char kRunIdLabel[] = "upkeep.dev/run-id";
inline constexpr char kRunnerContainer[] = "backup";
inline constexpr char kJobVolumeRoot[] = "/var/lib/upkeep/volumes";

struct BackupJobOptions {
  std::string default_image;  // upkeep's own image, when spec.executor.image is unset
  int64_t ttl_seconds_after_finished = 86400;
};

// The Job's name: "<policy>-<run id>", shortened with a hash of the policy name to fit 63
// characters (it is also a label value).
std::string BackupJobName(const std::string& policy_name, const std::string& run_id);

// The Job for run `run_id`; InvalidArgument when no image is known.
absl::StatusOr<nlohmann::json> BuildBackupJob(const api::v1alpha1::BackupPolicy& policy,
                                              const std::string& run_id,
                                              const BackupJobOptions& options);

// What a Job and its Pods say about the run: running until the Job has a Complete or Failed
// condition; then the report from the newest Pod's termination message (a Job that failed
// without one, say past its deadline or OOM-killed, is a failed run with the Job's and the
// container's reasons).
RunState ReadBackupJob(const nlohmann::json& job, const std::vector<nlohmann::json>& pods);

}  // namespace upkeep::reconcilers::backup
