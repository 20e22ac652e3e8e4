// Protobuf message tables for k8s.io/apimachinery meta/v1 types shared by every kind
// (ObjectMeta, LabelSelector). Field numbers follow apimachinery's
// pkg/apis/meta/v1/generated.proto. Immutable; thread-safe.
#pragma once

#include "apiserver/protobuf/message_descriptor.h"

namespace upkeep::apiserver::protobuf {

const MessageDescriptor& ObjectMetaMessage();
const MessageDescriptor& LabelSelectorMessage();
// A message whose fields are all ignored, for statuses a write never needs.
const MessageDescriptor& IgnoredMessage();

}  // namespace upkeep::apiserver::protobuf
