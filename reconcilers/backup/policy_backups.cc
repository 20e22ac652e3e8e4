#include "reconcilers/backup/policy_backups.h"

#include <cstdlib>
#include <filesystem>

#include "apiserver/api/base64.h"
#include "backup/directory_store.h"
#include "backup/s3_store.h"
#include "controller/client/api_error.h"
#include "crds/v1alpha1/group_version.h"

namespace upkeep::reconcilers::backup {
namespace {

namespace fs = std::filesystem;
using api::v1alpha1::BackupPolicy;
using nlohmann::json;

absl::Status WithServer(const absl::Status& status, const controller::KubeClient& client) {
  return absl::Status(status.code(),
                      std::string(status.message()) + " (API server " + client.Host() + ")");
}

// `inner` (absolute inside a volume) under the claim's mount point; InvalidArgument when it
// would leave the claim ("/../x").
absl::StatusOr<fs::path> InsideClaim(const std::string& volume_root, const std::string& claim,
                                     const std::string& inner, const std::string& field) {
  fs::path relative = fs::path(inner).relative_path().lexically_normal();
  if (!relative.empty() && *relative.begin() == "..") {
    return absl::InvalidArgumentError(field + " \"" + inner + "\" leaves the volume");
  }
  fs::path out = fs::path(volume_root) / claim;
  if (!relative.empty() && relative != ".") out /= relative;
  return out;
}

}  // namespace

std::string VolumeRootFrom(const std::string& flag) {
  if (!flag.empty()) return flag;
  const char* env = std::getenv(kVolumeRootEnv);
  return env != nullptr && *env != '\0' ? env : kDefaultVolumeRoot;
}

absl::StatusOr<BackupPolicy> ReadBackupPolicy(controller::KubeClient& client, const std::string& ns,
                                              const std::string& name) {
  absl::StatusOr<json> object = client.Get(api::v1alpha1::BackupPolicies(), ns, name);
  if (!object.ok()) {
    if (controller::IsNotFound(object.status())) {
      return absl::NotFoundError("BackupPolicy " + ns + "/" + name + " not found (" +
                                 std::string(object.status().message()) + ")");
    }
    return WithServer(object.status(), client);
  }
  absl::StatusOr<BackupPolicy> policy = api::v1alpha1::ParseBackupPolicy(*object);
  if (!policy.ok()) {
    return absl::InvalidArgumentError("BackupPolicy " + ns + "/" + name +
                                      " is not valid: " + std::string(policy.status().message()));
  }
  return policy;
}

absl::StatusOr<std::string> ReadSecretKey(controller::KubeClient& client, const std::string& ns,
                                          const api::v1alpha1::SecretKeySelector& ref,
                                          const std::string& field) {
  const std::string where = "Secret " + ns + "/" + ref.name + " (" + field + ")";
  absl::StatusOr<json> secret = client.Get(controller::resources::Secrets(), ns, ref.name);
  if (!secret.ok()) {
    if (controller::IsNotFound(secret.status())) {
      return absl::NotFoundError(where + " does not exist");
    }
    return WithServer(secret.status(), client);
  }
  auto data = secret->find("data");
  if (data != secret->end() && data->is_object()) {
    auto value = data->find(ref.key);
    if (value != data->end() && value->is_string()) {
      std::optional<std::string> decoded = apiserver::Base64Decode(value->get<std::string>());
      if (!decoded) {
        return absl::InvalidArgumentError(where + ": data key \"" + ref.key +
                                          "\" is not valid base64");
      }
      return *decoded;
    }
  }
  // stringData is folded into data by a real API server; a stored object may still have it.
  auto string_data = secret->find("stringData");
  if (string_data != secret->end() && string_data->is_object()) {
    auto value = string_data->find(ref.key);
    if (value != string_data->end() && value->is_string()) return value->get<std::string>();
  }
  return absl::NotFoundError(where + " has no key \"" + ref.key + "\"");
}

absl::StatusOr<std::string> ReadBackupKey(controller::KubeClient& client,
                                          const BackupPolicy& policy) {
  const api::v1alpha1::SecretKeySelector& ref = policy.spec.encryption.key_secret_ref;
  absl::StatusOr<std::string> key =
      ReadSecretKey(client, policy.metadata.namespace_, ref, "spec.encryption.keySecretRef");
  if (!key.ok()) return key.status();
  if (key->size() != api::v1alpha1::kBackupKeyBytes) {
    return absl::InvalidArgumentError(
        "the encryption key in Secret " + policy.metadata.namespace_ + "/" + ref.name + ", key \"" +
        ref.key + "\" (spec.encryption.keySecretRef) is " + std::to_string(key->size()) +
        " bytes; AES-256 needs exactly 32 random bytes (kubectl create secret generic " + ref.name +
        " --from-file=" + ref.key + "=<(head -c 32 /dev/urandom))");
  }
  return key;
}

absl::StatusOr<std::string> BackupFolder(const BackupPolicy& policy,
                                         const std::string& volume_root) {
  const fs::path policy_part = fs::path(policy.metadata.namespace_) / policy.metadata.name;
  if (const auto* local = std::get_if<api::v1alpha1::LocalDestination>(&policy.spec.destination)) {
    return (fs::path(local->path) / policy_part).lexically_normal().string();
  }
  if (const auto* volume =
          std::get_if<api::v1alpha1::VolumeDestination>(&policy.spec.destination)) {
    absl::StatusOr<fs::path> folder =
        InsideClaim(volume_root, volume->claim_name, volume->path, "spec.destination.volume.path");
    if (!folder.ok()) return folder.status();
    return (*folder / policy_part).lexically_normal().string();
  }
  return absl::InvalidArgumentError("BackupPolicy " + policy.metadata.namespace_ + "/" +
                                    policy.metadata.name +
                                    ": an s3 destination is a bucket, not a folder");
}

absl::StatusOr<std::unique_ptr<upkeep::backup::ArtifactStore>> OpenBackupDestination(
    controller::KubeClient& client, const BackupPolicy& policy, const std::string& volume_root) {
  if (const auto* s3 = std::get_if<api::v1alpha1::S3Destination>(&policy.spec.destination)) {
    const std::string& ns = policy.metadata.namespace_;
    const std::string& secret = s3->credentials_secret_ref.name;
    const std::string field = "spec.destination.s3.credentialsSecretRef";
    upkeep::backup::S3Credentials credentials;
    auto id = ReadSecretKey(client, ns, {secret, api::v1alpha1::kS3AccessKeyIdKey}, field);
    if (!id.ok()) return id.status();
    auto key = ReadSecretKey(client, ns, {secret, api::v1alpha1::kS3SecretAccessKeyKey}, field);
    if (!key.ok()) return key.status();
    credentials.access_key_id = std::move(*id);
    credentials.secret_access_key = std::move(*key);
    auto store = upkeep::backup::OpenS3Destination(*s3, std::move(credentials),
                                                   ns + "/" + policy.metadata.name);
    if (!store.ok()) return store.status();
    return std::unique_ptr<upkeep::backup::ArtifactStore>(std::move(*store));
  }
  absl::StatusOr<std::string> folder = BackupFolder(policy, volume_root);
  if (!folder.ok()) return folder.status();
  absl::StatusOr<std::unique_ptr<upkeep::backup::DirectoryStore>> store =
      upkeep::backup::DirectoryStore::Open(*folder);
  if (!store.ok()) return store.status();
  return std::unique_ptr<upkeep::backup::ArtifactStore>(std::move(*store));
}

absl::StatusOr<upkeep::backup::BackupRunRequest> BackupRunRequestFor(controller::KubeClient& client,
                                                             const BackupPolicy& policy,
                                                             const std::string& run_id,
                                                             const std::string& volume_root) {
  upkeep::backup::BackupRunRequest request;
  request.policy_namespace = policy.metadata.namespace_;
  request.policy_name = policy.metadata.name;
  request.policy_uid = policy.metadata.uid;
  request.run_id = run_id;
  request.compression = policy.spec.compression;
  if (const auto* pg = std::get_if<api::v1alpha1::PostgresSource>(&policy.spec.source)) {
    upkeep::backup::PostgresBackupSource source;
    source.connection.host = pg->host;
    source.connection.port = static_cast<int>(pg->port);
    source.connection.user = pg->user;
    source.connection.ssl_mode = pg->ssl_mode;
    source.connection.database = pg->database;
    if (pg->password_secret_ref) {
      absl::StatusOr<std::string> password =
          ReadSecretKey(client, policy.metadata.namespace_, *pg->password_secret_ref,
                        "spec.source.postgres.passwordSecretRef");
      if (!password.ok()) return password.status();
      source.connection.password = std::move(*password);
    }
    source.format = pg->format == api::v1alpha1::PostgresDumpFormat::kPlain
                        ? upkeep::backup::DumpFormat::kPlain
                        : upkeep::backup::DumpFormat::kCustom;
    request.source = std::move(source);
  } else if (const auto* volume = std::get_if<api::v1alpha1::VolumeSource>(&policy.spec.source)) {
    absl::StatusOr<fs::path> path =
        InsideClaim(volume_root, volume->claim_name, volume->path, "spec.source.volume.path");
    if (!path.ok()) return path.status();
    request.source =
        upkeep::backup::DirectoryBackupSource{path->string(), volume->files.include, volume->files.exclude};
  } else {
    const auto& local = std::get<api::v1alpha1::LocalSource>(policy.spec.source);
    request.source =
        upkeep::backup::DirectoryBackupSource{local.path, local.files.include, local.files.exclude};
  }
  absl::StatusOr<std::string> key = ReadBackupKey(client, policy);
  if (!key.ok()) return key.status();
  request.key = std::move(*key);
  return request;
}

}  // namespace upkeep::reconcilers::backup
