// Swagger 2.0: the /openapi/v2 document.
#include <string>
#include <vector>

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

constexpr OpenApiDialect kDialect = OpenApiDialect::kSwagger2;

nlohmann::json Parameter(const ParameterSpec& p) {
  nlohmann::json param = {{"name", p.name},
                          {"in", p.in},
                          {"description", p.description},
                          {"type", p.type},
                          {"uniqueItems", true}};
  if (p.required) param["required"] = true;
  return param;
}

nlohmann::json Operation(const OperationSpec& op) {
  nlohmann::json parameters = nlohmann::json::array();
  if (!op.request_schema.empty()) {
    parameters.push_back({{"name", "body"},
                          {"in", "body"},
                          {"required", op.request_required},
                          {"schema", openapi_internal::RefSchema(kDialect, op.request_schema)}});
  }
  for (const ParameterSpec& p : op.parameters) parameters.push_back(Parameter(p));

  nlohmann::json responses = nlohmann::json::object();
  for (const auto& response : op.responses) {
    responses[std::to_string(response.code)] = {
        {"description", response.description},
        {"schema", openapi_internal::RefSchema(kDialect, op.response_schema)}};
  }
  responses["401"] = {{"description", "Unauthorized"}};

  nlohmann::json operation = {
      {"description", op.description},
      {"operationId", op.operation_id},
      {"tags", {op.tag}},
      {"consumes", op.request_media_types.empty() ? std::vector<std::string>{"*/*"}
                                                  : op.request_media_types},
      {"produces", op.response_media_types},
      {"schemes", {"https"}},
      {"responses", std::move(responses)},
      {"x-kubernetes-action", op.action},
      {"x-kubernetes-group-version-kind", op.gvk}};
  if (!parameters.empty()) operation["parameters"] = std::move(parameters);
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

}  // namespace

nlohmann::json BuildOpenApiV2(const std::vector<ResourceInfo>& served) {
  nlohmann::json paths = nlohmann::json::object();
  nlohmann::json definitions = nlohmann::json::object();
  openapi_internal::AddMetaSchemas(kDialect, definitions);
  bool any_scale = false;
  for (const ResourceInfo& r : served) {
    if (r.resource.empty() || r.resource.find('/') != std::string::npos) continue;
    for (const PathSpec& path : openapi_internal::ResourcePaths(r)) {
      paths[path.path] = PathItem(path);
    }
    definitions[openapi_internal::DefinitionName(r, r.kind)] =
        openapi_internal::KindSchema(r, kDialect);
    definitions[openapi_internal::DefinitionName(r, openapi_internal::ListKindOf(r))] =
        openapi_internal::ListSchema(r, kDialect);
    any_scale = any_scale || r.has_scale;
  }
  if (any_scale) openapi_internal::AddScaleSchemas(kDialect, definitions);
  return {{"swagger", "2.0"},
          {"info", {{"title", "Kubernetes"}, {"version", "unversioned"}}},
          {"paths", std::move(paths)},
          {"definitions", std::move(definitions)}};
}

}  // namespace upkeep::apiserver
