// authentication.k8s.io/v1 tables (TokenRequest, the body of `kubectl create token`); field
// numbers from k8s.io/api authentication/v1/generated.proto.
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& BoundObjectReferenceMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "kind"),
      String(2, "apiVersion"),
      String(3, "name"),
      String(4, "uid"),
  }};
  return kMessage;
}

const MessageDescriptor& TokenRequestSpecMessage() {
  static const MessageDescriptor kMessage{{
      Repeated(String(1, "audiences")),
      KeepZero(Int(4, "expirationSeconds")),
      Message(3, "boundObjectRef", &BoundObjectReferenceMessage),
  }};
  return kMessage;
}

const MessageDescriptor& TokenRequestStatusMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "token")),
      Time(2, "expirationTimestamp"),
  }, /*skip_unknown=*/true};
  return kMessage;
}

}  // namespace

const MessageDescriptor& TokenRequestMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &TokenRequestSpecMessage),
      Message(3, "status", &TokenRequestStatusMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
