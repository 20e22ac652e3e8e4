// ParseApplyBody: the body of an apply request (application/apply-patch+yaml) as the JSON
// object kube-apiserver decodes it to.
//
// Apply bodies are YAML, or JSON (which is YAML). Scalars resolve as Kubernetes' YAML
// decoder (sigs.k8s.io/yaml, YAML 1.1) resolves them: unquoted integers (also 0x.., 0o..,
// 0b.., 1_000) become numbers, true/false/yes/no/on/off become booleans, null, ~ and empty
// values become null, other unquoted words and every quoted or block scalar stay strings,
// floats with no fractional part become integers (Kubernetes reads numbers through JSON).
// Anchors, aliases and << merge keys are expanded; only the first document is read.
// Free function; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <nlohmann/json.hpp>
#include <string_view>

namespace upkeep::apiserver {

// Fails with 400 BadRequest ("error decoding YAML: ...") on malformed YAML, on a body that is
// not a mapping, and on values JSON cannot hold (.inf, .nan, non-scalar keys).
absl::StatusOr<nlohmann::json> ParseApplyBody(std::string_view yaml_or_json);

}  // namespace upkeep::apiserver
