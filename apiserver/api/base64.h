// Standard base64 (RFC 4648, with padding, no line breaks), as Kubernetes encodes []byte in
// JSON. Pure functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upkeep::apiserver {

std::string Base64Encode(std::string_view data);
// Accepts standard or URL-safe alphabets, padding optional; empty when malformed.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace upkeep::apiserver
