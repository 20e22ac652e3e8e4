// apps/v1 tables; field numbers from k8s.io/api apps/v1/generated.proto.
#include "apiserver/protobuf/core_v1_messages.h"
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& RollingUpdateDeploymentMessage() {
  static const MessageDescriptor kMessage{{
      IntOrString(1, "maxUnavailable"),
      IntOrString(2, "maxSurge"),
  }};
  return kMessage;
}

const MessageDescriptor& DeploymentStrategyMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "type"),
      Message(2, "rollingUpdate", &RollingUpdateDeploymentMessage),
  }};
  return kMessage;
}

const MessageDescriptor& DeploymentSpecMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(Int(1, "replicas")),
      Message(2, "selector", &LabelSelectorMessage),
      Message(3, "template", &PodTemplateSpecMessage),
      Message(4, "strategy", &DeploymentStrategyMessage),
      Int(5, "minReadySeconds"),
      KeepZero(Int(6, "revisionHistoryLimit")),
      Bool(7, "paused"),
      KeepZero(Int(9, "progressDeadlineSeconds")),
  }};
  return kMessage;
}

const MessageDescriptor& DeploymentStatusMessage() {
  static const MessageDescriptor kMessage{{
      Int(1, "observedGeneration"),
      Int(2, "replicas"),
      Int(3, "updatedReplicas"),
      Int(7, "readyReplicas"),
      Int(4, "availableReplicas"),
      Int(5, "unavailableReplicas"),
      KeepZero(Int(8, "collisionCount")),
  }, /*skip_unknown=*/true};
  return kMessage;
}

}  // namespace

const MessageDescriptor& DeploymentMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &DeploymentSpecMessage),
      Message(3, "status", &DeploymentStatusMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
