// Go's spelling of decoded JSON values, for error messages that must read like
// kube-apiserver's: its patch errors are Go error strings that embed values with fmt's %v
// ("map: map[image:nginx] does not contain declared merge key: name") and Go type names
// ("json: cannot unmarshal array into Go value of type map[string]interface {}").
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace upkeep::apiserver::patch {

// fmt's %v of the value encoding/json decodes `value` into: map[k:v ...] with sorted keys,
// [a b], <nil>, strings unquoted.
std::string FormatGoValue(const nlohmann::json& value);

// The Go type encoding/json decodes `value` into, as reflect prints it: "map[string]interface {}",
// "[]interface {}", "string", "int64", "float64", "bool", "<nil>".
std::string GoTypeName(const nlohmann::json& value);

// encoding/json's word for the JSON value in "cannot unmarshal <word> into Go value ...":
// object, array, string, number, bool.
std::string GoJsonKindName(const nlohmann::json& value);

}  // namespace upkeep::apiserver::patch
