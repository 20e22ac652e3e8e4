// The HTTP Retry-After header (RFC 9110 §10.2.3), which ACME servers send with rateLimited
// errors, on 503s, and on orders and authorizations still being processed (RFC 8555 §8.2,
// RFC 9773 §4.3). Thread-safe (pure functions).
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

namespace upkeep::acme {

// The wait a Retry-After value asks for: delta-seconds ("120") or an HTTP-date in any of the
// three forms a recipient must accept ("Sun, 06 Nov 1994 08:49:37 GMT", the obsolete RFC 850
// and asctime forms), counted from `now`. A date in the past gives zero. nullopt for anything
// else, so a malformed header is ignored rather than trusted.
std::optional<std::chrono::seconds> ParseRetryAfter(std::string_view value,
                                                    std::chrono::system_clock::time_point now);

}  // namespace upkeep::acme
