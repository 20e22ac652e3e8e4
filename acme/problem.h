// ACME errors (RFC 8555 §6.7): RFC 7807 problem documents and their mapping to absl::Status.
//
// The mapping tells a caller what to do: Unavailable is worth retrying soon (the server is
// down or had an internal error), ResourceExhausted means wait (a rate limit; the
// Retry-After travels with the status), InvalidArgument and FailedPrecondition need a
// different request or configuration (a malformed CSR, an external account binding that is
// required), PermissionDenied a validation the CA did not accept (or an account or name it
// refuses). The full ACME error type
// and the server's detail are always in the message and the type in a payload, so callers
// branch on AcmeErrorType() rather than parse messages. Thread-safe (pure functions).
#pragma once

#include <absl/status/status.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace upkeep::acme {

inline constexpr char kAcmeErrorPrefix[] = "urn:ietf:params:acme:error:";

struct Problem {
  std::string type;        // "urn:ietf:params:acme:error:badNonce"; may be another URI or ""
  std::string detail;      // the server's human-readable explanation
  int http_status = 0;     // the "status" member, or the response's code; 0 if neither
  std::string identifier;  // "dns:www.example.com" for a subproblem, else ""
  std::vector<Problem> subproblems;

  // "badNonce" for an ACME error type, else the whole type.
  std::string ShortType() const;
  // "urn:ietf:params:acme:error:unauthorized: detail" plus subproblems, for messages.
  std::string Describe() const;
};

// A problem document as an object inside a resource (an order's or challenge's "error"), or
// nullopt when `document` has neither a type nor a detail.
std::optional<Problem> ParseProblem(const nlohmann::json& document);

// The status for a problem; `context` ("POST https://…/new-order") prefixes the message, and
// `retry_after` is appended to it and attached for rateLimited and 503 answers.
absl::Status ProblemStatus(const Problem& problem, std::string_view context,
                           std::optional<std::chrono::seconds> retry_after = std::nullopt);

// The status for an HTTP error response: its problem document when the body is one, else a
// problem made up from the code and the start of the body (a proxy's HTML error page).
absl::Status ErrorResponseStatus(int http_code, std::string_view body, std::string_view context,
                                 std::optional<std::chrono::seconds> retry_after);

// The ACME error type a status carries ("urn:ietf:params:acme:error:rateLimited"), or "".
std::string AcmeErrorType(const absl::Status& status);
// True if the status carries the ACME error `short_type` ("rateLimited", "badNonce", ...).
bool HasAcmeError(const absl::Status& status, std::string_view short_type);
// The server's Retry-After attached to the status, if any.
std::optional<std::chrono::seconds> RetryAfterOf(const absl::Status& status);

}  // namespace upkeep::acme
