// How Kubernetes prints one JSONPath result as text (client-go jsonpath PrintResults, which
// both `kubectl -o jsonpath` and CRD printer columns of type string use): strings as they
// are, numbers and booleans the way Go's fmt prints them (1e+06, 0.5, true), null as
// "<nil>", and objects and lists as compact JSON the way Go's encoding/json writes it
// (sorted keys, '<', '>' and '&' escaped).
// Free functions; thread-safe.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

std::string JsonPathValueText(const nlohmann::json& value);

// `value` as Go's json.Marshal writes it.
std::string GoJsonText(const nlohmann::json& value);

// A float64 as Go's fmt %v prints it: shortest round-trip digits, exponent form below 1e-4
// and from 1e+06 ("1e+06", "1.5e-05").
std::string GoFloatText(double value);

}  // namespace upkeep::apiserver
