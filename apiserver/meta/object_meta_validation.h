// Validation of an object's metadata on create, as kube-apiserver's ValidateObjectMeta does
// (k8s.io/apimachinery/pkg/api/validation): name or generateName, the kind's name format,
// namespace presence, labels, annotations and their 256 KiB budget, ownerReferences,
// finalizers and managedFields, reported with the same field paths and messages, e.g.
// `metadata.name: Required value: name or generateName is required`.
// Free functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver {

// Total bytes of annotation keys and values one object may carry.
inline constexpr int64_t kTotalAnnotationSizeLimitBytes = 256 * 1024;

// The name format a kind requires.
enum class NameRule {
  kDnsSubdomain,  // most kinds and all custom resources: "example.com"
  kDnsLabel,      // Namespaces: "my-name", no dots
  kDns1035Label,  // Services: a DNS label that starts with a letter
  kPathSegment,   // kinds whose names only need to be a URL path segment (no '/', '%')
};

// The problems with `name` under `rule`, without field path. `prefix` means the value is a
// generateName, which may end in '-' because a random suffix follows.
std::vector<std::string> ValidateName(std::string_view name, NameRule rule, bool prefix);

// Validates `metadata` (the object's metadata JSON) for create. Assumes the server already
// turned generateName into a name, as kube-apiserver does before validating.
FieldErrors ValidateObjectMeta(const nlohmann::json& metadata, bool namespaced, NameRule rule);

// Label keys must be qualified names and values label values; `field` is e.g.
// "metadata.labels" or "spec.selector.matchLabels".
FieldErrors ValidateLabels(const nlohmann::json& labels, const std::string& field);

// Annotation keys must be qualified names (case-insensitive), and keys plus values together
// at most kTotalAnnotationSizeLimitBytes.
FieldErrors ValidateAnnotations(const nlohmann::json& annotations, const std::string& field);

}  // namespace upkeep::apiserver
