// Renders JSON values the way Go's fmt and encoding/json do, because Kubernetes' validation
// messages are produced by Go code ("Invalid value: 1.5: ... greater than or equal to 2",
// "Unsupported value: \"lz4\"") and clients compare them byte for byte.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace upkeep::apiserver::schema {

// strconv.Quote / the %q verb.
std::string GoQuote(std::string_view value);

// The %v verb for a float64: shortest round-trip digits, exponent form below 1e-4 and from
// 1e6 up ("1e+06"), as fmt prints it.
std::string FormatGoFloat(double value);

// The %v verb for a scalar decoded from JSON: integers as digits, floats as FormatGoFloat,
// booleans as true/false, strings unquoted. Arrays and objects fall back to compact JSON.
std::string FormatGoScalar(const nlohmann::json& value);

// encoding/json.Marshal of a decoded value (numbers as Go prints them, keys sorted).
std::string FormatGoJson(const nlohmann::json& value);

// How field.Error renders its bad value: strings quoted, numbers and booleans bare,
// everything else (null, arrays, objects) as compact JSON.
std::string FormatBadValue(const nlohmann::json& value);

}  // namespace upkeep::apiserver::schema
