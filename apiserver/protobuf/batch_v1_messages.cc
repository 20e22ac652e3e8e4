// batch/v1 tables; field numbers from k8s.io/api batch/v1/generated.proto.
#include "apiserver/protobuf/core_v1_messages.h"
#include "apiserver/protobuf/kind_messages.h"
#include "apiserver/protobuf/meta_v1_messages.h"

namespace upkeep::apiserver::protobuf {
namespace {

const MessageDescriptor& JobSpecMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(Int(1, "parallelism")),
      KeepZero(Int(2, "completions")),
      KeepZero(Int(3, "activeDeadlineSeconds")),
      KeepZero(Int(7, "backoffLimit")),
      KeepZero(Int(12, "backoffLimitPerIndex")),
      KeepZero(Int(13, "maxFailedIndexes")),
      Message(4, "selector", &LabelSelectorMessage),
      KeepZero(Bool(5, "manualSelector")),
      Message(6, "template", &PodTemplateSpecMessage),
      KeepZero(Int(8, "ttlSecondsAfterFinished")),
      KeepZero(String(9, "completionMode")),
      KeepZero(Bool(10, "suspend")),
      KeepZero(String(14, "podReplacementPolicy")),
      KeepZero(String(15, "managedBy")),
  }};
  return kMessage;
}

const MessageDescriptor& JobStatusMessage() {
  static const MessageDescriptor kMessage{{
      Int(4, "active"),
      Int(5, "succeeded"),
      Int(6, "failed"),
      String(7, "completedIndexes"),
  }, /*skip_unknown=*/true};
  return kMessage;
}

const MessageDescriptor& JobTemplateSpecMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &JobSpecMessage),
  }};
  return kMessage;
}

const MessageDescriptor& CronJobSpecMessage() {
  static const MessageDescriptor kMessage{{
      KeepZero(String(1, "schedule")),
      KeepZero(String(8, "timeZone")),
      KeepZero(Int(2, "startingDeadlineSeconds")),
      String(3, "concurrencyPolicy"),
      KeepZero(Bool(4, "suspend")),
      Message(5, "jobTemplate", &JobTemplateSpecMessage),
      KeepZero(Int(6, "successfulJobsHistoryLimit")),
      KeepZero(Int(7, "failedJobsHistoryLimit")),
  }};
  return kMessage;
}

}  // namespace

const MessageDescriptor& JobMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &JobSpecMessage),
      Message(3, "status", &JobStatusMessage),
  }};
  return kMessage;
}

const MessageDescriptor& CronJobMessage() {
  static const MessageDescriptor kMessage{{
      Message(1, "metadata", &ObjectMetaMessage),
      Message(2, "spec", &CronJobSpecMessage),
      Message(3, "status", &IgnoredMessage),
  }};
  return kMessage;
}

}  // namespace upkeep::apiserver::protobuf
