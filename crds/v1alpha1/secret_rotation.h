// SecretRotation (upkeep.dev/v1alpha1): a Secret whose values upkeep generates and replaces
// on a schedule, optionally changing a PostgreSQL role's password first and restarting the
// workloads that read it (API.md "SecretRotation"; crds/upkeep.dev_secretrotations.yaml).
//
// The parser fills in every default, including those the CRD cannot state because they depend
// on another field (a generator's defaults depend on its type; the 90-day interval applies only
// when no schedule is set), and checks the rules the schema cannot: which generator fields fit
// which type, schedules and durations, unique key names, the postgres password key.
// Value types and pure functions; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "crds/fields/field_reader.h"
#include "crds/fields/schedule.h"
#include "crds/v1alpha1/common.h"

namespace upkeep::api::v1alpha1 {

// Condition set while a rotation is under way (database changed, restarts or gate pending).
inline constexpr char kConditionRotating[] = "Rotating";

// With neither rotationInterval nor schedule, every key rotates this often.
inline constexpr std::chrono::hours kDefaultRotationInterval{90 * 24};
// With keepPrevious, the replaced value of KEY is kept as KEY + this suffix.
inline constexpr char kPreviousValueSuffix[] = "_PREVIOUS";

// The password generator's alphabet. The symbols are External Secrets' default set.
inline constexpr char kPasswordLetters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
inline constexpr char kPasswordDigits[] = "0123456789";
inline constexpr char kPasswordSymbols[] = "~!@#$%^&*()_+`-={}|[]\\:\"<>?,./";

enum class GeneratorType {
  kPassword,
  kHex,
  kBase64,
  kUuid,
  kHmac,
  kFernet,
  kRsa,
  kEcdsa,
  kEd25519,
  kSshEd25519,
};
// The API's spelling: "password", "ssh-ed25519", ...
std::string_view GeneratorTypeName(GeneratorType type);

// How random bytes are written into the Secret.
enum class ByteEncoding {
  kBase64,     // standard alphabet, padded
  kBase64Url,  // URL-safe alphabet, no padding
  kHex,        // lower case
  kRaw,        // the bytes themselves
};

struct GeneratorSpec {
  GeneratorType type = GeneratorType::kPassword;
  // password
  int length = 32;
  bool symbols = false;
  bool digits = true;
  std::string exclude_characters;
  // hex, base64, hmac
  int bytes = 32;
  ByteEncoding encoding = ByteEncoding::kBase64;  // kHex for hex
  // rsa
  int rsa_bits = 2048;
};

struct GeneratedKeySpec {
  std::string name;  // the key in the Secret's data
  GeneratorSpec generator;
  // This key's own interval; nullopt: the spec's rotationInterval or schedule.
  std::optional<std::chrono::nanoseconds> rotation_interval;
};

// The login of a role allowed to ALTER the rotated role.
struct PostgresAdminSecretRef {
  std::string name;
  std::string user_key = "user";
  std::string password_key = "password";
};

struct PostgresRoleRotation {
  std::string host;
  int64_t port = 5432;
  std::string database = "postgres";
  std::string ssl_mode = "prefer";  // libpq sslmode
  std::string role;
  std::string password_key;  // a key of `keys` whose generator is a password
  // nullopt: log in as the role itself with its current password.
  std::optional<PostgresAdminSecretRef> admin_secret_ref;
};

enum class OnExisting { kAdopt, kRegenerate };

struct SecretRotationSpec {
  std::string secret_name;
  ObjectMetaTemplate secret_template;
  // After parsing without errors exactly one is set: the interval (default
  // kDefaultRotationInterval) or the schedule.
  std::optional<std::chrono::nanoseconds> rotation_interval;
  std::optional<Schedule> schedule;
  std::string time_zone = "UTC";
  OnExisting on_existing = OnExisting::kAdopt;
  std::vector<GeneratedKeySpec> keys;
  bool keep_previous = true;
  std::chrono::nanoseconds grace_period = std::chrono::hours(24);
  std::vector<WorkloadReference> restart_targets;
  bool auto_restart = false;
  std::optional<LocalObjectReference> health_gate_ref;
  std::optional<PostgresRoleRotation> postgres;
};

struct RestartedWorkload {
  std::string kind;
  std::string name;
  std::optional<std::chrono::system_clock::time_point> time;
};

// When one key was last generated; what its interval counts from.
struct KeyRotationStatus {
  std::string name;
  std::optional<std::chrono::system_clock::time_point> last_rotation_time;
};

struct SecretRotationStatus {
  int64_t version = 0;  // 0: nothing generated yet (absent)
  std::optional<std::chrono::system_clock::time_point> last_rotation_time;
  std::optional<std::chrono::system_clock::time_point> next_rotation_time;
  std::optional<std::chrono::system_clock::time_point> previous_expires_at;
  std::vector<RestartedWorkload> restarted;
  std::vector<KeyRotationStatus> keys;
  CommonStatus common;
};

using SecretRotation = Resource<SecretRotationSpec, SecretRotationStatus>;

SecretRotationSpec ParseSecretRotationSpec(FieldReader& spec);
SecretRotationStatus ParseSecretRotationStatus(FieldReader& status);
// The status as the controller writes it; unset times and empty lists stay absent.
nlohmann::json SecretRotationStatusToJson(const SecretRotationStatus& status);

// A whole object (metadata, spec, status); InvalidArgument lists every field error.
absl::StatusOr<SecretRotation> ParseSecretRotation(const nlohmann::json& object);

}  // namespace upkeep::api::v1alpha1
