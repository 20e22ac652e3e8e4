#include "apiserver/openapi/kind_schemas.h"

#include <map>
#include <utility>
#include <vector>

#include "apiserver/openapi/meta_schemas.h"

namespace upkeep::apiserver::openapi_internal {
namespace {

constexpr char kGvkExtension[] = "x-kubernetes-group-version-kind";
constexpr char kPreserveUnknownFields[] = "x-kubernetes-preserve-unknown-fields";
constexpr char kEmbeddedResource[] = "x-kubernetes-embedded-resource";

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(),
                                                suffix) == 0;
}

// "upkeep.dev" -> "dev.upkeep".
std::string ReverseDomain(const std::string& group) {
  std::vector<std::string> labels;
  for (size_t start = 0;;) {
    size_t dot = group.find('.', start);
    labels.push_back(group.substr(start, dot == std::string::npos ? dot : dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  std::string reversed;
  for (auto it = labels.rbegin(); it != labels.rend(); ++it) {
    if (!reversed.empty()) reversed += '.';
    reversed += *it;
  }
  return reversed;
}

// The Go package path prefix of a built-in group's types.
std::string BuiltinPackage(const std::string& group) {
  if (group.empty()) return "io.k8s.api.core";
  if (group == "apiextensions.k8s.io") {
    return "io.k8s.apiextensions-apiserver.pkg.apis.apiextensions";
  }
  if (group.find('.') == std::string::npos || EndsWith(group, ".k8s.io")) {
    // "apps", "batch", "rbac.authorization.k8s.io" -> the first label.
    return "io.k8s.api." + group.substr(0, group.find('.'));
  }
  return ReverseDomain(group);
}

// Short descriptions for the built-in kinds this server serves, so `kubectl explain` says
// what a kind is even though its fields are not published.
const std::map<std::string, std::string>& BuiltinDescriptions() {
  static const auto* descriptions = new std::map<std::string, std::string>{
      {"ConfigMap", "ConfigMap holds configuration data as key/value pairs."},
      {"Secret", "Secret holds sensitive data such as passwords, tokens or keys."},
      {"Namespace", "Namespace is a scope for names; most objects live in one."},
      {"Pod", "Pod is a group of containers scheduled together on one node."},
      {"Service", "Service exposes a set of Pods under one name and address."},
      {"ServiceAccount", "ServiceAccount is an identity for processes running in Pods."},
      {"Event", "Event reports something that happened to an object."},
      {"PersistentVolumeClaim", "PersistentVolumeClaim is a request for storage."},
      {"Endpoints", "Endpoints lists the addresses that implement a Service."},
      {"Deployment", "Deployment declares the desired state of a set of replicated Pods."},
      {"StatefulSet", "StatefulSet manages Pods with stable identities and storage."},
      {"DaemonSet", "DaemonSet runs a copy of a Pod on each selected node."},
      {"ReplicaSet", "ReplicaSet keeps a number of identical Pods running."},
      {"Job", "Job runs Pods until a number of them complete successfully."},
      {"CronJob", "CronJob creates Jobs on a repeating schedule."},
      {"Lease", "Lease is a lightweight lock, e.g. for leader election."},
      {"Ingress", "Ingress routes external HTTP traffic to Services."},
      {"NetworkPolicy", "NetworkPolicy restricts the traffic Pods may send and receive."},
      {"Role", "Role is a namespaced set of permissions."},
      {"ClusterRole", "ClusterRole is a cluster-wide set of permissions."},
      {"RoleBinding", "RoleBinding grants a Role's permissions to subjects in a namespace."},
      {"ClusterRoleBinding", "ClusterRoleBinding grants a ClusterRole's permissions "
                             "cluster-wide."},
      {"CustomResourceDefinition",
       "CustomResourceDefinition adds a custom resource type to the API."},
  };
  return *descriptions;
}

std::string BuiltinDescription(const ResourceInfo& resource) {
  const auto& descriptions = BuiltinDescriptions();
  auto it = descriptions.find(resource.kind);
  std::string description =
      it != descriptions.end() ? it->second
                               : resource.kind + " is a built-in Kubernetes kind.";
  return description +
         " This server does not publish the kind's full schema; it validates objects itself.";
}

nlohmann::json GvkList(const ResourceInfo& resource, const std::string& kind) {
  return nlohmann::json::array({GroupVersionKind(resource, kind)});
}

bool IsTrue(const nlohmann::json& schema, const char* key) {
  auto it = schema.find(key);
  return it != schema.end() && it->is_boolean() && it->get<bool>();
}

void SetTypeMetaAndMetadata(nlohmann::json& schema) {
  nlohmann::json& properties = schema["properties"];
  // Named: items() does not keep a temporary alive.
  const nlohmann::json type_meta = TypeMetaProperties();
  for (const auto& [name, property] : type_meta.items()) properties[name] = property;
  properties["metadata"] =
      RefProperty(OpenApiDialect::kOpenApi3, kObjectMetaName, kObjectMetadataDescription);
}

// Objects marked x-kubernetes-embedded-resource hold whole Kubernetes objects; give them the
// type-meta and metadata fields too, as apiextensions-apiserver does.
void AddEmbeddedResourceProperties(nlohmann::json& schema) {
  if (!schema.is_object()) return;
  if (auto it = schema.find("properties"); it != schema.end() && it->is_object()) {
    for (auto& [name, property] : it->items()) AddEmbeddedResourceProperties(property);
  }
  if (auto it = schema.find("items"); it != schema.end()) AddEmbeddedResourceProperties(*it);
  if (auto it = schema.find("additionalProperties"); it != schema.end()) {
    AddEmbeddedResourceProperties(*it);
  }
  if (!IsTrue(schema, kEmbeddedResource)) return;
  SetTypeMetaAndMetadata(schema);
  nlohmann::json& required = schema["required"];
  if (!required.is_array()) required = nlohmann::json::array();
  for (const char* name : {"kind", "apiVersion"}) {
    bool present = false;
    for (const auto& r : required) present = present || r == name;
    if (!present) required.push_back(name);
  }
}

nlohmann::json CustomKindSchema(const ResourceInfo& resource) {
  nlohmann::json schema = resource.schema;
  if (!schema.contains("type")) schema["type"] = "object";
  nlohmann::json& properties = schema["properties"];
  if (!properties.is_object()) properties = nlohmann::json::object();
  for (auto& [name, property] : properties.items()) AddEmbeddedResourceProperties(property);
  SetTypeMetaAndMetadata(schema);
  return schema;
}

nlohmann::json StubKindSchema(const std::string& description) {
  nlohmann::json schema = {{"type", "object"}, {"description", description}};
  schema["properties"] = nlohmann::json::object();
  SetTypeMetaAndMetadata(schema);
  schema[kPreserveUnknownFields] = true;
  return schema;
}

bool HasSchema(const ResourceInfo& resource) {
  return resource.schema.is_object() && !resource.schema.empty();
}

}  // namespace

std::string DefinitionName(const ResourceInfo& resource, const std::string& kind) {
  std::string prefix =
      resource.custom ? ReverseDomain(resource.group) : BuiltinPackage(resource.group);
  return prefix + "." + resource.version + "." + kind;
}

std::string ListKindOf(const ResourceInfo& resource) {
  return resource.list_kind.empty() ? resource.kind + "List" : resource.list_kind;
}

nlohmann::json GroupVersionKind(const ResourceInfo& resource, const std::string& kind) {
  return {{"group", resource.group}, {"kind", kind}, {"version", resource.version}};
}

nlohmann::json KindSchema(const ResourceInfo& resource, OpenApiDialect dialect) {
  nlohmann::json schema;
  if (dialect == OpenApiDialect::kSwagger2) {
    std::string description = resource.kind + " is a custom resource.";
    if (!resource.custom) {
      description = BuiltinDescription(resource);
    } else if (HasSchema(resource) && resource.schema.contains("description") &&
               resource.schema["description"].is_string()) {
      description = resource.schema["description"].get<std::string>();
    }
    schema = {{"type", "object"}, {"description", description}};
  } else if (resource.custom && HasSchema(resource)) {
    schema = CustomKindSchema(resource);
  } else if (resource.custom) {
    schema = StubKindSchema(resource.kind + " is a custom resource without a "
                                                      "published schema.");
  } else {
    schema = StubKindSchema(BuiltinDescription(resource));
  }
  schema[kGvkExtension] = GvkList(resource, resource.kind);
  return schema;
}

nlohmann::json ListSchema(const ResourceInfo& resource, OpenApiDialect dialect) {
  const std::string list_kind = ListKindOf(resource);
  nlohmann::json properties = TypeMetaProperties();
  properties["items"] = {
      {"type", "array"},
      {"description", "List of " + resource.resource + "."},
      {"items", RefSchema(dialect, DefinitionName(resource, resource.kind))}};
  properties["metadata"] = RefProperty(dialect, kListMetaName, kListMetadataDescription);
  return {{"type", "object"},
          {"description", list_kind + " is a list of " + resource.kind + "."},
          {"required", {"items"}},
          {"properties", std::move(properties)},
          {kGvkExtension, GvkList(resource, list_kind)}};
}

}  // namespace upkeep::apiserver::openapi_internal
