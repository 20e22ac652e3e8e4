// Kubernetes API errors carried in absl::Status.
//
// Every failure that reaches a client becomes a meta/v1 Status object with the HTTP code,
// reason and causes a real kube-apiserver sends, so kubectl prints what it prints against a
// real cluster. Inside the server these travel as absl::Status (the house error type) with
// the Status JSON attached as a payload; ToStatusObject() recovers it at the HTTP edge.
// Free functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver {

// Identifies the object an error is about, for Status.details.
struct ErrorSubject {
  std::string group;     // "" for core
  std::string resource;  // plural, e.g. "secrets"
  std::string kind;      // e.g. "Secret"; used by Invalid
  std::string name;
};

absl::Status NotFoundError(const ErrorSubject& subject);
absl::Status AlreadyExistsError(const ErrorSubject& subject);
// 409 Conflict; `why` is e.g. "the object has been modified; please apply your changes to the
// latest version and try again".
absl::Status ConflictError(const ErrorSubject& subject, std::string_view why);
// 422 Invalid with one cause per field error.
absl::Status InvalidError(const ErrorSubject& subject, const FieldErrors& errors);
absl::Status BadRequestError(std::string_view message);
absl::Status GoneError(std::string_view message);
absl::Status MethodNotSupportedError(const ErrorSubject& subject, std::string_view verb);
absl::Status UnsupportedMediaTypeError(std::string_view content_type);
absl::Status NotAcceptableError(std::string_view message);
absl::Status ForbiddenError(const ErrorSubject& subject, std::string_view why);
absl::Status UnauthorizedError();
absl::Status TooManyRequestsError(std::string_view message, int retry_after_seconds);
absl::Status InternalError(std::string_view message);
absl::Status ServiceUnavailableError(std::string_view message);
absl::Status TimeoutError(std::string_view message);

// A status carrying `status_object` (a meta/v1 Status with "code") as is, for errors the
// constructors above do not cover (a Conflict with causes, kube's generic 422/500 bodies).
// `log_message` is the absl message (defaults to the object's message).
absl::Status StatusFromObject(const nlohmann::json& status_object,
                              std::string_view log_message = {});

// The HTTP status code for `status` (200 for OK).
int HttpCode(const absl::Status& status);

// The meta/v1 Status object for a failed `status`. Statuses that did not come from the
// functions above become a 500 InternalError with the status' message.
nlohmann::json ToStatusObject(const absl::Status& status);

// A Status object for success, as DELETE of a collection returns.
nlohmann::json SuccessStatusObject(const nlohmann::json& details = nullptr);

}  // namespace upkeep::apiserver
