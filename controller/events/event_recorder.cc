#include "controller/events/event_recorder.h"

namespace upkeep::controller {

std::string_view EventTypeName(EventType type) {
  return type == EventType::kWarning ? "Warning" : "Normal";
}

}  // namespace upkeep::controller
