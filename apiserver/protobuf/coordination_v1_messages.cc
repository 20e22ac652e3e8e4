// coordination.k8s.io/v1 tables; field numbers from k8s.io/api
// coordination/v1/generated.proto. Every LeaseSpec field is a Go pointer, so zeros are kept.
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& LeaseSpecMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "holderIdentity")),
      KeepZero(Int(2, "leaseDurationSeconds")),
      MicroTime(3, "acquireTime"),
      MicroTime(4, "renewTime"),
      KeepZero(Int(5, "leaseTransitions")),
      KeepZero(String(6, "strategy")),
      KeepZero(String(7, "preferredHolder")),
  }};
  return kMessage;
}

}  // namespace

const MessageDescriptor& LeaseMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &LeaseSpecMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
