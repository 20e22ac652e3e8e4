// Protobuf message tables for k8s.io/api core/v1 types that other API groups embed (the pod
// template). The core kinds themselves are declared in kind_messages.h. Field numbers follow
// k8s.io/api core/v1/generated.proto. Immutable; thread-safe.
#pragma once

#include "apiserver/protobuf/message_descriptor.h"

namespace upkeep::apiserver::protobuf {

const MessageDescriptor& PodTemplateSpecMessage();

}  // namespace upkeep::apiserver::protobuf
