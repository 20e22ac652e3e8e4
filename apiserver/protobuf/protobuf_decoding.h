// Decodes request bodies sent as application/vnd.kubernetes.protobuf, which kubectl's typed
// generators (create secret, configmap, deployment, role, ...) and client-go use by default
// for built-in kinds. The server keeps answering in JSON; this turns the body into the JSON
// object the JSON API would have received, so the rest of the request path never sees
// protobuf. Kinds are table-driven (kind_registry.cc, <group>_messages.cc).
//
// Free functions; thread-safe.
#pragma once

#include <string_view>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

inline constexpr std::string_view kKubernetesProtobufMediaType =
    "application/vnd.kubernetes.protobuf";

// True for "application/vnd.kubernetes.protobuf" (case-insensitive; parameters ignored).
bool IsKubernetesProtobuf(std::string_view content_type);

// Decodes the Kubernetes protobuf envelope (the 4-byte magic "k8s\0", then a runtime.Unknown
// {typeMeta = 1 {apiVersion = 1, kind = 2}, raw = 2, contentEncoding = 3, contentType = 4})
// and the typed message in `raw` into the object's JSON (apiVersion, kind, metadata, ...).
// Errors: a kind (or a field of it) the server has no table for -> 415 UnsupportedMediaType
// naming protobuf; malformed bytes -> 400 BadRequest.
absl::StatusOr<nlohmann::json> DecodeKubernetesProtobuf(std::string_view body);

}  // namespace upkeep::apiserver
