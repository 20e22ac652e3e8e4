// Server-side apply for the REST layer. (First slice: the applied configuration is merged
// like a merge patch; managedFields and conflicts come with the apply engine.)
#include "apiserver/api/api_status.h"
#include "apiserver/apply/apply_body.h"
#include "apiserver/patch/merge_patch.h"
#include "apiserver/rest/resource_handler.h"

namespace upkeep::apiserver {

absl::StatusOr<HttpResponse> ResourceHandler::ApplyPatch(const HttpRequest& req,
                                                         const ResourceInfo& info,
                                                         const RequestInfo& ri,
                                                         const WriteOptions& options) {
  if (req.Query("fieldManager").empty()) {
    return BadRequestError("PATCH, application/apply-patch+yaml requires fieldManager to be set");
  }
  auto parsed = ParseApplyBody(req.body);
  if (!parsed.ok()) return parsed.status();
  nlohmann::json applied = std::move(*parsed);
  if (!applied.is_object()) return BadRequestError("the applied configuration must be an object");
  auto existing = store_.Get(info.GroupResource(), info.namespaced ? ri.namespace_ : "", ri.name);
  if (!existing) {
    applied["metadata"]["name"] = ri.name;
    auto created = CreateObject(info, ri.namespace_, applied, options);
    if (!created.ok()) return created.status();
    HttpResponse r;
    r.status = 201;
    r.body = AsServed(info, *created->object).dump();
    return r;
  }
  auto stored = UpdateObject(
      info, ri.namespace_, ri.name, ri.subresource,
      [&](const nlohmann::json& current) -> absl::StatusOr<nlohmann::json> {
        nlohmann::json patch = applied;
        patch["metadata"].erase("resourceVersion");
        return ApplyMergePatch(current, patch);
      },
      options);
  if (!stored.ok()) return stored.status();
  HttpResponse r;
  r.body = AsServed(info, *stored->object).dump();
  return r;
}

}  // namespace upkeep::apiserver
