#include "apiserver/rest/scale_subresource.h"

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

// ".spec.replicas" -> "/spec/replicas" (scale paths are simple dotted paths).
nlohmann::json::json_pointer Pointer(const std::string& dotted) {
  std::string out;
  for (char c : dotted) out += c == '.' ? '/' : c;
  if (out.empty() || out[0] != '/') out = "/" + out;
  return nlohmann::json::json_pointer(out);
}

nlohmann::json At(const nlohmann::json& object, const std::string& dotted) {
  if (dotted.empty()) return nullptr;
  auto p = Pointer(dotted);
  return object.contains(p) ? object.at(p) : nlohmann::json();
}

}  // namespace

nlohmann::json ScaleOf(const ResourceInfo& info, const nlohmann::json& object) {
  const nlohmann::json& meta = object.value("metadata", nlohmann::json::object());
  nlohmann::json scale_meta = nlohmann::json::object();
  for (const char* k : {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
    if (meta.contains(k)) scale_meta[k] = meta[k];
  }
  nlohmann::json spec_replicas = At(object, info.scale.spec_replicas_path);
  nlohmann::json status_replicas = At(object, info.scale.status_replicas_path);
  nlohmann::json scale = {{"kind", "Scale"},
                          {"apiVersion", "autoscaling/v1"},
                          {"metadata", scale_meta},
                          {"spec", {{"replicas", spec_replicas.is_number() ? spec_replicas : nlohmann::json(0)}}},
                          {"status",
                           {{"replicas", status_replicas.is_number() ? status_replicas : nlohmann::json(0)}}}};
  nlohmann::json selector = At(object, info.scale.label_selector_path);
  if (selector.is_string()) scale["status"]["selector"] = selector;
  return scale;
}

absl::StatusOr<nlohmann::json> WithScale(const ResourceInfo& info, nlohmann::json object,
                                         const nlohmann::json& scale) {
  nlohmann::json replicas = scale.value("spec", nlohmann::json::object()).value("replicas", nlohmann::json());
  if (!replicas.is_number_integer() || replicas.get<int64_t>() < 0) {
    return InvalidError({"autoscaling", "scale", "Scale",
                         object["metadata"].value("name", "")},
                        {{"FieldValueInvalid", "spec.replicas",
                          "Invalid value: " + replicas.dump() +
                              ": must be greater than or equal to 0"}});
  }
  object[Pointer(info.scale.spec_replicas_path)] = replicas;
  // A resourceVersion in the Scale is a precondition on the object.
  std::string rv = scale.value("metadata", nlohmann::json::object()).value("resourceVersion", "");
  if (!rv.empty()) object["metadata"]["resourceVersion"] = rv;
  return object;
}

}  // namespace upkeep::apiserver
