#include "controller/events/event_object.h"

#include "controller/object/kube_time.h"

namespace upkeep::controller {
namespace {

std::string StringAt(const nlohmann::json& object, const nlohmann::json::json_pointer& at) {
  if (!object.contains(at)) return "";
  const nlohmann::json& value = object.at(at);
  return value.is_string() ? value.get<std::string>() : "";
}

nlohmann::json SeriesOf(const CorrelationDecision& decision) {
  return {{"count", decision.series_count},
          {"lastObservedTime", FormatRfc3339Micro(decision.last_observed_time)}};
}

}  // namespace

EventReference ReferenceTo(const nlohmann::json& object) {
  using Ptr = nlohmann::json::json_pointer;
  EventReference ref;
  if (!object.is_object()) return ref;
  ref.api_version = StringAt(object, Ptr("/apiVersion"));
  ref.kind = StringAt(object, Ptr("/kind"));
  ref.namespace_ = StringAt(object, Ptr("/metadata/namespace"));
  ref.name = StringAt(object, Ptr("/metadata/name"));
  ref.uid = StringAt(object, Ptr("/metadata/uid"));
  ref.resource_version = StringAt(object, Ptr("/metadata/resourceVersion"));
  return ref;
}

std::string EventNamespace(const EventReference& regarding) {
  return regarding.namespace_.empty() ? "default" : regarding.namespace_;
}

nlohmann::json BuildEvent(const EventOccurrence& occurrence, const CorrelationDecision& decision,
                          const EventSource& source) {
  const EventReference& r = occurrence.regarding;
  nlohmann::json regarding = nlohmann::json::object();
  auto set_if = [&regarding](const char* field, const std::string& value) {
    if (!value.empty()) regarding[field] = value;
  };
  set_if("apiVersion", r.api_version);
  set_if("kind", r.kind);
  set_if("namespace", r.namespace_);
  set_if("name", r.name);
  set_if("uid", r.uid);
  set_if("resourceVersion", r.resource_version);

  nlohmann::json event = {
      {"apiVersion", "events.k8s.io/v1"},
      {"kind", "Event"},
      {"metadata", {{"name", decision.event_name}, {"namespace", EventNamespace(r)}}},
      {"eventTime", FormatRfc3339Micro(decision.event_time)},
      {"reportingController", source.reporting_controller},
      {"reportingInstance", source.reporting_instance},
      {"type", occurrence.type},
      {"reason", occurrence.reason},
      {"action", occurrence.action},
      {"regarding", std::move(regarding)},
      {"note", decision.note},
  };
  if (decision.series_count >= 2) event["series"] = SeriesOf(decision);
  return event;
}

nlohmann::json SeriesPatch(const CorrelationDecision& decision) {
  return {{"series", SeriesOf(decision)}};
}

}  // namespace upkeep::controller
