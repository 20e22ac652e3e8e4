// The events.k8s.io/v1 Event object the recorder writes, built from one occurrence and the
// correlator's decision. Pure functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "controller/events/event_correlator.h"

namespace upkeep::controller {

// apiVersion, kind, metadata.namespace, name, uid and resourceVersion of `object`; missing
// fields are left empty.
EventReference ReferenceTo(const nlohmann::json& object);

// Where an Event about `regarding` lives: its namespace, "default" for cluster-scoped ones.
std::string EventNamespace(const EventReference& regarding);

struct EventSource {
  std::string reporting_controller;  // "upkeep.dev/upkeep"
  std::string reporting_instance;    // this replica, e.g. the pod name
};

// The Event for a kCreate or kUpdateSeries decision; with a series when
// decision.series_count >= 2 (the create that replaces a series update whose Event vanished).
nlohmann::json BuildEvent(const EventOccurrence& occurrence, const CorrelationDecision& decision,
                          const EventSource& source);

// The merge patch that sets the series of a kUpdateSeries decision.
nlohmann::json SeriesPatch(const CorrelationDecision& decision);

}  // namespace upkeep::controller
