// Turns the bytes of one Kubernetes protobuf message into the JSON object the JSON API would
// carry, walking the message's descriptor (see message_descriptor.h): absent fields stay
// absent, zero values of `omitempty` fields are dropped, bytes become base64, Time becomes
// RFC 3339, IntOrString a number or a string.
//
// Errors: InvalidArgument for malformed bytes (truncated, wrong wire type for a known field,
// invalid UTF-8 in a string, bad timestamp); Unimplemented for a field the descriptor does not
// know that carries data, so nothing a client sent is dropped silently. Messages marked
// skip_unknown (statuses) ignore such fields instead.
//
// Stateless free function; thread-safe.
#pragma once

#include <string_view>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "apiserver/protobuf/message_descriptor.h"

namespace upkeep::apiserver::protobuf {

// `path` names the message in error messages, e.g. "Deployment".
absl::StatusOr<nlohmann::json> MessageToJson(std::string_view bytes,
                                             const MessageDescriptor& descriptor,
                                             std::string_view path);

}  // namespace upkeep::apiserver::protobuf
