#include "apiserver/api/api_status.h"

#include <absl/strings/cord.h>

namespace upkeep::apiserver {
namespace {

constexpr char kStatusPayloadUrl[] = "type.upkeep.dev/k8s.io/Status";

absl::StatusCode CodeFor(int http_code) {
  switch (http_code) {
    case 400: return absl::StatusCode::kInvalidArgument;
    case 401: return absl::StatusCode::kUnauthenticated;
    case 403: return absl::StatusCode::kPermissionDenied;
    case 404: return absl::StatusCode::kNotFound;
    case 405: return absl::StatusCode::kUnimplemented;
    case 406: return absl::StatusCode::kInvalidArgument;
    case 409: return absl::StatusCode::kAlreadyExists;
    case 410: return absl::StatusCode::kOutOfRange;
    case 415: return absl::StatusCode::kInvalidArgument;
    case 422: return absl::StatusCode::kInvalidArgument;
    case 429: return absl::StatusCode::kResourceExhausted;
    case 503: return absl::StatusCode::kUnavailable;
    case 504: return absl::StatusCode::kDeadlineExceeded;
    default: return absl::StatusCode::kInternal;
  }
}

// Debian's Abseil has its own string_view, so strings are joined here, not with StrCat.
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out += p;
  return out;
}

nlohmann::json Details(const ErrorSubject& s) {
  nlohmann::json d = nlohmann::json::object();
  if (!s.name.empty()) d["name"] = s.name;
  if (!s.group.empty()) d["group"] = s.group;
  if (!s.resource.empty()) d["kind"] = s.resource;
  return d;
}

// "secrets" or "backuppolicies.upkeep.dev", as the apiserver names a group-resource.
std::string GroupResource(const ErrorSubject& s) {
  return s.group.empty() ? s.resource : Cat({s.resource, ".", s.group});
}

absl::Status Make(int code, std::string_view reason, std::string message,
                  nlohmann::json details = nullptr) {
  nlohmann::json obj = {{"kind", "Status"},         {"apiVersion", "v1"},
                        {"metadata", nlohmann::json::object()},
                        {"status", "Failure"},      {"message", message},
                        {"reason", reason},         {"code", code}};
  if (!details.is_null() && !details.empty()) obj["details"] = std::move(details);
  return StatusFromObject(obj);
}

}  // namespace

absl::Status NotFoundError(const ErrorSubject& s) {
  return Make(404, "NotFound", Cat({GroupResource(s), " \"", s.name, "\" not found"}),
              Details(s));
}

absl::Status AlreadyExistsError(const ErrorSubject& s) {
  return Make(409, "AlreadyExists",
              Cat({GroupResource(s), " \"", s.name, "\" already exists"}), Details(s));
}

absl::Status ConflictError(const ErrorSubject& s, std::string_view why) {
  return Make(409, "Conflict",
              Cat({"Operation cannot be fulfilled on ", GroupResource(s), " \"", s.name,
                           "\": ", why}),
              Details(s));
}

absl::Status InvalidError(const ErrorSubject& s, const FieldErrors& errors) {
  std::string list;
  nlohmann::json causes = nlohmann::json::array();
  for (const FieldError& e : errors) {
    if (!list.empty()) list += ", ";
    list += e.ToString();
    causes.push_back({{"reason", e.reason}, {"message", e.detail}, {"field", e.field}});
  }
  if (errors.size() > 1) list = Cat({"[", list, "]"});
  std::string kind_group = s.group.empty() ? s.kind : Cat({s.kind, ".", s.group});
  nlohmann::json details = {{"name", s.name}, {"kind", s.kind}, {"causes", causes}};
  if (!s.group.empty()) details["group"] = s.group;
  return Make(422, "Invalid", Cat({kind_group, " \"", s.name, "\" is invalid: ", list}),
              std::move(details));
}

absl::Status BadRequestError(std::string_view message) {
  return Make(400, "BadRequest", std::string(message));
}

absl::Status GoneError(std::string_view message) {
  return Make(410, "Expired", std::string(message));
}

absl::Status MethodNotSupportedError(const ErrorSubject& s, std::string_view verb) {
  return Make(405, "MethodNotAllowed",
              Cat({verb, " is not supported on resources of kind \"", GroupResource(s),
                           "\""}),
              Details(s));
}

absl::Status UnsupportedMediaTypeError(std::string_view content_type) {
  return Make(415, "UnsupportedMediaType",
              Cat({"the body of the request was in an unknown format - accepted media "
                           "types include: application/json, application/yaml, "
                           "application/json-patch+json, application/merge-patch+json, "
                           "application/strategic-merge-patch+json, "
                           "application/apply-patch+yaml (got \"",
                           content_type, "\")"}));
}

absl::Status NotAcceptableError(std::string_view message) {
  return Make(406, "NotAcceptable", std::string(message));
}

absl::Status ForbiddenError(const ErrorSubject& s, std::string_view why) {
  return Make(403, "Forbidden",
              Cat({GroupResource(s), " \"", s.name, "\" is forbidden: ", why}),
              Details(s));
}

absl::Status UnauthorizedError() { return Make(401, "Unauthorized", "Unauthorized"); }

absl::Status TooManyRequestsError(std::string_view message, int retry_after_seconds) {
  return Make(429, "TooManyRequests", std::string(message),
              {{"retryAfterSeconds", retry_after_seconds}});
}

absl::Status InternalError(std::string_view message) {
  return Make(500, "InternalError",
              Cat({"Internal error occurred: ", message}));
}

absl::Status ServiceUnavailableError(std::string_view message) {
  return Make(503, "ServiceUnavailable", std::string(message));
}

absl::Status TimeoutError(std::string_view message) {
  return Make(504, "Timeout", std::string(message));
}

absl::Status StatusFromObject(const nlohmann::json& status_object, std::string_view log_message) {
  std::string message(log_message);
  if (message.empty()) message = status_object.value("message", "");
  absl::Status status(CodeFor(status_object.value("code", 500)), message);
  status.SetPayload(kStatusPayloadUrl, absl::Cord(status_object.dump()));
  return status;
}

int HttpCode(const absl::Status& status) {
  if (status.ok()) return 200;
  return ToStatusObject(status).value("code", 500);
}

nlohmann::json ToStatusObject(const absl::Status& status) {
  if (auto payload = status.GetPayload(kStatusPayloadUrl)) {
    return nlohmann::json::parse(std::string(*payload));
  }
  return ToStatusObject(InternalError(std::string(status.message())));
}

nlohmann::json SuccessStatusObject(const nlohmann::json& details) {
  nlohmann::json obj = {{"kind", "Status"},
                        {"apiVersion", "v1"},
                        {"metadata", nlohmann::json::object()},
                        {"status", "Success"}};
  if (!details.is_null()) obj["details"] = details;
  return obj;
}

}  // namespace upkeep::apiserver
