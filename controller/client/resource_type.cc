#include "controller/client/resource_type.h"

namespace upkeep::controller {

std::string ResourceType::ApiVersion() const {
  return group.empty() ? version : group + "/" + version;
}

std::string ResourceType::GroupResource() const {
  return group.empty() ? resource : resource + "." + group;
}

std::string ResourceType::CollectionPath(std::string_view namespace_) const {
  std::string path = group.empty() ? "/api/" + version : "/apis/" + group + "/" + version;
  if (namespaced && !namespace_.empty()) {
    path += "/namespaces/";
    path += namespace_;
  }
  path += "/";
  path += resource;
  return path;
}

std::string ResourceType::ObjectPath(std::string_view namespace_, std::string_view name,
                                     std::string_view subresource) const {
  std::string path = CollectionPath(namespace_);
  path += "/";
  path += name;
  if (!subresource.empty()) {
    path += "/";
    path += subresource;
  }
  return path;
}

namespace resources {

ResourceType ConfigMaps() { return {"", "v1", "configmaps", "ConfigMap", true}; }
ResourceType Secrets() { return {"", "v1", "secrets", "Secret", true}; }
ResourceType Namespaces() { return {"", "v1", "namespaces", "Namespace", false}; }
ResourceType Services() { return {"", "v1", "services", "Service", true}; }
ResourceType EndpointSlices() {
  return {"discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", true};
}
ResourceType Ingresses() { return {"networking.k8s.io", "v1", "ingresses", "Ingress", true}; }
ResourceType Pods() { return {"", "v1", "pods", "Pod", true}; }
ResourceType Deployments() { return {"apps", "v1", "deployments", "Deployment", true}; }
ResourceType Leases() { return {"coordination.k8s.io", "v1", "leases", "Lease", true}; }
ResourceType Events() { return {"events.k8s.io", "v1", "events", "Event", true}; }
ResourceType CoreEvents() { return {"", "v1", "events", "Event", true}; }

}  // namespace resources
}  // namespace upkeep::controller
