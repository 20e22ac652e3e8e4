#include "cmd/upkeep/backup_run_report.h"

#include <fcntl.h>
#include <unistd.h>

#include "controller/object/kube_time.h"

namespace upkeep::cmd {

nlohmann::json BackupSucceededReport(const backup::BackupManifest& manifest,
                                     const std::string& location) {
  nlohmann::json names = nlohmann::json::array();
  for (const backup::ArtifactRecord& a : manifest.artifacts) names.push_back(a.name);
  return {{"result", "Succeeded"},
          {"runID", manifest.run_id},
          {"id", manifest.id},
          {"startTime", controller::FormatRfc3339(manifest.start_time)},
          {"completionTime", controller::FormatRfc3339(manifest.completion_time)},
          {"sizeBytes", manifest.TotalSizeBytes()},
          {"sha256", manifest.artifacts.empty() ? "" : manifest.artifacts.front().sha256},
          {"location", location},
          {"encrypted", true},
          {"artifacts", names}};
}

nlohmann::json BackupFailedReport(const std::string& run_id, const absl::Status& status) {
  return {{"result", "Failed"}, {"runID", run_id}, {"message", std::string(status.message())}};
}

std::string ReportLine(nlohmann::json report) {
  std::string line = report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (line.size() <= kTerminationMessageLimit) return line;
  if (report.contains("artifacts") && report["artifacts"].is_array()) {
    report["artifacts"] = report["artifacts"].size();
    line = report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  if (line.size() > kTerminationMessageLimit && report.contains("message")) {
    std::string message = report["message"].get<std::string>();
    size_t excess = line.size() - kTerminationMessageLimit + 3;
    message = message.substr(0, message.size() > excess ? message.size() - excess : 0) + "...";
    report["message"] = message;
    line = report.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
  return line;
}

bool WriteTerminationMessage(const std::string& path, const std::string& line) {
  if (path.empty()) return false;
  int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
  if (fd < 0) return false;
  std::string_view data = line;
  bool ok = true;
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ok = false;
      break;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  ::close(fd);
  return ok;
}

}  // namespace upkeep::cmd
