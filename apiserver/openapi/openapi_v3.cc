// OpenAPI 3.0: the /openapi/v3 root and the per-group-version documents.
#include <map>
#include <string>
#include <vector>

#include <openssl/evp.h>

#include "apiserver/openapi/kind_schemas.h"
#include "apiserver/openapi/meta_schemas.h"
#include "apiserver/openapi/openapi.h"
#include "apiserver/openapi/resource_paths.h"
#include "apiserver/openapi/schema_ref.h"

namespace upkeep::apiserver {
namespace {

using openapi_internal::OpenApiDialect;
using openapi_internal::OperationSpec;
using openapi_internal::ParameterSpec;
using openapi_internal::PathSpec;

constexpr OpenApiDialect kDialect = OpenApiDialect::kOpenApi3;

nlohmann::json Parameter(const ParameterSpec& p) {
  nlohmann::json param = {{"name", p.name},
                          {"in", p.in},
                          {"description", p.description},
                          {"schema", {{"type", p.type}, {"uniqueItems", true}}}};
  if (p.required) param["required"] = true;
  return param;
}

nlohmann::json Content(const std::vector<std::string>& media_types, const std::string& def) {
  nlohmann::json content = nlohmann::json::object();
  for (const std::string& media_type : media_types) {
    content[media_type] = {{"schema", openapi_internal::RefSchema(kDialect, def)}};
  }
  return content;
}

nlohmann::json Operation(const OperationSpec& op) {
  nlohmann::json operation = {{"description", op.description},
                              {"operationId", op.operation_id},
                              {"tags", {op.tag}},
                              {"x-kubernetes-action", op.action},
                              {"x-kubernetes-group-version-kind", op.gvk}};
  if (!op.parameters.empty()) {
    nlohmann::json& params = operation["parameters"] = nlohmann::json::array();
    for (const ParameterSpec& p : op.parameters) params.push_back(Parameter(p));
  }
  if (!op.request_schema.empty()) {
    operation["requestBody"] = {{"content", Content(op.request_media_types, op.request_schema)},
                                {"required", op.request_required}};
  }
  nlohmann::json& responses = operation["responses"] = nlohmann::json::object();
  for (const auto& response : op.responses) {
    responses[std::to_string(response.code)] = {
        {"description", response.description},
        {"content", Content(op.response_media_types, op.response_schema)}};
  }
  responses["401"] = {{"description", "Unauthorized"}};
  return operation;
}

nlohmann::json PathItem(const PathSpec& path) {
  nlohmann::json item = nlohmann::json::object();
  if (!path.parameters.empty()) {
    nlohmann::json& params = item["parameters"] = nlohmann::json::array();
    for (const ParameterSpec& p : path.parameters) params.push_back(Parameter(p));
  }
  for (const OperationSpec& op : path.operations) item[op.method] = Operation(op);
  return item;
}

// Subresources listed on their own ("deployments/scale") are published under their parent.
bool IsTopLevel(const ResourceInfo& r) {
  return !r.resource.empty() && r.resource.find('/') == std::string::npos;
}

nlohmann::json GroupVersionDocument(const std::vector<const ResourceInfo*>& resources) {
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json schemas = nlohmann::json::object();
  openapi_internal::AddMetaSchemas(kDialect, schemas);
  bool any_scale = false;
  for (const ResourceInfo* r : resources) {
    for (const PathSpec& path : openapi_internal::ResourcePaths(*r)) {
      paths[path.path] = PathItem(path);
    }
    schemas[openapi_internal::DefinitionName(*r, r->kind)] =
        openapi_internal::KindSchema(*r, kDialect);
    schemas[openapi_internal::DefinitionName(*r, openapi_internal::ListKindOf(*r))] =
        openapi_internal::ListSchema(*r, kDialect);
    any_scale = any_scale || r->has_scale;
  }
  if (any_scale) openapi_internal::AddScaleSchemas(kDialect, schemas);
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "unversioned"}}},
          {"paths", std::move(paths)},
          {"components", {{"schemas", std::move(schemas)}}}};
}

}  // namespace

std::string OpenApiV3Path(const std::string& group_version) {
  return group_version.find('/') == std::string::npos ? "api/" + group_version
                                                      : "apis/" + group_version;
}

std::string OpenApiDocumentHash(const nlohmann::json& document) {
  const std::string bytes = document.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha512(), nullptr);
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xF];
  }
  return hex;
}

nlohmann::json BuildOpenApiV3GroupVersion(const std::vector<ResourceInfo>& served,
                                          const std::string& group_version) {
  std::vector<const ResourceInfo*> resources;
  for (const ResourceInfo& r : served) {
    if (IsTopLevel(r) && r.GroupVersion() == group_version) resources.push_back(&r);
  }
  return GroupVersionDocument(resources);
}

nlohmann::json BuildOpenApiV3Root(const std::vector<ResourceInfo>& served) {
  // Grouped in one pass, in `served` order, so each document is byte-identical to what
  // BuildOpenApiV3GroupVersion returns for the same input.
  std::map<std::string, std::vector<const ResourceInfo*>> by_group_version;
  for (const ResourceInfo& r : served) {
    if (IsTopLevel(r)) by_group_version[r.GroupVersion()].push_back(&r);
  }
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& [group_version, resources] : by_group_version) {
    const std::string path = OpenApiV3Path(group_version);
    paths[path] = {{"serverRelativeURL", "/openapi/v3/" + path + "?hash=" +
                                             OpenApiDocumentHash(GroupVersionDocument(resources))}};
  }
  return {{"paths", std::move(paths)}};
}

}  // namespace upkeep::apiserver
