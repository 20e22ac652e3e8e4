// policy/v1 tables; field numbers from k8s.io/api policy/v1/generated.proto.
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& PodDisruptionBudgetSpecMessage() {
  static const MessageDescriptor kMessage{{
      IntOrString(1, "minAvailable"),
      Message(2, "selector", &LabelSelectorMessage),
      IntOrString(3, "maxUnavailable"),
      KeepZero(String(4, "unhealthyPodEvictionPolicy")),
  }};
  return kMessage;
}

const MessageDescriptor& PodDisruptionBudgetStatusMessage() {
  static const MessageDescriptor kMessage{{
      Int(1, "observedGeneration"),
      KeepZero(Int(3, "disruptionsAllowed")),
      KeepZero(Int(4, "currentHealthy")),
      KeepZero(Int(5, "desiredHealthy")),
      KeepZero(Int(6, "expectedPods")),
  }, /*skip_unknown=*/true};
  return kMessage;
}

}  // namespace

const MessageDescriptor& PodDisruptionBudgetMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &PodDisruptionBudgetSpecMessage),
      Message(3, "status", &PodDisruptionBudgetStatusMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
