#include "backup/backup_manifest.h"

#include <cctype>
#include <ctime>

namespace upkeep::backup {
namespace {

using nlohmann::json;
using std::chrono::system_clock;

std::string FormatTime(system_clock::time_point t) {
  std::time_t secs = system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

absl::StatusOr<system_clock::time_point> ParseTime(const std::string& text,
                                                   const char* field) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%SZ", &tm);
  if (end == nullptr || *end != '\0') {
    return absl::InvalidArgumentError(std::string("manifest field ") + field +
                                      ": not an RFC 3339 UTC time: \"" + text + "\"");
  }
  return system_clock::from_time_t(timegm(&tm));
}

absl::StatusOr<std::string> String(const json& j, const char* field, bool required = true) {
  if (!j.contains(field)) {
    if (!required) return std::string();
    return absl::InvalidArgumentError(std::string("manifest field ") + field + ": missing");
  }
  if (!j[field].is_string()) {
    return absl::InvalidArgumentError(std::string("manifest field ") + field +
                                      ": not a string");
  }
  return j[field].get<std::string>();
}

}  // namespace

uint64_t BackupManifest::TotalSizeBytes() const {
  uint64_t total = 0;
  for (const ArtifactRecord& a : artifacts) total += a.size_bytes;
  return total;
}

json ManifestToJson(const BackupManifest& m) {
  json artifacts = json::array();
  for (const ArtifactRecord& a : m.artifacts) {
    json entry = {{"name", a.name}, {"sizeBytes", a.size_bytes}, {"sha256", a.sha256}};
    if (!a.database.empty()) entry["database"] = a.database;
    artifacts.push_back(std::move(entry));
  }
  json out = {
      {"format", kManifestFormat},
      {"id", m.id},
      {"policy", {{"namespace", m.policy_namespace}, {"name", m.policy_name},
                  {"uid", m.policy_uid}}},
      {"runID", m.run_id},
      {"source", {{"kind", m.source_kind}, {"description", m.source}}},
      {"startTime", FormatTime(m.start_time)},
      {"completionTime", FormatTime(m.completion_time)},
      {"compression", m.compression},
      {"encryption", {{"format", m.encryption}, {"keyFingerprint", m.key_fingerprint}}},
      {"artifacts", std::move(artifacts)},
      {"sizeBytes", m.TotalSizeBytes()},
      {"tools", m.tool_versions},
  };
  if (!m.postgres_format.empty()) out["source"]["postgresFormat"] = m.postgres_format;
  return out;
}

absl::StatusOr<BackupManifest> ManifestFromJson(const json& j) {
  if (!j.is_object()) return absl::InvalidArgumentError("manifest: not a JSON object");
  auto format = String(j, "format");
  if (!format.ok()) return format.status();
  if (*format != kManifestFormat) {
    return absl::InvalidArgumentError("manifest field format: \"" + *format +
                                      "\" is not " + kManifestFormat);
  }
  BackupManifest m;
  auto id = String(j, "id");
  if (!id.ok()) return id.status();
  if (!IsSafeName(*id)) {
    return absl::InvalidArgumentError("manifest field id: \"" + *id + "\" is not a safe name");
  }
  m.id = *id;
  if (j.contains("policy") && j["policy"].is_object()) {
    const json& p = j["policy"];
    m.policy_namespace = p.value("namespace", "");
    m.policy_name = p.value("name", "");
    m.policy_uid = p.value("uid", "");
  }
  m.run_id = j.value("runID", "");
  if (j.contains("source") && j["source"].is_object()) {
    m.source_kind = j["source"].value("kind", "");
    m.source = j["source"].value("description", "");
    m.postgres_format = j["source"].value("postgresFormat", "");
  }
  for (const char* field : {"startTime", "completionTime"}) {
    auto text = String(j, field);
    if (!text.ok()) return text.status();
    auto t = ParseTime(*text, field);
    if (!t.ok()) return t.status();
    (std::string_view(field) == "startTime" ? m.start_time : m.completion_time) = *t;
  }
  auto compression = String(j, "compression");
  if (!compression.ok()) return compression.status();
  m.compression = *compression;
  if (!j.contains("encryption") || !j["encryption"].is_object()) {
    return absl::InvalidArgumentError("manifest field encryption: missing");
  }
  m.encryption = j["encryption"].value("format", "");
  m.key_fingerprint = j["encryption"].value("keyFingerprint", "");
  if (!j.contains("artifacts") || !j["artifacts"].is_array() || j["artifacts"].empty()) {
    return absl::InvalidArgumentError("manifest field artifacts: missing or empty");
  }
  for (size_t i = 0; i < j["artifacts"].size(); ++i) {
    const json& a = j["artifacts"][i];
    const std::string where = "manifest field artifacts[" + std::to_string(i) + "]";
    if (!a.is_object() || !a.contains("name") || !a["name"].is_string() ||
        !IsSafeName(a["name"].get<std::string>())) {
      return absl::InvalidArgumentError(where + ".name: missing or not a safe name");
    }
    if (!a.contains("sizeBytes") || !a["sizeBytes"].is_number_unsigned()) {
      return absl::InvalidArgumentError(where + ".sizeBytes: missing or not a count");
    }
    std::string sha = a.value("sha256", "");
    if (sha.size() != 64 ||
        sha.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(where + ".sha256: not a SHA-256 in hex");
    }
    m.artifacts.push_back(ArtifactRecord{a["name"].get<std::string>(), a.value("database", ""),
                                         a["sizeBytes"].get<uint64_t>(), sha});
  }
  if (j.contains("tools") && j["tools"].is_object()) {
    for (const auto& [tool, version] : j["tools"].items()) {
      if (version.is_string()) m.tool_versions[tool] = version.get<std::string>();
    }
  }
  return m;
}

json VerificationToJson(const VerificationRecord& record) {
  return {{"time", FormatTime(record.time)},
          {"passed", record.passed},
          {"message", record.message},
          {"checks", record.checks}};
}

absl::StatusOr<VerificationRecord> VerificationFromJson(const json& j) {
  if (!j.is_object() || !j.contains("passed") || !j["passed"].is_boolean()) {
    return absl::InvalidArgumentError("verification record field passed: missing");
  }
  VerificationRecord record;
  auto time = ParseTime(j.value("time", ""), "time");
  if (!time.ok()) return time.status();
  record.time = *time;
  record.passed = j["passed"].get<bool>();
  record.message = j.value("message", "");
  if (j.contains("checks") && j["checks"].is_array()) {
    for (const json& c : j["checks"]) {
      if (c.is_string()) record.checks.push_back(c.get<std::string>());
    }
  }
  return record;
}

std::string NewBackupId(system_clock::time_point start, std::string_view run_id) {
  std::time_t secs = system_clock::to_time_t(start);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y%m%dT%H%M%SZ", &tm);
  std::string suffix;
  for (char c : run_id) {
    if (std::isalnum(static_cast<unsigned char>(c))) suffix += c;
  }
  if (suffix.size() > 8) suffix = suffix.substr(suffix.size() - 8);
  return suffix.empty() ? std::string(buf) : std::string(buf) + "-" + suffix;
}

bool IsSafeName(std::string_view name) {
  if (name.empty() || name.size() > 200 || name == "." || name == "..") return false;
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '-') {
      return false;
    }
  }
  return true;
}

}  // namespace upkeep::backup
