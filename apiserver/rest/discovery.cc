#include "apiserver/rest/discovery.h"

namespace upkeep::apiserver {
namespace {

nlohmann::json GroupJson(const std::string& group, const std::vector<std::string>& versions) {
  nlohmann::json list = nlohmann::json::array();
  for (const std::string& v : versions) {
    list.push_back({{"groupVersion", group + "/" + v}, {"version", v}});
  }
  return {{"name", group}, {"versions", list}, {"preferredVersion", list.at(0)}};
}

}  // namespace

nlohmann::json CoreApiVersions(const std::string& server_address) {
  return {{"kind", "APIVersions"},
          {"versions", {"v1"}},
          {"serverAddressByClientCIDRs",
           {{{"clientCIDR", "0.0.0.0/0"}, {"serverAddress", server_address}}}}};
}

nlohmann::json ApiGroupList(const ResourceRegistry& registry) {
  nlohmann::json groups = nlohmann::json::array();
  for (const auto& [group, versions] : registry.Groups()) {
    if (group.empty()) continue;
    groups.push_back(GroupJson(group, versions));
  }
  return {{"kind", "APIGroupList"}, {"apiVersion", "v1"}, {"groups", groups}};
}

std::optional<nlohmann::json> ApiGroup(const ResourceRegistry& registry,
                                       const std::string& group) {
  for (const auto& [g, versions] : registry.Groups()) {
    if (g == group && !group.empty()) {
      nlohmann::json out = GroupJson(g, versions);
      out["kind"] = "APIGroup";
      out["apiVersion"] = "v1";
      return out;
    }
  }
  return std::nullopt;
}

std::optional<nlohmann::json> ApiResourceList(const ResourceRegistry& registry,
                                              const std::string& group,
                                              const std::string& version) {
  nlohmann::json resources = nlohmann::json::array();
  bool found = false;
  for (const ResourcePtr& r : registry.All()) {
    if (r->group != group || r->version != version) continue;
    found = true;
    nlohmann::json entry = {{"name", r->resource},       {"singularName", r->singular},
                            {"namespaced", r->namespaced}, {"kind", r->kind},
                            {"verbs", r->verbs}};
    if (!r->short_names.empty()) entry["shortNames"] = r->short_names;
    if (!r->categories.empty()) entry["categories"] = r->categories;
    resources.push_back(entry);
    if (r->has_status) {
      resources.push_back({{"name", r->resource + "/status"},
                           {"singularName", ""},
                           {"namespaced", r->namespaced},
                           {"kind", r->kind},
                           {"verbs", {"get", "patch", "update"}}});
    }
    if (r->has_scale) {
      resources.push_back({{"name", r->resource + "/scale"},
                           {"singularName", ""},
                           {"namespaced", r->namespaced},
                           {"group", "autoscaling"},
                           {"version", "v1"},
                           {"kind", "Scale"},
                           {"verbs", {"get", "patch", "update"}}});
    }
  }
  if (!found) return std::nullopt;
  return nlohmann::json{{"kind", "APIResourceList"},
                        {"apiVersion", "v1"},
                        {"groupVersion", group.empty() ? version : group + "/" + version},
                        {"resources", resources}};
}

}  // namespace upkeep::apiserver
