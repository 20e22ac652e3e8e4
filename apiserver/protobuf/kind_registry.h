// Maps a runtime.Unknown's TypeMeta (apiVersion, kind) to the protobuf message table that
// decodes it. Immutable; thread-safe.
#pragma once

#include <string_view>

#include "apiserver/protobuf/message_descriptor.h"

namespace upkeep::apiserver::protobuf {

// The table for `kind` in `api_version` (e.g. "apps/v1", "Deployment"), or nullptr when the
// server cannot decode that kind from protobuf.
const MessageDescriptor* FindKindMessage(std::string_view api_version, std::string_view kind);

}  // namespace upkeep::apiserver::protobuf
