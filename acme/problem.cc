#include "acme/problem.h"

#include <absl/strings/cord.h>

namespace upkeep::acme {
namespace {

// Payload keys: the ACME error type, and the Retry-After in whole seconds.
constexpr char kTypePayload[] = "type.upkeep.dev/acme-error";
constexpr char kRetryAfterPayload[] = "type.upkeep.dev/acme-retry-after";
// A body that is not a problem document is quoted up to this length.
constexpr size_t kMaxQuotedBody = 300;

absl::StatusCode CodeForType(const std::string& short_type) {
  // The server is down or broke: retry soon. badNonce only reaches a caller once the client's
  // own retries are spent, which means the server keeps rejecting nonces: also transient.
  if (short_type == "serverInternal" || short_type == "badNonce") {
    return absl::StatusCode::kUnavailable;
  }
  if (short_type == "rateLimited") return absl::StatusCode::kResourceExhausted;
  if (short_type == "accountDoesNotExist") return absl::StatusCode::kNotFound;
  if (short_type == "alreadyRevoked") return absl::StatusCode::kAlreadyExists;
  // The CA refuses this account, key or name, or did not accept a validation (the solver
  // answered wrongly or could not be reached): something outside the request must change.
  if (short_type == "unauthorized" || short_type == "caa" || short_type == "rejectedIdentifier" ||
      short_type == "connection" || short_type == "dns" || short_type == "incorrectResponse" ||
      short_type == "tls") {
    return absl::StatusCode::kPermissionDenied;
  }
  // The configuration must change (add an EAB, accept new terms, wait for the order).
  if (short_type == "externalAccountRequired" || short_type == "userActionRequired" ||
      short_type == "orderNotReady" || short_type == "alreadyReplaced") {
    return absl::StatusCode::kFailedPrecondition;
  }
  if (short_type == "malformed" || short_type == "badCSR" ||
      short_type == "badSignatureAlgorithm" || short_type == "badPublicKey" ||
      short_type == "badRevocationReason" || short_type == "invalidContact" ||
      short_type == "unsupportedContact" || short_type == "unsupportedIdentifier" ||
      short_type == "compound") {
    return absl::StatusCode::kInvalidArgument;
  }
  return absl::StatusCode::kUnknown;
}

absl::StatusCode CodeForHttp(int http_code) {
  if (http_code == 429) return absl::StatusCode::kResourceExhausted;
  if (http_code >= 500) return absl::StatusCode::kUnavailable;
  switch (http_code) {
    case 401:
      return absl::StatusCode::kUnauthenticated;
    case 403:
      return absl::StatusCode::kPermissionDenied;
    case 404:
      return absl::StatusCode::kNotFound;
    case 405:
      return absl::StatusCode::kUnimplemented;
    default:
      break;
  }
  if (http_code >= 400) return absl::StatusCode::kInvalidArgument;
  return absl::StatusCode::kUnknown;
}

std::string Prefixed(std::string_view context, const std::string& message) {
  if (context.empty()) return message;
  return std::string(context) + ": " + message;
}

// A string member, or "" when absent or of another type (servers' JSON is not trusted to
// throw nlohmann's exceptions at us).
std::string StringMember(const nlohmann::json& object, const char* key) {
  auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string Problem::ShortType() const {
  std::string prefix = kAcmeErrorPrefix;
  if (type.compare(0, prefix.size(), prefix) == 0) return type.substr(prefix.size());
  return type;
}

std::string Problem::Describe() const {
  std::string out = type.empty() ? "problem" : type;
  if (!detail.empty()) out += ": " + detail;
  for (const Problem& sub : subproblems) {
    out += "; ";
    if (!sub.identifier.empty()) out += sub.identifier + ": ";
    out += sub.Describe();
  }
  return out;
}

std::optional<Problem> ParseProblem(const nlohmann::json& document) {
  if (!document.is_object()) return std::nullopt;
  Problem p;
  p.type = StringMember(document, "type");
  p.detail = StringMember(document, "detail");
  if (p.type.empty() && p.detail.empty()) return std::nullopt;
  if (auto it = document.find("status"); it != document.end() && it->is_number_integer()) {
    p.http_status = it->get<int>();
  }
  if (auto it = document.find("identifier"); it != document.end() && it->is_object()) {
    p.identifier = StringMember(*it, "type") + ":" + StringMember(*it, "value");
  }
  if (auto it = document.find("subproblems"); it != document.end() && it->is_array()) {
    for (const auto& sub : *it) {
      if (auto parsed = ParseProblem(sub)) p.subproblems.push_back(std::move(*parsed));
    }
  }
  return p;
}

absl::Status ProblemStatus(const Problem& problem, std::string_view context,
                           std::optional<std::chrono::seconds> retry_after) {
  absl::StatusCode code = CodeForType(problem.ShortType());
  if (code == absl::StatusCode::kUnknown) code = CodeForHttp(problem.http_status);
  if (code == absl::StatusCode::kUnknown) code = absl::StatusCode::kInternal;
  std::string message = problem.Describe();
  if (problem.http_status != 0) message += " (HTTP " + std::to_string(problem.http_status) + ")";
  if (retry_after.has_value()) {
    message += " (retry after " + std::to_string(retry_after->count()) + " s)";
  }
  absl::Status status(code, Prefixed(context, message));
  if (!problem.type.empty()) status.SetPayload(kTypePayload, absl::Cord(problem.type));
  if (retry_after.has_value()) {
    status.SetPayload(kRetryAfterPayload, absl::Cord(std::to_string(retry_after->count())));
  }
  return status;
}

absl::Status ErrorResponseStatus(int http_code, std::string_view body, std::string_view context,
                                 std::optional<std::chrono::seconds> retry_after) {
  nlohmann::json document = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::optional<Problem> problem = ParseProblem(document);
  if (!problem.has_value()) {
    problem = Problem();
    std::string quoted(body.substr(0, kMaxQuotedBody));
    problem->detail = quoted.empty() ? "empty response" : "unexpected response \"" + quoted + "\"";
  }
  // The response's own code wins: a "status" member is advisory (RFC 7807 §3.1).
  problem->http_status = http_code;
  return ProblemStatus(*problem, context, retry_after);
}

std::string AcmeErrorType(const absl::Status& status) {
  auto payload = status.GetPayload(kTypePayload);  // absl::optional in Debian's Abseil
  if (!payload) return "";
  return std::string(*payload);
}

bool HasAcmeError(const absl::Status& status, std::string_view short_type) {
  return AcmeErrorType(status) == std::string(kAcmeErrorPrefix) + std::string(short_type);
}

std::optional<std::chrono::seconds> RetryAfterOf(const absl::Status& status) {
  auto payload = status.GetPayload(kRetryAfterPayload);
  if (!payload) return std::nullopt;
  try {
    return std::chrono::seconds(std::stoll(std::string(*payload)));
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace upkeep::acme
