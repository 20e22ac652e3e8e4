#include "apiserver/patch/patch_errors.h"

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver::patch {
namespace {

nlohmann::json FailureStatusObject(int code, std::string_view message) {
  return {{"kind", "Status"},    {"apiVersion", "v1"}, {"metadata", nlohmann::json::object()},
          {"status", "Failure"}, {"message", message}, {"code", code}};
}

}  // namespace

absl::Status PatchRejectedError(std::string_view cause) {
  nlohmann::json status =
      FailureStatusObject(422, "the server rejected our request due to an error in our request");
  status["reason"] = "Invalid";
  status["details"] = nlohmann::json::object();
  return StatusFromObject(status, cause);
}

absl::Status TooManyPatchOperationsError(std::size_t operations) {
  std::string message =
      "Request entity too large: The allowed maximum operations in a JSON "
      "patch is " +
      std::to_string(kMaxJsonPatchOperations) + ", got " + std::to_string(operations);
  nlohmann::json status = FailureStatusObject(413, message);
  status["reason"] = "RequestEntityTooLarge";
  return StatusFromObject(status, message);
}

absl::Status PatchFailedError(std::string_view message) {
  return StatusFromObject(FailureStatusObject(500, message), message);
}

}  // namespace upkeep::apiserver::patch
