// RequestInfo: what an API path names, as kube-apiserver's RequestInfoFactory parses it:
// /api/v1/namespaces/default/pods/web/status -> core/v1, pods, namespace default, name web,
// subresource status. Pure; thread-safe.
#pragma once

#include <string>

namespace upkeep::apiserver {

struct RequestInfo {
  bool is_resource_request = false;
  std::string api_prefix;   // "api" or "apis"
  std::string group;        // "" for core
  std::string version;
  std::string namespace_;   // "" when not namespaced or across all namespaces
  std::string resource;     // plural
  std::string name;
  std::string subresource;  // "status", "scale", "finalize"
  // "get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"
  std::string verb;
  // The non-resource path segments: for "/apis/apps" parts is {"apis","apps"}.
  std::string path;
};

// Parses `path` (without query) for `method`; `watch_param` is ?watch= read as a boolean.
RequestInfo ParseRequestInfo(const std::string& method, const std::string& path,
                             bool watch_param);

}  // namespace upkeep::apiserver
