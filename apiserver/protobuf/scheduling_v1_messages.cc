// scheduling.k8s.io/v1 tables; field numbers from k8s.io/api scheduling/v1/generated.proto.
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {

const MessageDescriptor& PriorityClassMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      KeepZero(Int(2, "value")),
      Bool(3, "globalDefault"),
      String(4, "description"),
      KeepZero(String(5, "preemptionPolicy")),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
