#include "cmd/upkeep/backup_listing.h"

#include <algorithm>
#include <array>
#include <cstdio>

#include "controller/object/kube_time.h"

namespace upkeep::cmd {
namespace {

const api::v1alpha1::BackupRecord* FindRecord(const api::v1alpha1::BackupPolicyStatus& status,
                                              const std::string& id) {
  for (const api::v1alpha1::BackupRecord& record : status.backups) {
    if (record.id == id) return &record;
  }
  return nullptr;
}

std::string ArtifactsColumn(const backup::BackupManifest& manifest) {
  if (manifest.artifacts.size() > 3) {
    return std::to_string(manifest.artifacts.size()) + " artifacts";
  }
  std::string out;
  for (const backup::ArtifactRecord& a : manifest.artifacts) {
    out += (out.empty() ? "" : ",") + a.name;
  }
  return out;
}

}  // namespace

std::string HumanSize(uint64_t bytes) {
  if (bytes < 1024) return std::to_string(bytes) + " B";
  static constexpr std::array<const char*, 6> kUnits = {"KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  double value = static_cast<double>(bytes) / 1024;
  size_t unit = 0;
  while (value >= 1024 && unit + 1 < kUnits.size()) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), value < 10 ? "%.1f %s" : "%.0f %s", value, kUnits[unit]);
  return buf;
}

std::string VerifiedColumn(const api::v1alpha1::BackupPolicyStatus& status, const std::string& id) {
  const api::v1alpha1::BackupRecord* record = FindRecord(status, id);
  if (record == nullptr) return "-";
  return record->verified ? "yes" : "no";
}

std::string FormatBackupTable(const std::vector<backup::BackupManifest>& oldest_first,
                              const api::v1alpha1::BackupPolicyStatus& status) {
  std::vector<std::array<std::string, 5>> rows = {
      {"ID", "COMPLETED", "SIZE", "ARTIFACTS", "VERIFIED"}};
  for (auto it = oldest_first.rbegin(); it != oldest_first.rend(); ++it) {
    rows.push_back({it->id, controller::FormatRfc3339(it->completion_time),
                    HumanSize(it->TotalSizeBytes()), ArtifactsColumn(*it),
                    VerifiedColumn(status, it->id)});
  }
  std::array<size_t, 5> widths{};
  for (const auto& row : rows) {
    for (size_t c = 0; c < row.size(); ++c) widths[c] = std::max(widths[c], row[c].size());
  }
  std::string out;
  for (const auto& row : rows) {
    std::string line;
    for (size_t c = 0; c < row.size(); ++c) {
      line += row[c];
      if (c + 1 < row.size()) line += std::string(widths[c] - row[c].size() + 3, ' ');
    }
    out += line + "\n";
  }
  return out;
}

nlohmann::json BackupListJson(const std::string& location,
                              const std::vector<backup::BackupManifest>& oldest_first,
                              const api::v1alpha1::BackupPolicyStatus& status,
                              const std::vector<std::string>& problems) {
  nlohmann::json backups = nlohmann::json::array();
  for (auto it = oldest_first.rbegin(); it != oldest_first.rend(); ++it) {
    nlohmann::json entry = backup::ManifestToJson(*it);
    const api::v1alpha1::BackupRecord* record = FindRecord(status, it->id);
    entry["verified"] =
        record == nullptr ? nlohmann::json(nullptr) : nlohmann::json(record->verified);
    backups.push_back(std::move(entry));
  }
  return {{"location", location}, {"backups", backups}, {"problems", problems}};
}

}  // namespace upkeep::cmd
