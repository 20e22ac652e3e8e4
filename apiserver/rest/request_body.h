// Decoding of request bodies (JSON; YAML is accepted where kube accepts it). Pure.
#pragma once

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "apiserver/http/http_server.h"

namespace upkeep::apiserver {

// The body of a create or update as JSON, by its Content-Type; 400 when it does not parse,
// 415 for media types the server does not accept.
absl::StatusOr<nlohmann::json> DecodeBody(const HttpRequest& request);

}  // namespace upkeep::apiserver
