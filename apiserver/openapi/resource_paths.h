// The REST paths and operations of one served resource, described once and rendered into
// either OpenAPI dialect: collection and item paths (namespaced and all-namespaces forms), the
// status and scale subresources, and for built-in kinds the deprecated /watch/ paths, as
// kube-apiserver publishes them. Internal to the openapi component. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/registry/resource_info.h"

namespace upkeep::apiserver::openapi_internal {

struct ParameterSpec {
  std::string name;         // "fieldValidation"
  std::string in;           // "query" | "path"
  std::string type;         // "string" | "boolean" | "integer"
  std::string description;
  bool required = false;    // path parameters are required
};

struct ResponseSpec {
  int code = 200;
  std::string description;  // "OK", "Created", "Accepted"
};

struct OperationSpec {
  std::string method;        // "get" | "put" | "post" | "patch" | "delete"
  std::string action;        // x-kubernetes-action: get, list, watch, watchlist, post, put,
                             // patch, delete, deletecollection
  std::string operation_id;  // "patchAppsV1NamespacedDeployment"
  std::string description;   // "partially update the specified Deployment"
  std::string tag;           // "apps_v1"
  std::vector<ParameterSpec> parameters;  // operation-level; kubectl reads fieldValidation here
  // Request body: a definition name and the media types it is accepted in; empty if none.
  std::string request_schema;
  std::vector<std::string> request_media_types;
  bool request_required = false;
  // Response body: a definition name for every code in `responses`.
  std::string response_schema;
  std::vector<std::string> response_media_types;
  std::vector<ResponseSpec> responses;
  nlohmann::json gvk;        // {"group", "kind", "version"} of the object operated on
};

struct PathSpec {
  std::string path;                       // "/apis/apps/v1/namespaces/{namespace}/deployments"
  std::vector<ParameterSpec> parameters;  // path-level: name, namespace, pretty, watch options
  std::vector<OperationSpec> operations;  // in a fixed order: get, put, post, patch, delete
};

// The paths of `resource`, limited to its verbs. Resources whose name has a '/' (subresources
// listed on their own) yield nothing: they appear under their parent.
std::vector<PathSpec> ResourcePaths(const ResourceInfo& resource);

}  // namespace upkeep::apiserver::openapi_internal
