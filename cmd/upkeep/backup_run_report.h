// What `upkeep run backup` reports: one line of JSON on stdout and, in a Job, the container's
// termination message, which the controller reads back into status.backups / status.history.
//
//   {"result":"Succeeded","runID":..,"id":..,"startTime":..,"completionTime":..,"sizeBytes":..,
//    "sha256":<first artifact's>,"location":..,"encrypted":true,"artifacts":[names]}
//   {"result":"Failed","runID":..,"message":..}
//
// Pure apart from WriteTerminationMessage; thread-compatible.
#pragma once

#include <absl/status/status.h>

#include <nlohmann/json.hpp>
#include <string>

#include "backup/backup_manifest.h"

namespace upkeep::cmd {

inline constexpr char kDefaultTerminationLogPath[] = "/dev/termination-log";
// Kubernetes keeps at most 4096 bytes of a termination message.
inline constexpr size_t kTerminationMessageLimit = 4096;

nlohmann::json BackupSucceededReport(const backup::BackupManifest& manifest,
                                     const std::string& location);
nlohmann::json BackupFailedReport(const std::string& run_id, const absl::Status& status);

// The report as one line, at most kTerminationMessageLimit bytes: past it, the artifact names
// become their count ("artifacts": 212) and a long message is cut.
std::string ReportLine(nlohmann::json report);

// Writes `line` to `path` when it can be opened for writing (a Job's /dev/termination-log);
// false, silently, when it cannot (not in a container).
bool WriteTerminationMessage(const std::string& path, const std::string& line);

}  // namespace upkeep::cmd
