// EventRecorder: how reconcilers tell users, through `kubectl describe` and
// `kubectl get events`, what happened to an object ("BackupFailed: pg_dump exited with 1").
// Recording never blocks on the API server and never fails the caller: an event is a
// courtesy, not state (a reconciler must not depend on one being written).
//
// NEVER put secret values in an event (passwords, tokens, private keys, connection strings
// with credentials): Events are readable by far more people than Secrets and live on after
// the object. Keeping them out is the caller's job; the recorder cannot tell.
//
// Implementations are thread-safe. KubeEventRecorder (kube_event_recorder.h) writes
// events.k8s.io/v1 Events; tests may record into a fake of this interface.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace upkeep::controller {

enum class EventType { kNormal, kWarning };

// "Normal" or "Warning".
std::string_view EventTypeName(EventType type);

class EventRecorder {
 public:
  virtual ~EventRecorder() = default;

  // `regarding_object`: the object JSON the event is about (its apiVersion, kind,
  // metadata.namespace, name, uid and resourceVersion are read). `reason`: UpperCamelCase,
  // what happened, for machines ("CertificateIssued"). `action`: what was done or tried
  // ("Issue"). `note`: for humans, truncated to 1024 bytes.
  virtual void Record(const nlohmann::json& regarding_object, EventType type,
                      std::string_view reason, std::string_view action, std::string_view note) = 0;

  void Normal(const nlohmann::json& regarding_object, std::string_view reason,
              std::string_view action, std::string_view note) {
    Record(regarding_object, EventType::kNormal, reason, action, note);
  }
  void Warning(const nlohmann::json& regarding_object, std::string_view reason,
               std::string_view action, std::string_view note) {
    Record(regarding_object, EventType::kWarning, reason, action, note);
  }
};

}  // namespace upkeep::controller
