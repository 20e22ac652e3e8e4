// Status conditions on object JSON, following apimachinery's meta.SetStatusCondition:
// status.conditions is a list keyed by "type"; lastTransitionTime moves only when the status
// of a condition changes, so "Ready since" survives a change of reason or message.
//
// Pure functions on the caller's JSON: no I/O, no clock of their own (`now` is passed in).
// Malformed input (status not an object, conditions not a list, entries that are not
// objects) never throws: reads treat it as absent, writes replace it. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "controller/clock/clock.h"

namespace upkeep::controller {

inline constexpr char kConditionTrue[] = "True";
inline constexpr char kConditionFalse[] = "False";
inline constexpr char kConditionUnknown[] = "Unknown";

struct Condition {
  std::string type;                 // "Ready"; the key in the list
  std::string status;               // kConditionTrue, kConditionFalse or kConditionUnknown
  std::string reason;               // CamelCase, machine-readable
  std::string message;              // for humans
  int64_t observed_generation = 0;  // 0: not written (omitempty)
  // Filled by FindCondition; SetCondition ignores it and uses `now`.
  std::string last_transition_time;  // RFC 3339, "" when absent
};

// Sets the condition of `c.type` in status.conditions, appending it when absent. Returns
// true when anything changed. lastTransitionTime is set to `now` (RFC 3339, whole seconds)
// when the condition is new or its status changes, and kept otherwise.
bool SetCondition(nlohmann::json& object, const Condition& c, Clock::TimePoint now);

// The condition of `type` in status.conditions, or nullopt.
std::optional<Condition> FindCondition(const nlohmann::json& object, std::string_view type);

// True when the condition of `type` is present with status "True".
bool IsConditionTrue(const nlohmann::json& object, std::string_view type);

// Removes the condition of `type`; true if it was there.
bool RemoveCondition(nlohmann::json& object, std::string_view type);

// Copies metadata.generation into status.observedGeneration; true if that changed it.
// Does nothing (false) when metadata.generation is not an integer.
bool SetObservedGeneration(nlohmann::json& object);

}  // namespace upkeep::controller
