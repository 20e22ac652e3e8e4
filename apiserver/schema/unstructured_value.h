// How Kubernetes sees a decoded JSON value: Go's unstructured decoding makes integers int64 and
// every other number float64, and reflect.DeepEqual never equates the two. The schema
// algorithms use these rules so enum, uniqueItems and list-set checks agree with the server.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>

namespace upkeep::apiserver::schema {

// True for a number Go would decode as int64 (integral JSON literal within int64 range).
bool IsGoInteger(const nlohmann::json& value);
// True for a number Go would decode as float64.
bool IsGoFloat(const nlohmann::json& value);
// The value as a double (numbers only).
double AsDouble(const nlohmann::json& value);
// swag.IsFloat64AJSONInteger: an integral float within +-2^53.
bool IsFloatAJsonInteger(double value);
// reflect.DeepEqual over decoded JSON: 1 and 1.0 differ, objects compare key by key.
bool GoDeepEqual(const nlohmann::json& a, const nlohmann::json& b);

}  // namespace upkeep::apiserver::schema
