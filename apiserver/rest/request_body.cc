#include "apiserver/rest/request_body.h"

#include "apiserver/api/api_status.h"
#include "apiserver/apply/apply_body.h"
#include "apiserver/protobuf/protobuf_decoding.h"

namespace upkeep::apiserver {

absl::StatusOr<nlohmann::json> DecodeBody(const HttpRequest& request) {
  std::string type = request.Header("content-type");
  type = type.substr(0, type.find(';'));
  if (IsKubernetesProtobuf(type)) return DecodeKubernetesProtobuf(request.body);
  if (type == "application/yaml") {
    auto body = ParseApplyBody(request.body);
    if (!body.ok()) return body.status();
    if (!body->is_object()) return BadRequestError("the body of the request must be an object");
    return body;
  }
  if (!type.empty() && type != "application/json" && type != "*/*") {
    return UnsupportedMediaTypeError(type);
  }
  nlohmann::json body = nlohmann::json::parse(request.body, nullptr, false);
  if (body.is_discarded()) {
    return BadRequestError("the body of the request could not be decoded as JSON");
  }
  if (!body.is_object()) {
    return BadRequestError("the body of the request must be a JSON object");
  }
  return body;
}

}  // namespace upkeep::apiserver
