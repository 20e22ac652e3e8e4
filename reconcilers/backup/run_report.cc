#include "reconcilers/backup/run_report.h"

#include <fcntl.h>
#include <unistd.h>

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers::backup {
namespace {

using nlohmann::json;

std::string Dump(const json& report) {
  return report.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::optional<TimePoint> TimeAt(const json& object, const char* key) {
  auto it = object.find(key);
  if (it == object.end() || !it->is_string()) return std::nullopt;
  auto parsed = controller::ParseRfc3339(it->get<std::string>());
  if (!parsed.ok()) return std::nullopt;
  return *parsed;
}

std::string StringAt(const json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

std::vector<std::string> NamesAt(const json& object, const char* key) {
  std::vector<std::string> names;
  auto it = object.find(key);
  if (it == object.end() || !it->is_array()) return names;
  for (const json& n : *it) {
    if (n.is_string()) names.push_back(n.get<std::string>());
  }
  return names;
}

// Cuts `key`'s text so the line shrinks by up to `excess` bytes.
void Shorten(json& report, const char* key, size_t excess) {
  if (!report.contains(key) || !report[key].is_string()) return;
  std::string text = report[key].get<std::string>();
  if (text.size() <= 3) return;
  size_t keep = text.size() > excess + 3 ? text.size() - excess - 3 : 0;
  report[key] = text.substr(0, keep) + "...";
}

}  // namespace

json RunReport(const PolicyRunOutcome& o) {
  json report = {{"result", o.succeeded ? "Succeeded" : "Failed"},
                 {"runID", o.run_id},
                 {"message", o.message}};
  if (o.start_time) report["startTime"] = controller::FormatRfc3339(*o.start_time);
  if (o.completion_time) report["completionTime"] = controller::FormatRfc3339(*o.completion_time);
  if (!o.succeeded) return report;
  report["id"] = o.backup_id;
  report["sizeBytes"] = o.size_bytes;
  report["sha256"] = o.sha256;
  report["location"] = o.location;
  report["encrypted"] = true;
  report["artifacts"] = o.artifacts;
  report["pruned"] = o.pruned;
  if (!o.retention_error.empty()) report["retentionError"] = o.retention_error;
  if (o.verification) {
    report["verification"] = {{"time", controller::FormatRfc3339(o.verification->time)},
                              {"passed", o.verification->passed},
                              {"message", o.verification->message}};
  }
  if (!o.verification_error.empty()) report["verificationError"] = o.verification_error;
  json backups = json::array();
  for (const api::v1alpha1::BackupRecord& b : o.backups) {
    json entry = {{"id", b.id}, {"sizeBytes", b.size_bytes}, {"sha256", b.sha256},
                  {"verified", b.verified}};
    if (b.completion_time) entry["completionTime"] = controller::FormatRfc3339(*b.completion_time);
    backups.push_back(std::move(entry));
  }
  report["backups"] = std::move(backups);
  return report;
}

std::string ReportLine(json report) {
  std::string line = Dump(report);
  for (const char* names : {"pruned", "artifacts"}) {
    if (line.size() > kTerminationMessageLimit && report.contains(names) &&
        report[names].is_array()) {
      report[names] = report[names].size();
      line = Dump(report);
    }
  }
  // The oldest backups of the inventory go first: status shows the newest.
  while (line.size() > kTerminationMessageLimit && report.contains("backups") &&
         !report["backups"].empty()) {
    report["backups"].erase(report["backups"].size() - 1);
    line = Dump(report);
  }
  for (const char* text : {"verificationError", "retentionError", "message"}) {
    if (line.size() <= kTerminationMessageLimit) break;
    Shorten(report, text, line.size() - kTerminationMessageLimit);
    line = Dump(report);
  }
  if (line.size() > kTerminationMessageLimit && report.contains("verification")) {
    Shorten(report["verification"], "message", line.size() - kTerminationMessageLimit);
    line = Dump(report);
  }
  return line;
}

absl::StatusOr<PolicyRunOutcome> ParseRunReport(std::string_view line) {
  json report = json::parse(line, nullptr, false);
  if (report.is_discarded() || !report.is_object() || !report.contains("result")) {
    std::string start(line.substr(0, 200));
    return absl::InvalidArgumentError("not a backup run report: \"" + start + "\"");
  }
  PolicyRunOutcome o;
  const std::string result = StringAt(report, "result");
  if (result != "Succeeded" && result != "Failed") {
    return absl::InvalidArgumentError("a backup run report with result \"" + result + "\"");
  }
  o.succeeded = result == "Succeeded";
  o.run_id = StringAt(report, "runID");
  o.message = StringAt(report, "message");
  o.start_time = TimeAt(report, "startTime");
  o.completion_time = TimeAt(report, "completionTime");
  o.backup_id = StringAt(report, "id");
  o.size_bytes = report.value("sizeBytes", uint64_t{0});
  o.sha256 = StringAt(report, "sha256");
  o.location = StringAt(report, "location");
  o.artifacts = NamesAt(report, "artifacts");
  o.pruned = NamesAt(report, "pruned");
  o.retention_error = StringAt(report, "retentionError");
  o.verification_error = StringAt(report, "verificationError");
  if (auto v = report.find("verification"); v != report.end() && v->is_object()) {
    upkeep::backup::VerificationRecord record;
    record.time = TimeAt(*v, "time").value_or(TimePoint{});
    record.passed = v->value("passed", false);
    record.message = StringAt(*v, "message");
    o.verification = std::move(record);
  }
  if (auto b = report.find("backups"); b != report.end() && b->is_array()) {
    for (const json& entry : *b) {
      if (!entry.is_object()) continue;
      api::v1alpha1::BackupRecord r;
      r.id = StringAt(entry, "id");
      r.completion_time = TimeAt(entry, "completionTime");
      r.size_bytes = entry.value("sizeBytes", int64_t{0});
      r.sha256 = StringAt(entry, "sha256");
      r.location = BackupLocation(o.location, r.id);
      r.encrypted = true;
      r.verified = entry.value("verified", false);
      o.backups.push_back(std::move(r));
    }
  }
  return o;
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

}  // namespace upkeep::reconcilers::backup
