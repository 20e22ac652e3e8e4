// LogRotation (upkeep.dev/v1alpha1): logrotate(8) semantics for log files in a volume or on
// the host. Contract: API.md "LogRotation"; schema: crds/upkeep.dev_logrotations.yaml.
// Value types and pure parse/write functions; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "crds/fields/field_reader.h"
#include "crds/fields/schedule.h"
#include "crds/v1alpha1/common.h"

namespace upkeep::api::v1alpha1 {

struct LogRotationTarget {
  // Exactly one of volume or local.
  struct Volume {
    std::string claim_name;
    std::vector<std::string> paths;  // globs relative to the volume root
  };
  struct Local {
    std::vector<std::string> paths;  // absolute globs on the host
  };
  std::optional<Volume> volume;
  std::optional<Local> local;
};

enum class LogCompression { kGzip, kZstd, kNone };

struct LogRotationSpec {
  Schedule schedule;                      // default "@hourly"
  std::string time_zone = "UTC";
  bool suspend = false;
  LogRotationTarget target;
  std::optional<int64_t> size_bytes;      // rotate when larger, whatever the time
  int64_t min_size_bytes = 0;             // on scheduled rotation, skip smaller files
  std::optional<std::chrono::nanoseconds> max_age;  // delete rotations older than this
  int64_t rotate = 5;                     // rotations kept per log
  LogCompression compress = LogCompression::kGzip;
  bool delay_compress = false;
  bool copy_truncate = false;
  bool date_ext = false;
  std::string date_format = "-%Y%m%d";
  bool missing_ok = false;
  bool not_if_empty = false;
  ExecutorSpec executor;
};

struct LogRotationStatus {
  CommonStatus common;
  std::optional<std::chrono::system_clock::time_point> last_run_time;
  std::optional<std::chrono::system_clock::time_point> next_run_time;
  int64_t files_rotated = 0;
  int64_t bytes_reclaimed = 0;
};

using LogRotation = Resource<LogRotationSpec, LogRotationStatus>;

LogRotationSpec ParseLogRotationSpec(FieldReader& spec);
LogRotationStatus ParseLogRotationStatus(FieldReader& status);
nlohmann::json LogRotationStatusToJson(const LogRotationStatus& status);

// The whole object; InvalidArgument lists every field error of spec and status.
absl::StatusOr<LogRotation> ParseLogRotation(const nlohmann::json& object);

}  // namespace upkeep::api::v1alpha1
