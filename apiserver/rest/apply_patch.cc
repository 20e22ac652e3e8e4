// Server-side apply for the REST layer. (First slice: the applied configuration is merged
// like a merge patch; managedFields and conflicts come with the apply engine.)
#include <yaml-cpp/yaml.h>

#include "apiserver/api/api_status.h"
#include "apiserver/patch/merge_patch.h"
#include "apiserver/rest/resource_handler.h"

namespace upkeep::apiserver {
namespace {

nlohmann::json YamlToJson(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Map: {
      nlohmann::json out = nlohmann::json::object();
      for (const auto& kv : node) out[kv.first.as<std::string>()] = YamlToJson(kv.second);
      return out;
    }
    case YAML::NodeType::Sequence: {
      nlohmann::json out = nlohmann::json::array();
      for (const auto& v : node) out.push_back(YamlToJson(v));
      return out;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = node.Scalar();
      if (node.Tag() == "!") return s;  // quoted
      if (s == "true" || s == "True") return true;
      if (s == "false" || s == "False") return false;
      if (s == "null" || s == "~") return nullptr;
      char* end = nullptr;
      long long i = std::strtoll(s.c_str(), &end, 10);
      if (!s.empty() && *end == '\0') return i;
      double d = std::strtod(s.c_str(), &end);
      if (!s.empty() && *end == '\0') return d;
      return s;
    }
    default:
      return nullptr;
  }
}

}  // namespace

absl::StatusOr<HttpResponse> ResourceHandler::ApplyPatch(const HttpRequest& req,
                                                         const ResourceInfo& info,
                                                         const RequestInfo& ri,
                                                         const WriteOptions& options) {
  if (req.Query("fieldManager").empty()) {
    return BadRequestError("PATCH, application/apply-patch+yaml requires fieldManager to be set");
  }
  nlohmann::json applied;
  try {
    applied = YamlToJson(YAML::Load(req.body));
  } catch (const YAML::Exception& e) {
    return BadRequestError(std::string("error decoding YAML: ") + e.what());
  }
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
