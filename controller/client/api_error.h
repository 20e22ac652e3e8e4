// Kubernetes API errors as absl::Status values.
//
// The HTTP code maps to an absl code (404 NotFound, 409 AlreadyExists or Aborted for a
// Conflict, 410 OutOfRange, 422 InvalidArgument, 429 ResourceExhausted, 401 Unauthenticated,
// 403 PermissionDenied, 5xx Unavailable/Internal, transport failures Unavailable); the
// Status object's reason and code travel as a payload so callers ask IsConflict(s) rather
// than parse messages. The message is the server's message, prefixed with the verb and
// object ("update configmaps default/a: ...").
#pragma once

#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

namespace upkeep::controller {

// `body` is the response body (a metav1.Status when the server sent one; anything else is
// used as the message). `context` prefixes the message.
absl::Status ApiError(int http_code, std::string_view body, std::string_view context);
// A failure to reach the server at all (connection refused, reset, timeout): Unavailable,
// worth retrying.
absl::Status TransportError(std::string_view what, std::string_view context);
// A TLS handshake or certificate verification failure: Unavailable, but not transient (the
// same certificate fails the same way again).
absl::Status TlsError(std::string_view what, std::string_view context);

// The Status object's reason ("NotFound", "Conflict", "AlreadyExists", "Expired", "Gone",
// "Invalid", "TooManyRequests", ...) or "" for non-API errors.
std::string ReasonOf(const absl::Status& s);
// The HTTP code, 0 for non-API errors.
int HttpCodeOf(const absl::Status& s);

// IsNotFound and IsAlreadyExists share their names with absl's, which argument-dependent
// lookup also finds: inside namespace upkeep::controller call them qualified
// (controller::IsNotFound). For statuses from this client both agree.
bool IsNotFound(const absl::Status& s);
bool IsAlreadyExists(const absl::Status& s);
bool IsConflict(const absl::Status& s);         // 409 reason Conflict (stale resourceVersion)
bool IsGone(const absl::Status& s);             // 410, watch or list start point expired
bool IsInvalid(const absl::Status& s);          // 422
bool IsTooManyRequests(const absl::Status& s);  // 429
bool IsTlsError(const absl::Status& s);
// Worth retrying an idempotent request: 429, 5xx, transport errors, timeouts.
bool IsTransient(const absl::Status& s);

}  // namespace upkeep::controller
