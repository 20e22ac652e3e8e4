// The report of one run (policy_run.h's PolicyRunOutcome) as one line of JSON: what
// `upkeep run backup` prints and writes as the container's termination message, and what
// the controller reads back from a finished Job's Pod into status.
//
//   {"result":"Succeeded","runID":..,"message":..,"startTime":..,"completionTime":..,
//    "id":..,"sizeBytes":..,"sha256":..,"location":..,"artifacts":[names],
//    "pruned":[ids],"retentionError":..,
//    "verification":{"time":..,"passed":..,"message":..},"verificationError":..,
//    "backups":[{"id","completionTime","sizeBytes","sha256","verified"}]}
//   {"result":"Failed","runID":..,"message":..,...}
//
// Kubernetes keeps at most 4096 bytes of a termination message, so ReportLine drops what
// matters least first: artifact and pruned names (their counts stay), then the oldest
// inventory entries, then the end of long messages. Holds no secret.
// Pure apart from WriteTerminationMessage; thread-compatible.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>
#include <string>

#include "reconcilers/backup/policy_run.h"

namespace upkeep::reconcilers::backup {

inline constexpr char kDefaultTerminationLogPath[] = "/dev/termination-log";
inline constexpr size_t kTerminationMessageLimit = 4096;

nlohmann::json RunReport(const PolicyRunOutcome& outcome);

// The report as one line, at most kTerminationMessageLimit bytes (see above).
std::string ReportLine(nlohmann::json report);

// A report line back as an outcome; InvalidArgument when it is not one (a Pod that died
// before writing it leaves the runtime's own text, or nothing).
absl::StatusOr<PolicyRunOutcome> ParseRunReport(std::string_view line);

// Writes `line` to `path` when it can be opened for writing (a Job's /dev/termination-log);
// false, silently, when it cannot (not in a container).
bool WriteTerminationMessage(const std::string& path, const std::string& line);

}  // namespace upkeep::reconcilers::backup
