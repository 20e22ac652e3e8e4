// PATCH with application/apply-patch+yaml: server-side apply through the apply engine, which
// merges by the resource's list and map semantics, tracks field ownership in
// metadata.managedFields and reports conflicts with other managers (unless ?force=true).
#include "apiserver/api/api_status.h"
#include "apiserver/apply/apply_body.h"
#include "apiserver/apply/server_side_apply.h"
#include "apiserver/rest/field_ownership.h"
#include "apiserver/rest/resource_handler.h"

namespace upkeep::apiserver {

absl::StatusOr<HttpResponse> ResourceHandler::ApplyPatch(const HttpRequest& req,
                                                         const ResourceInfo& info,
                                                         const RequestInfo& ri,
                                                         const WriteOptions& write_options) {
  if (req.Query("fieldManager").empty()) {
    return BadRequestError("PATCH, application/apply-patch+yaml requires fieldManager to be set");
  }
  auto parsed = ParseApplyBody(req.body);
  if (!parsed.ok()) return parsed.status();
  nlohmann::json applied = std::move(*parsed);
  if (!applied.is_object()) return BadRequestError("the applied configuration must be an object");
  if (info.namespaced && applied["metadata"].is_object()) {
    // The namespace comes from the URL; an applied one must agree (checked on write).
    if (!applied["metadata"].contains("namespace")) applied["metadata"]["namespace"] = ri.namespace_;
  }

  ApplyOptions apply;
  apply.manager = write_options.field_manager;
  apply.force = req.QueryFlag("force");
  apply.api_version = info.GroupVersion();
  apply.kind = info.kind;
  apply.subresource = ri.subresource;
  apply.name = ri.name;
  MergeRules rules = MergeRulesFor(info);
  apply.lists = rules.lists;
  apply.maps = rules.maps;
  apply.ignored_fields = IgnoredFieldsFor(info, ri.subresource);
  apply.now_rfc3339 = Now();

  WriteOptions options = write_options;
  options.track_fields = false;  // the engine records the applier itself
  auto existing = store_.Get(info.GroupResource(), info.namespaced ? ri.namespace_ : "", ri.name);
  if (!existing) {
    if (!ri.subresource.empty()) return NotFoundError({info.group, info.resource, info.kind, ri.name});
    auto created_object = ServerSideApply(nullptr, applied, apply);
    if (!created_object.ok()) return created_object.status();
    auto created = CreateObject(info, ri.namespace_, std::move(*created_object), options);
    if (!created.ok()) return created.status();
    HttpResponse r;
    r.status = 201;
    r.body = AsServed(info, created->Object()).dump();
    return r;
  }
  auto stored = UpdateObject(
      info, ri.namespace_, ri.name, ri.subresource,
      [&](const nlohmann::json& current) { return ServerSideApply(&current, applied, apply); },
      options);
  if (!stored.ok()) return stored.status();
  HttpResponse r;
  r.body = AsServed(info, stored->Object()).dump();
  return r;
}

}  // namespace upkeep::apiserver
