// The format checks Kubernetes applies to names, label keys and label values
// (k8s.io/apimachinery/pkg/util/validation and .../api/validation/path), with the same
// messages, so "Invalid value" errors and selector parse errors match a real kube-apiserver
// word for word. Each check returns the list of problems; an empty list means valid.
// Free functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace upkeep::apiserver {

inline constexpr size_t kDns1123LabelMaxLength = 63;
inline constexpr size_t kDns1123SubdomainMaxLength = 253;
inline constexpr size_t kQualifiedNameMaxLength = 63;
inline constexpr size_t kLabelValueMaxLength = 63;

// Lowercase RFC 1123 subdomain ("example.com"), at most 253 characters.
std::vector<std::string> IsDns1123Subdomain(std::string_view value);
// Lowercase RFC 1123 label ("my-name"), at most 63 characters.
std::vector<std::string> IsDns1123Label(std::string_view value);
// RFC 1035 label: like a 1123 label but must start with a letter.
std::vector<std::string> IsDns1035Label(std::string_view value);
// A label key, annotation key or finalizer: `[prefix/]name`.
std::vector<std::string> IsQualifiedName(std::string_view value);
// A label value: empty, or up to 63 alphanumerics, '-', '_' and '.' starting and ending
// alphanumeric.
std::vector<std::string> IsValidLabelValue(std::string_view value);
// A name that is only used as a URL path segment. With `prefix`, the name is a generateName
// prefix, which may be "." or "..".
std::vector<std::string> IsValidPathSegmentName(std::string_view value, bool prefix);

}  // namespace upkeep::apiserver
