#include "apiserver/rest/request_info.h"

#include <vector>

namespace upkeep::apiserver {
namespace {

std::vector<std::string> Segments(const std::string& path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    if (next > pos) out.push_back(path.substr(pos, next - pos));
    pos = next + 1;
  }
  return out;
}

}  // namespace

RequestInfo ParseRequestInfo(const std::string& method, const std::string& path,
                             bool watch_param) {
  RequestInfo info;
  info.path = path;
  std::vector<std::string> parts = Segments(path);
  if (parts.empty() || (parts[0] != "api" && parts[0] != "apis")) return info;
  info.api_prefix = parts[0];
  size_t i = 1;
  if (info.api_prefix == "apis") {
    if (parts.size() < 3) return info;  // /apis or /apis/<group>: discovery
    info.group = parts[1];
    info.version = parts[2];
    i = 3;
  } else {
    if (parts.size() < 2) return info;  // /api
    info.version = parts[1];
    i = 2;
  }
  if (parts.size() <= i) return info;  // /api/v1: resource list
  info.is_resource_request = true;
  bool legacy_watch = false;
  if (parts[i] == "watch") {  // deprecated /watch/ prefix, still used by old clients
    legacy_watch = true;
    ++i;
  }
  std::vector<std::string> rest(parts.begin() + static_cast<long>(i), parts.end());
  // namespaces/<ns>/<resource>... unless it is the namespace object itself.
  if (rest.size() >= 3 && rest[0] == "namespaces") {
    info.namespace_ = rest[1];
    rest.erase(rest.begin(), rest.begin() + 2);
  } else if (!rest.empty() && rest[0] == "namespaces" && rest.size() == 2) {
    // /api/v1/namespaces/<name>: the Namespace object.
  }
  if (rest.empty()) {
    info.is_resource_request = false;
    return info;
  }
  info.resource = rest[0];
  if (rest.size() >= 2) info.name = rest[1];
  if (rest.size() >= 3) info.subresource = rest[2];
  if (info.resource == "namespaces" && info.name.empty() && !info.namespace_.empty()) {
    info.name = info.namespace_;
  }
  if (info.resource == "namespaces") info.namespace_.clear();

  bool watch = legacy_watch || watch_param;
  if (method == "GET" || method == "HEAD") {
    info.verb = info.name.empty() ? (watch ? "watch" : "list") : (watch ? "watch" : "get");
  } else if (method == "POST") {
    info.verb = "create";
  } else if (method == "PUT") {
    info.verb = "update";
  } else if (method == "PATCH") {
    info.verb = "patch";
  } else if (method == "DELETE") {
    info.verb = info.name.empty() ? "deletecollection" : "delete";
  } else {
    info.verb = method;
  }
  return info;
}

}  // namespace upkeep::apiserver
