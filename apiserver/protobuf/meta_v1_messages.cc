#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& OwnerReferenceMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(5, "apiVersion")),
      KeepZero(String(1, "kind")),
      KeepZero(String(3, "name")),
      KeepZero(String(4, "uid")),
      KeepZero(Bool(6, "controller")),
      KeepZero(Bool(7, "blockOwnerDeletion")),
  }};
  return kMessage;
}

const MessageDescriptor& ManagedFieldsEntryMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "manager"),
      String(2, "operation"),
      String(3, "apiVersion"),
      Time(4, "time"),
      String(6, "fieldsType"),
      RawJson(7, "fieldsV1"),
      String(8, "subresource"),
  }};
  return kMessage;
}

const MessageDescriptor& LabelSelectorRequirementMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "key")),
      KeepZero(String(2, "operator")),
      Repeated(String(3, "values")),
  }};
  return kMessage;
}

}  // namespace

const MessageDescriptor& ObjectMetaMessage() {
  static const MessageDescriptor kMessage{{
      String(1, "name"),
      String(2, "generateName"),
      String(3, "namespace"),
      String(4, "selfLink"),
      String(5, "uid"),
      String(6, "resourceVersion"),
      Int(7, "generation"),
      Time(8, "creationTimestamp"),
      Time(9, "deletionTimestamp"),
      KeepZero(Int(10, "deletionGracePeriodSeconds")),
      StringMap(11, "labels"),
      StringMap(12, "annotations"),
      Repeated(Message(13, "ownerReferences", &OwnerReferenceMessage)),
      Repeated(String(14, "finalizers")),
      Repeated(Message(17, "managedFields", &ManagedFieldsEntryMessage)),
  }};
  return kMessage;
}

const MessageDescriptor& LabelSelectorMessage() {
  static const MessageDescriptor kMessage{{
      StringMap(1, "matchLabels"),
      Repeated(Message(2, "matchExpressions", &LabelSelectorRequirementMessage)),
  }};
  return kMessage;
}

const MessageDescriptor& IgnoredMessage() {
  static const MessageDescriptor kMessage{{}, /*skip_unknown=*/true};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
