// Served resources for the openapi tests, and helpers that read the documents the way
// kubectl does. Test-only.
#pragma once

#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver::openapi_testing {

inline ResourceInfo ConfigMaps() {
  ResourceInfo r;
  r.version = "v1";
  r.resource = "configmaps";
  r.singular = "configmap";
  r.kind = "ConfigMap";
  r.list_kind = "ConfigMapList";
  return r;
}

inline ResourceInfo Namespaces() {
  ResourceInfo r;
  r.version = "v1";
  r.resource = "namespaces";
  r.singular = "namespace";
  r.kind = "Namespace";
  r.list_kind = "NamespaceList";
  r.namespaced = false;
  r.has_status = true;
  r.verbs = {"create", "delete", "get", "list", "patch", "update", "watch"};
  return r;
}

inline ResourceInfo Deployments() {
  ResourceInfo r;
  r.group = "apps";
  r.version = "v1";
  r.resource = "deployments";
  r.singular = "deployment";
  r.kind = "Deployment";
  r.list_kind = "DeploymentList";
  r.has_status = true;
  r.has_scale = true;
  return r;
}

inline nlohmann::json BackupPolicySchema() {
  return nlohmann::json::parse(R"({
    "type": "object",
    "description": "BackupPolicy says when and where a database is backed up.",
    "properties": {
      "apiVersion": {"type": "string"},
      "kind": {"type": "string"},
      "metadata": {"type": "object"},
      "spec": {
        "type": "object",
        "description": "The desired backups.",
        "required": ["schedule"],
        "properties": {
          "schedule": {"type": "string", "description": "Cron schedule of the backups."},
          "retention": {"type": "integer", "minimum": 1,
                        "description": "How many backups to keep."},
          "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                       "x-kubernetes-preserve-unknown-fields": true,
                       "description": "A Job to run for each backup."}
        }
      },
      "status": {
        "type": "object",
        "properties": {"lastBackup": {"type": "string", "format": "date-time"}}
      }
    }
  })");
}

inline ResourceInfo BackupPolicies(const std::string& version = "v1alpha1") {
  ResourceInfo r;
  r.group = "upkeep.dev";
  r.version = version;
  r.resource = "backuppolicies";
  r.singular = "backuppolicy";
  r.kind = "BackupPolicy";
  r.list_kind = "BackupPolicyList";
  r.custom = true;
  r.has_status = true;
  r.strategic_merge_patch = false;
  r.schema = BackupPolicySchema();
  return r;
}

inline ResourceInfo ClusterIssuers() {
  ResourceInfo r;
  r.group = "upkeep.dev";
  r.version = "v1alpha1";
  r.resource = "clusterissuers";
  r.singular = "clusterissuer";
  r.kind = "ClusterIssuer";
  r.list_kind = "ClusterIssuerList";
  r.namespaced = false;
  r.custom = true;
  r.strategic_merge_patch = false;
  r.schema = nlohmann::json::parse(R"({
    "type": "object",
    "description": "ClusterIssuer obtains certificates from an ACME server.",
    "properties": {"spec": {"type": "object", "properties": {
      "server": {"type": "string", "description": "The ACME directory URL."}}}}
  })");
  return r;
}

inline std::vector<ResourceInfo> Served() {
  return {ConfigMaps(), Namespaces(), Deployments(), BackupPolicies("v1alpha1"),
          BackupPolicies("v1"), ClusterIssuers()};
}

inline nlohmann::json Gvk(const std::string& group, const std::string& version,
                          const std::string& kind) {
  return {{"group", group}, {"kind", kind}, {"version", version}};
}

// Every "$ref" string anywhere in `node`.
inline void CollectRefs(const nlohmann::json& node, std::set<std::string>& refs) {
  if (node.is_object()) {
    for (const auto& [key, value] : node.items()) {
      if (key == "$ref" && value.is_string()) refs.insert(value.get<std::string>());
      CollectRefs(value, refs);
    }
  } else if (node.is_array()) {
    for (const auto& value : node) CollectRefs(value, refs);
  }
}

// Resolves a local "#/a/b" reference like kubectl explain's resolveRef; null if it does not.
inline nlohmann::json ResolveRef(const nlohmann::json& document, const std::string& ref) {
  if (ref.rfind("#/", 0) != 0) return nullptr;
  return document.value(nlohmann::json::json_pointer(ref.substr(1)), nlohmann::json());
}

}  // namespace upkeep::apiserver::openapi_testing
