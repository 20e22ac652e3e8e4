#include "crds/v1alpha1/common.h"

#include "controller/object/kube_time.h"

namespace upkeep::api::v1alpha1 {

SecretKeySelector ParseSecretKeySelector(FieldReader& r, bool key_required) {
  SecretKeySelector s;
  s.name = r.String("name", Need::kRequired).value_or("");
  s.key = r.String("key", key_required ? Need::kRequired : Need::kOptional).value_or("");
  return s;
}

LocalObjectReference ParseLocalObjectReference(FieldReader& r) {
  return LocalObjectReference{r.String("name", Need::kRequired).value_or("")};
}

ObjectMetaTemplate ParseObjectMetaTemplate(FieldReader& r) {
  return ObjectMetaTemplate{r.StringMap("labels"), r.StringMap("annotations")};
}

WorkloadReference ParseWorkloadReference(FieldReader& r) {
  WorkloadReference w;
  w.kind = r.Enum("kind", {"Deployment", "StatefulSet", "DaemonSet"}).value_or("Deployment");
  w.name = r.String("name", Need::kRequired).value_or("");
  return w;
}

std::vector<WorkloadReference> ParseWorkloadReferences(FieldReader& parent, std::string_view key) {
  std::vector<WorkloadReference> out;
  parent.ObjectList(key, [&](FieldReader& item) { out.push_back(ParseWorkloadReference(item)); });
  return out;
}

ExecutorSpec ParseExecutorSpec(FieldReader& r) {
  ExecutorSpec e;
  if (auto mode = r.Enum("mode", {"Job", "Inline"})) {
    e.mode = *mode == "Job" ? ExecutorSpec::Mode::kJob : ExecutorSpec::Mode::kInline;
  }
  e.image = r.String("image").value_or("");
  // Passed through to the Job's container as core/v1 ResourceRequirements.
  e.resources = nlohmann::json::object();
  FieldReader resources = r.Object("resources");
  for (const char* key : {"limits", "requests"}) {
    std::optional<nlohmann::json> quantities = resources.Raw(key);
    if (!quantities) continue;
    if (!quantities->is_object()) {
      resources.Invalid(key, *quantities, "must be a map of resource names to quantities");
      continue;
    }
    for (const auto& [name, quantity] : quantities->items()) {
      // int-or-string, as the schema says.
      if (!quantity.is_string() && !quantity.is_number_integer()) {
        resources.Invalid(std::string(key) + "[" + name + "]", quantity,
                          "must be a quantity such as \"100m\" or \"256Mi\"");
      }
    }
    e.resources[key] = *quantities;
  }
  e.service_account_name = r.String("serviceAccountName").value_or("");
  e.backoff_limit = r.Integer("backoffLimit");
  if (e.backoff_limit && *e.backoff_limit < 0) {
    r.Invalid("backoffLimit", *e.backoff_limit, "must be greater than or equal to 0");
  }
  e.active_deadline_seconds = r.Integer("activeDeadlineSeconds");
  if (e.active_deadline_seconds && *e.active_deadline_seconds <= 0) {
    r.Invalid("activeDeadlineSeconds", *e.active_deadline_seconds, "must be greater than 0");
  }
  return e;
}

std::string ParseCaBundle(FieldReader& r, std::string_view key) {
  std::string pem = r.String(key).value_or("");
  if (pem.empty() || pem.find("-----BEGIN CERTIFICATE-----") != std::string::npos) return pem;
  r.Invalid(key, pem.size() > 40 ? pem.substr(0, 40) + "..." : pem,
            "must be PEM text holding at least one \"-----BEGIN CERTIFICATE-----\" block");
  return "";
}

CommonStatus ParseCommonStatus(FieldReader& status) {
  CommonStatus c;
  c.observed_generation = status.Integer("observedGeneration").value_or(0);
  c.last_run_now = status.String("lastRunNow").value_or("");
  status.ObjectList("conditions", [&](FieldReader& item) {
    controller::Condition cond;
    cond.type = item.String("type").value_or("");
    cond.status = item.String("status").value_or("");
    cond.reason = item.String("reason").value_or("");
    cond.message = item.String("message").value_or("");
    cond.observed_generation = item.Integer("observedGeneration").value_or(0);
    cond.last_transition_time = item.String("lastTransitionTime").value_or("");
    c.conditions.push_back(std::move(cond));
  });
  return c;
}

void WriteCommonStatus(const CommonStatus& common, nlohmann::json& status) {
  if (common.observed_generation != 0) status["observedGeneration"] = common.observed_generation;
  if (!common.last_run_now.empty()) status["lastRunNow"] = common.last_run_now;
  if (common.conditions.empty()) return;
  nlohmann::json& list = status["conditions"] = nlohmann::json::array();
  for (const controller::Condition& c : common.conditions) {
    nlohmann::json j = {{"type", c.type}, {"status", c.status}};
    if (!c.reason.empty()) j["reason"] = c.reason;
    if (!c.message.empty()) j["message"] = c.message;
    if (c.observed_generation != 0) j["observedGeneration"] = c.observed_generation;
    if (!c.last_transition_time.empty()) j["lastTransitionTime"] = c.last_transition_time;
    list.push_back(std::move(j));
  }
}

ObjectMetadata ParseObjectMetadata(const nlohmann::json& object) {
  ObjectMetadata m;
  auto it = object.find("metadata");
  if (it == object.end() || !it->is_object()) return m;
  const nlohmann::json& md = *it;
  auto str = [&](const char* key) {
    auto f = md.find(key);
    return f != md.end() && f->is_string() ? f->get<std::string>() : std::string();
  };
  auto map = [&](const char* key) {
    std::map<std::string, std::string> out;
    auto f = md.find(key);
    if (f == md.end() || !f->is_object()) return out;
    for (const auto& [k, v] : f->items()) {
      if (v.is_string()) out.emplace(k, v.get<std::string>());
    }
    return out;
  };
  m.name = str("name");
  m.namespace_ = str("namespace");
  m.uid = str("uid");
  m.resource_version = str("resourceVersion");
  if (auto g = md.find("generation"); g != md.end() && g->is_number_integer()) {
    m.generation = g->get<int64_t>();
  }
  m.labels = map("labels");
  m.annotations = map("annotations");
  return m;
}

void WriteTimestamp(nlohmann::json& out, const char* key,
                    const std::optional<std::chrono::system_clock::time_point>& t) {
  if (t) out[key] = controller::FormatRfc3339(*t);
}

}  // namespace upkeep::api::v1alpha1
