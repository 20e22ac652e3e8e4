// Base64url without padding (RFC 4648 §5), the encoding of every binary field in JOSE and
// ACME: JWS parts, JWK coordinates, tokens, CSRs, ARI certificate identifiers. Thread-safe
// (pure functions).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace upkeep::acme {

std::string Base64UrlEncode(std::string_view bytes);
// Accepts input with or without '=' padding (EAB MAC keys are handed out both ways); nullopt
// for any character outside the URL-safe alphabet or an impossible length.
std::optional<std::string> Base64UrlDecode(std::string_view text);

}  // namespace upkeep::acme
