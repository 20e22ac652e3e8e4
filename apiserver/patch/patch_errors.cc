#include "apiserver/patch/patch_errors.h"

#include <absl/strings/cord.h>

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver::patch {
namespace {

nlohmann::json FailureStatusObject(int code, std::string_view message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
          {"status", "Failure"}, {"message", message}, {"code", code}};
}

// api_status.cc keeps the payload's type URL private; borrowing it from a status that file
// made lets ToStatusObject() and HttpCode() read our Status objects like its own.
absl::Status WithStatusObject(absl::StatusCode code, std::string_view log_message,
                              const nlohmann::json& status_object) {
  absl::Status status(code, std::string(log_message));
  BadRequestError("").ForEachPayload([&](absl::string_view type_url, const absl::Cord&) {
    status.SetPayload(type_url, absl::Cord(status_object.dump()));
  });
  return status;
}

}  // namespace

absl::Status PatchRejectedError(std::string_view cause) {
  nlohmann::json status =
      FailureStatusObject(422, "the server rejected our request due to an error in our request");
  status["reason"] = "Invalid";
  status["details"] = nlohmann::json::object();
  return WithStatusObject(absl::StatusCode::kInvalidArgument, cause, status);
}

absl::Status TooManyPatchOperationsError(std::size_t operations) {
  std::string message =
      "Request entity too large: The allowed maximum operations in a JSON "
      "patch is " +
      std::to_string(kMaxJsonPatchOperations) + ", got " + std::to_string(operations);
  nlohmann::json status = FailureStatusObject(413, message);
  status["reason"] = "RequestEntityTooLarge";
  return WithStatusObject(absl::StatusCode::kInvalidArgument, message, status);
}

absl::Status PatchFailedError(std::string_view message) {
  return WithStatusObject(absl::StatusCode::kInternal, message, FailureStatusObject(500, message));
}

}  // namespace upkeep::apiserver::patch
