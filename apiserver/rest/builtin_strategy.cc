#include "apiserver/rest/builtin_strategy.h"

#include <set>
#include <string>

#include "apiserver/api/base64.h"

namespace upkeep::apiserver {

void PrepareBuiltinForWrite(const ResourceInfo& info, nlohmann::json& object) {
  if (!info.group.empty() || info.resource != "secrets") return;
  // stringData is write-only: its entries win over data and it is never stored.
  auto string_data = object.find("stringData");
  if (string_data != object.end()) {
    if (string_data->is_object()) {
      for (const auto& [key, value] : string_data->items()) {
        if (value.is_string()) object["data"][key] = Base64Encode(value.get<std::string>());
      }
    }
    object.erase("stringData");
  }
  if (!object.contains("type") || object["type"] == "") object["type"] = "Opaque";
}

bool TracksGeneration(const ResourceInfo& info) {
  if (info.custom) return true;
  static const std::set<std::string> kWithGeneration = {
      "deployments.apps", "replicasets.apps",   "statefulsets.apps",
      "daemonsets.apps",  "jobs.batch",         "cronjobs.batch",
      "ingresses.networking.k8s.io", "customresourcedefinitions.apiextensions.k8s.io"};
  return kWithGeneration.count(info.GroupResource()) > 0;
}

}  // namespace upkeep::apiserver
