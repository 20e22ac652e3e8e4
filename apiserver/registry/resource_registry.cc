#include "apiserver/registry/resource_registry.h"

#include <algorithm>
#include <set>

namespace upkeep::apiserver {
namespace {

std::string Key(const std::string& g, const std::string& v, const std::string& r) {
  return g + "/" + v + "/" + r;
}

std::vector<std::string> Strings(const nlohmann::json& array) {
  std::vector<std::string> out;
  if (!array.is_array()) return out;
  for (const auto& v : array) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

FieldError Required(const std::string& field) {
  return {"FieldValueRequired", field, "Required value"};
}

}  // namespace

ResourceRegistry::ResourceRegistry() {
  std::unique_lock lock(mu_);
  for (ResourceInfo& info : BuiltinResources()) {
    auto& versions = [&]() -> std::vector<std::string>& {
      for (auto& [g, vs] : builtin_groups_) {
        if (g == info.group) return vs;
      }
      builtin_groups_.push_back({info.group, {}});
      return builtin_groups_.back().second;
    }();
    if (std::find(versions.begin(), versions.end(), info.version) == versions.end()) {
      versions.push_back(info.version);
    }
    Add(std::make_shared<const ResourceInfo>(std::move(info)), "");
  }
}

void ResourceRegistry::Add(ResourcePtr info, const std::string& owner_crd) {
  std::string key = Key(info->group, info->version, info->resource);
  by_key_[key] = std::move(info);
  if (!owner_crd.empty()) crd_keys_[owner_crd].push_back(key);
}

void ResourceRegistry::RecomputeGroupVersions(const std::string& group) {
  // Versions of a group across all its CRDs, in the order first seen.
  std::vector<std::string> versions;
  for (const auto& [name, keys] : crd_keys_) {
    for (const std::string& key : keys) {
      const ResourcePtr& info = by_key_[key];
      if (info->group == group &&
          std::find(versions.begin(), versions.end(), info->version) == versions.end()) {
        versions.push_back(info->version);
      }
    }
  }
  crd_group_versions_[group] = versions;
}

ResourcePtr ResourceRegistry::Find(const std::string& group, const std::string& version,
                                   const std::string& resource) const {
  std::shared_lock lock(mu_);
  auto it = by_key_.find(Key(group, version, resource));
  return it == by_key_.end() ? nullptr : it->second;
}

std::vector<ResourcePtr> ResourceRegistry::All() const {
  std::shared_lock lock(mu_);
  std::vector<ResourcePtr> out;
  out.reserve(by_key_.size());
  for (const auto& [key, info] : by_key_) out.push_back(info);
  return out;
}

std::vector<std::pair<std::string, std::vector<std::string>>> ResourceRegistry::Groups() const {
  std::shared_lock lock(mu_);
  auto out = builtin_groups_;
  for (const auto& [group, versions] : crd_group_versions_) {
    if (!versions.empty()) out.push_back({group, versions});
  }
  return out;
}

void ResourceRegistry::ServeCustomResource(const nlohmann::json& crd) {
  std::string crd_name = crd["metadata"].value("name", "");
  std::vector<ResourceInfo> infos = ResourcesOfCrd(crd);
  {
    std::unique_lock lock(mu_);
    for (const std::string& key : crd_keys_[crd_name]) by_key_.erase(key);
    crd_keys_.erase(crd_name);
    std::string group = crd["spec"].value("group", "");
    for (ResourceInfo& info : infos) {
      Add(std::make_shared<const ResourceInfo>(std::move(info)), crd_name);
    }
    RecomputeGroupVersions(group);
  }
  ++generation_;
}

void ResourceRegistry::StopServing(const std::string& crd_name) {
  {
    std::unique_lock lock(mu_);
    std::set<std::string> groups;
    for (const std::string& key : crd_keys_[crd_name]) {
      auto it = by_key_.find(key);
      if (it != by_key_.end()) {
        groups.insert(it->second->group);
        by_key_.erase(it);
      }
    }
    crd_keys_.erase(crd_name);
    for (const std::string& group : groups) RecomputeGroupVersions(group);
  }
  ++generation_;
}

std::vector<ResourceInfo> ResourcesOfCrd(const nlohmann::json& crd) {
  std::vector<ResourceInfo> out;
  const nlohmann::json& spec = crd.value("spec", nlohmann::json::object());
  const nlohmann::json& names = spec.value("names", nlohmann::json::object());
  std::string storage;
  for (const auto& v : spec.value("versions", nlohmann::json::array())) {
    if (v.value("storage", false)) storage = v.value("name", "");
  }
  for (const auto& v : spec.value("versions", nlohmann::json::array())) {
    if (!v.value("served", false)) continue;
    ResourceInfo info;
    info.group = spec.value("group", "");
    info.version = v.value("name", "");
    info.resource = names.value("plural", "");
    info.singular = names.value("singular", "");
    if (info.singular.empty()) {
      info.singular = names.value("kind", "");
      std::transform(info.singular.begin(), info.singular.end(), info.singular.begin(),
                     [](unsigned char c) { return std::tolower(c); });
    }
    info.kind = names.value("kind", "");
    info.list_kind = names.value("listKind", info.kind + "List");
    info.namespaced = spec.value("scope", "Namespaced") == "Namespaced";
    info.short_names = Strings(names.value("shortNames", nlohmann::json::array()));
    info.categories = Strings(names.value("categories", nlohmann::json::array()));
    const auto& sub = v.value("subresources", nlohmann::json::object());
    info.has_status = sub.contains("status");
    if (sub.contains("scale")) {
      info.has_scale = true;
      info.scale.spec_replicas_path = sub["scale"].value("specReplicasPath", "");
      info.scale.status_replicas_path = sub["scale"].value("statusReplicasPath", "");
      info.scale.label_selector_path = sub["scale"].value("labelSelectorPath", "");
    }
    for (const auto& c : v.value("additionalPrinterColumns", nlohmann::json::array())) {
      PrinterColumn col;
      col.name = c.value("name", "");
      col.type = c.value("type", "string");
      col.format = c.value("format", "");
      col.description = c.value("description", "");
      col.priority = c.value("priority", 0);
      col.json_path = c.value("jsonPath", "");
      info.printer_columns.push_back(std::move(col));
    }
    if (v.contains("schema")) {
      info.schema = v["schema"].value("openAPIV3Schema", nlohmann::json());
    }
    info.custom = true;
    info.storage_version = storage;
    info.strategic_merge_patch = false;
    out.push_back(std::move(info));
  }
  return out;
}

FieldErrors ValidateCustomResourceDefinition(const nlohmann::json& crd) {
  FieldErrors errors;
  const nlohmann::json spec = crd.value("spec", nlohmann::json::object());
  std::string group = spec.value("group", "");
  const nlohmann::json names = spec.value("names", nlohmann::json::object());
  std::string plural = names.value("plural", "");
  if (group.empty()) {
    errors.push_back(Required("spec.group"));
  } else if (group.find('.') == std::string::npos) {
    errors.push_back({"FieldValueInvalid", "spec.group",
                      "Invalid value: \"" + group + "\": should be a domain with at least one dot"});
  }
  if (plural.empty()) errors.push_back(Required("spec.names.plural"));
  if (names.value("kind", "").empty()) errors.push_back(Required("spec.names.kind"));
  std::string name = crd.value("metadata", nlohmann::json::object()).value("name", "");
  if (!plural.empty() && !group.empty() && name != plural + "." + group) {
    errors.push_back({"FieldValueInvalid", "metadata.name",
                      "Invalid value: \"" + name + "\": must be spec.names.plural+\".\"+spec.group"});
  }
  std::string scope = spec.value("scope", "");
  if (scope.empty()) {
    errors.push_back(Required("spec.scope"));
  } else if (scope != "Namespaced" && scope != "Cluster") {
    errors.push_back({"FieldValueNotSupported", "spec.scope",
                      "Unsupported value: \"" + scope +
                          "\": supported values: \"Cluster\", \"Namespaced\""});
  }
  const nlohmann::json versions = spec.value("versions", nlohmann::json::array());
  if (versions.empty()) {
    errors.push_back({"FieldValueInvalid", "spec.versions",
                      "Invalid value: \"null\": must have exactly one version marked as storage "
                      "version"});
    return errors;
  }
  int storage = 0;
  std::set<std::string> seen;
  for (size_t i = 0; i < versions.size(); ++i) {
    std::string path = "spec.versions[" + std::to_string(i) + "]";
    std::string vname = versions[i].value("name", "");
    if (vname.empty()) errors.push_back(Required(path + ".name"));
    if (!seen.insert(vname).second) {
      errors.push_back({"FieldValueDuplicate", path + ".name",
                        "Duplicate value: \"" + vname + "\""});
    }
    if (versions[i].value("storage", false)) ++storage;
  }
  if (storage != 1) {
    errors.push_back({"FieldValueInvalid", "spec.versions",
                      "Invalid value: " + versions.dump() +
                          ": must have exactly one version marked as storage version"});
  }
  return errors;
}

}  // namespace upkeep::apiserver
