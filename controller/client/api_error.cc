#include "controller/client/api_error.h"

#include <optional>

#include <absl/strings/cord.h>

namespace upkeep::controller {
namespace {

// Payload of API errors: "<http code> <reason>".
constexpr char kStatusPayload[] = "type.upkeep.dev/k8s-status";
// Payload of failures below HTTP: "tls" or "transport".
constexpr char kTransportPayload[] = "type.upkeep.dev/transport";
// Bodies that are not a Status object are quoted in the message up to this length.
constexpr size_t kMaxQuotedBody = 512;

// The reason a server leaves out, as client-go's errors.FromObject assumes it.
std::string DefaultReason(int code) {
  switch (code) {
    case 400: return "BadRequest";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "NotFound";
    case 405: return "MethodNotAllowed";
    case 406: return "NotAcceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "RequestEntityTooLarge";
    case 415: return "UnsupportedMediaType";
    case 422: return "Invalid";
    case 429: return "TooManyRequests";
    case 500: return "InternalError";
    case 503: return "ServiceUnavailable";
    case 504: return "Timeout";
    default: return "Unknown";
  }
}

absl::StatusCode CodeFor(int http_code, const std::string& reason) {
  switch (http_code) {
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 405: return absl::StatusCode::kUnimplemented;
    case 409:
      return reason == "AlreadyExists" ? absl::StatusCode::kAlreadyExists
                                       : absl::StatusCode::kAborted;
    case 410: return absl::StatusCode::kOutOfRange;
    case 429: return absl::StatusCode::kResourceExhausted;
    case 500: return absl::StatusCode::kInternal;
    case 504: return absl::StatusCode::kDeadlineExceeded;
    default: break;
  }
  if (http_code >= 500) return absl::StatusCode::kUnavailable;
  if (http_code >= 400) return absl::StatusCode::kInvalidArgument;
  return absl::StatusCode::kUnknown;
}

std::string Prefixed(std::string_view context, std::string_view message) {
  std::string out;
  if (!context.empty()) {
    out.append(context);
    out.append(": ");
  }
  out.append(message);
  return out;
}

std::optional<std::string> Payload(const absl::Status& s, const char* key) {
  auto p = s.GetPayload(key);  // absl::optional, not std::optional, in this abseil
  if (!p) return std::nullopt;
  return std::string(*p);
}

}  // namespace

absl::Status ApiError(int http_code, std::string_view body, std::string_view context) {
  std::string reason;
  std::string message;
  int code = http_code;
  nlohmann::json status = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (status.is_object() && status.value("kind", "") == "Status") {
    if (status.contains("reason") && status["reason"].is_string()) reason = status["reason"];
    if (status.contains("message") && status["message"].is_string()) message = status["message"];
    // A watch ERROR event carries its code only in the Status object.
    if (status.contains("code") && status["code"].is_number_integer() &&
        status["code"].get<int>() >= 400) {
      code = status["code"].get<int>();
    }
  } else if (!body.empty()) {
    message = std::string(body.substr(0, kMaxQuotedBody));
    while (!message.empty() && (message.back() == '\n' || message.back() == '\r')) {
      message.pop_back();
    }
  }
  if (reason.empty()) reason = DefaultReason(code);
  if (message.empty()) message = "the server responded with HTTP " + std::to_string(code);
  absl::Status s(CodeFor(code, reason), Prefixed(context, message));
  s.SetPayload(kStatusPayload, absl::Cord(std::to_string(code) + " " + reason));
  return s;
}

absl::Status TransportError(std::string_view what, std::string_view context) {
  absl::Status s = absl::UnavailableError(Prefixed(context, what));
  s.SetPayload(kTransportPayload, absl::Cord("transport"));
  return s;
}

absl::Status TlsError(std::string_view what, std::string_view context) {
  absl::Status s = absl::UnavailableError(Prefixed(context, what));
  s.SetPayload(kTransportPayload, absl::Cord("tls"));
  return s;
}

std::string ReasonOf(const absl::Status& s) {
  std::optional<std::string> p = Payload(s, kStatusPayload);
  if (!p) return "";
  size_t space = p->find(' ');
  return space == std::string::npos ? "" : p->substr(space + 1);
}

int HttpCodeOf(const absl::Status& s) {
  std::optional<std::string> p = Payload(s, kStatusPayload);
  if (!p) return 0;
  return std::atoi(p->c_str());
}

bool IsNotFound(const absl::Status& s) { return HttpCodeOf(s) == 404; }
bool IsAlreadyExists(const absl::Status& s) { return ReasonOf(s) == "AlreadyExists"; }
bool IsConflict(const absl::Status& s) {
  return HttpCodeOf(s) == 409 && ReasonOf(s) != "AlreadyExists";
}
bool IsGone(const absl::Status& s) { return HttpCodeOf(s) == 410; }
bool IsInvalid(const absl::Status& s) { return HttpCodeOf(s) == 422; }
bool IsTooManyRequests(const absl::Status& s) { return HttpCodeOf(s) == 429; }
bool IsTlsError(const absl::Status& s) { return Payload(s, kTransportPayload) == "tls"; }

bool IsTransient(const absl::Status& s) {
  if (s.ok()) return false;
  int code = HttpCodeOf(s);
  if (code != 0) return code == 429 || code >= 500;
  if (IsTlsError(s)) return false;
  return s.code() == absl::StatusCode::kUnavailable ||
         s.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace upkeep::controller
