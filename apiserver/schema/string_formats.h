// The string formats a CRD schema may name ("date-time", "uuid", "byte", ...) and the checks
// kube-apiserver applies to them (k8s.io/kube-openapi strfmt as filtered by apiextensions'
// StripUnsupportedFormatsPostProcess). Formats Kubernetes does not know are ignored.
// Free functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

namespace upkeep::apiserver::schema {

// The format a schema node of `type` effectively has: "" when Kubernetes drops it (an unknown
// string format, an integer format other than int32/int64, a number format other than
// float/double, or any format on another type).
std::string EffectiveFormat(std::string_view type, std::string_view format);

// True if values of this (effective) string format are checked at all.
bool IsCheckedStringFormat(std::string_view format);

// True if `value` is valid for the string format. Formats known to Kubernetes but not checked
// here in detail (e.g. "email", "uri", "quantity") accept every value.
bool MatchesStringFormat(std::string_view format, const std::string& value);

}  // namespace upkeep::apiserver::schema
