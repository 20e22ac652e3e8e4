// rbac.authorization.k8s.io/v1 tables; field numbers from k8s.io/api rbac/v1/generated.proto.
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& PolicyRuleMessage() {
  static const MessageDescriptor kMessage{{
      Repeated(String(1, "verbs")),
      Repeated(String(2, "apiGroups")),
      Repeated(String(3, "resources")),
      Repeated(String(4, "resourceNames")),
      Repeated(String(5, "nonResourceURLs")),
  }};
  return kMessage;
}

const MessageDescriptor& AggregationRuleMessage() {
  static const MessageDescriptor kMessage{{
      Repeated(Message(1, "clusterRoleSelectors", &LabelSelectorMessage)),
  }};
  return kMessage;
}

const MessageDescriptor& SubjectMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "kind")),
      String(2, "apiGroup"),
      KeepZero(String(3, "name")),
      String(4, "namespace"),
  }};
  return kMessage;
}

const MessageDescriptor& RoleRefMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "apiGroup")),
      KeepZero(String(2, "kind")),
      KeepZero(String(3, "name")),
  }};
  return kMessage;
}

}  // namespace

const MessageDescriptor& RoleMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Repeated(Message(2, "rules", &PolicyRuleMessage)),
  }};
  return kMessage;
}

const MessageDescriptor& ClusterRoleMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Repeated(Message(2, "rules", &PolicyRuleMessage)),
      Message(3, "aggregationRule", &AggregationRuleMessage),
  }};
  return kMessage;
}

const MessageDescriptor& RoleBindingMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Repeated(Message(2, "subjects", &SubjectMessage)),
      Message(3, "roleRef", &RoleRefMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
