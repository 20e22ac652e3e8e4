// What the backup commands (`upkeep backup list|restore`, `upkeep run backup`) read about a
// BackupPolicy: the policy itself through the API, the Secrets it names (the encryption key,
// the database password) and its destination opened as an ArtifactStore.
//
// Where a policy's backups live: <destination folder>/<namespace>/<policy name>, so several
// policies can share one destination. For destination.local the folder is `path`; for
// destination.volume it is `path` inside the claim, and the claim is expected to be mounted
// at <volume root>/<claimName> (the Job mounts it there; on a host, --volume-root or
// $UPKEEP_VOLUME_ROOT says where). source.volume is read from the same place. For
// destination.s3 they are the objects under <prefix><namespace>/<policy name>/, with the
// credentials from the Secret's accessKeyID and secretAccessKey.
//
// Secret values are returned to the caller only; no error message ever holds one.
// Thread-compatible; the client is borrowed for each call.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <string>

#include "backup/artifact_store.h"
#include "backup/backup_run.h"
#include "controller/client/kube_client.h"
#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::reconcilers::backup {

// Where volume claims are mounted when neither --volume-root nor $UPKEEP_VOLUME_ROOT is set.
inline constexpr char kDefaultVolumeRoot[] = "/var/lib/upkeep/volumes";
inline constexpr char kVolumeRootEnv[] = "UPKEEP_VOLUME_ROOT";

// `flag` when set, else $UPKEEP_VOLUME_ROOT, else kDefaultVolumeRoot.
std::string VolumeRootFrom(const std::string& flag);

// BackupPolicy `ns`/`name`, parsed. NotFound naming it; InvalidArgument with the field
// errors when it does not parse; the client's error with the server's address otherwise.
absl::StatusOr<api::v1alpha1::BackupPolicy> ReadBackupPolicy(controller::KubeClient& client,
                                                             const std::string& ns,
                                                             const std::string& name);

// The decoded value of `ref` in Secret `ns`/ref.name; `field` names the reference for
// messages ("spec.encryption.keySecretRef"). NotFound for a missing Secret or key.
absl::StatusOr<std::string> ReadSecretKey(controller::KubeClient& client, const std::string& ns,
                                          const api::v1alpha1::SecretKeySelector& ref,
                                          const std::string& field);

// The policy's encryption key; InvalidArgument naming the Secret and key (and the size, never
// the value) when it is not exactly 32 bytes.
absl::StatusOr<std::string> ReadBackupKey(controller::KubeClient& client,
                                          const api::v1alpha1::BackupPolicy& policy);

// The folder holding the policy's backups (see above). Pure. InvalidArgument for s3 and for
// a volume path that leaves its claim.
absl::StatusOr<std::string> BackupFolder(const api::v1alpha1::BackupPolicy& policy,
                                         const std::string& volume_root);

// The destination as a store (a folder is created when missing; a bucket must exist). Reads
// the S3 credentials Secret through `client`.
absl::StatusOr<std::unique_ptr<upkeep::backup::ArtifactStore>> OpenBackupDestination(
    controller::KubeClient& client, const api::v1alpha1::BackupPolicy& policy,
    const std::string& volume_root);

// Everything RunBackup needs for one run of the policy: the source (with the database
// password read from its Secret), the compression and the key.
absl::StatusOr<upkeep::backup::BackupRunRequest> BackupRunRequestFor(
    controller::KubeClient& client, const api::v1alpha1::BackupPolicy& policy,
    const std::string& run_id, const std::string& volume_root);

}  // namespace upkeep::reconcilers::backup
