#include "apiserver/apply/apply_errors.h"

#include <map>
#include <string>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {

std::string DescribeManager(const ManagedFieldsEntry& owner) {
  std::string out = nlohmann::json(owner.manager).dump();
  if (!owner.subresource.empty()) {
    out += " with subresource " + nlohmann::json(owner.subresource).dump();
  }
  if (owner.operation == kOperationUpdate) out += " using " + owner.api_version;
  return out;
}

absl::Status ApplyConflictError(const std::vector<FieldConflict>& conflicts) {
  nlohmann::json causes = nlohmann::json::array();
  for (const FieldConflict& c : conflicts) {
    causes.push_back({{"reason", "FieldManagerConflict"},
                      {"message", "conflict with " + DescribeManager(c.owner)},
                      {"field", FieldPathString(c.path)}});
  }

  std::string message;
  if (conflicts.size() == 1) {
    message = "Apply failed with 1 conflict: conflict with " + DescribeManager(conflicts[0].owner) +
              ": " + FieldPathString(conflicts[0].path);
  } else {
    std::map<std::string, std::vector<const FieldConflict*>> by_owner;
    for (const FieldConflict& c : conflicts) by_owner[c.owner.Identifier()].push_back(&c);
    std::string lines;
    for (const auto& [id, owned] : by_owner) {
      if (!lines.empty()) lines += "\n";
      lines += "conflicts with " + DescribeManager(owned.front()->owner) + ":";
      for (const FieldConflict* c : owned) lines += "\n- " + FieldPathString(c->path);
    }
    message = "Apply failed with " + std::to_string(conflicts.size()) + " conflicts: " + lines;
  }

  nlohmann::json status = {{"kind", "Status"},
                           {"apiVersion", "v1"},
                           {"metadata", nlohmann::json::object()},
                           {"status", "Failure"},
                           {"message", message},
                           {"reason", "Conflict"},
                           {"details", {{"causes", causes}}},
                           {"code", 409}};
  return StatusFromObject(status);
}

absl::Status UnclassifiedServerError(std::string_view message) {
  return StatusFromObject({{"kind", "Status"},
                           {"apiVersion", "v1"},
                           {"metadata", nlohmann::json::object()},
                           {"status", "Failure"},
                           {"message", message},
                           {"code", 500}});
}

}  // namespace upkeep::apiserver
