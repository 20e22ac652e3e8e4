// ResourceType: which REST collection a kind is served at (group, version, plural resource),
// and the paths of its collections and objects. Value type.
#pragma once

#include <string>
#include <string_view>

namespace upkeep::controller {

struct ResourceType {
  std::string group;     // "" for the core group
  std::string version;   // "v1"
  std::string resource;  // plural, lower-case: "configmaps"
  std::string kind;      // "ConfigMap"
  bool namespaced = true;

  // "v1" or "apps/v1".
  std::string ApiVersion() const;
  // "configmaps" or "deployments.apps": the name used in RBAC, logs and metrics.
  std::string GroupResource() const;
  // "/api/v1/namespaces/NS/configmaps", or across namespaces when `namespace_` is empty
  // ("/api/v1/configmaps"); cluster-scoped kinds ignore `namespace_`.
  std::string CollectionPath(std::string_view namespace_) const;
  // CollectionPath + "/NAME" [+ "/SUBRESOURCE"].
  std::string ObjectPath(std::string_view namespace_, std::string_view name,
                         std::string_view subresource = "") const;

  bool operator==(const ResourceType&) const = default;
};

// The built-in kinds the runtime itself uses.
namespace resources {
ResourceType ConfigMaps();
ResourceType Secrets();
ResourceType Namespaces();
ResourceType Pods();
ResourceType Deployments();
ResourceType Leases();       // coordination.k8s.io/v1
ResourceType Events();       // events.k8s.io/v1
ResourceType CoreEvents();   // v1 Events
ResourceType Services();
ResourceType EndpointSlices();  // discovery.k8s.io/v1
ResourceType Ingresses();       // networking.k8s.io/v1
}  // namespace resources

}  // namespace upkeep::controller
