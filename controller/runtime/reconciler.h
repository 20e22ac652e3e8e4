// The reconciler contract (../shared/STYLE.md, controller-runtime's reconcile.Reconciler):
// Reconcile receives the latest cached state of one object, never the event that caused the
// call; the same input gives the same decision. It returns an Action, or an error that is
// retried with backoff; an error wrapped with TerminalError is recorded and not retried
// (the object waits for its next change).
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"

namespace upkeep::controller {

class EventRecorder;
class InformerFactory;
class Logger;

// Which object to reconcile.
struct Request {
  std::string namespace_;  // "" for cluster-scoped kinds
  std::string name;

  // "namespace/name" (or "name"), the work queue key.
  std::string Key() const;
  static Request FromKey(std::string_view key);
  bool operator==(const Request&) const = default;
};

// What the controller does after a successful reconcile.
class Action {
 public:
  // Reconcile again after `delay` even if nothing changes (a schedule, an expiry).
  static Action RequeueAfter(Clock::Duration delay) { return Action(true, delay); }
  // Nothing to do until the object or something it watches changes.
  static Action AwaitChange() { return Action(false, Clock::Duration::zero()); }

  bool requeue() const { return requeue_; }
  Clock::Duration delay() const { return delay_; }
  bool operator==(const Action&) const = default;

 private:
  Action(bool requeue, Clock::Duration delay) : requeue_(requeue), delay_(delay) {}
  bool requeue_;
  Clock::Duration delay_;
};

// Marks an error as terminal: the input is wrong and retrying cannot help.
absl::Status TerminalError(absl::Status error);
bool IsTerminal(const absl::Status& error);

// What a reconcile may use; valid for the call only.
struct ReconcileContext {
  const Request& request;
  const std::string& reconcile_id;
  const Logger& log;           // carries controller, namespace, name, reconcileID
  KubeClient& client;
  const Clock& clock;
  EventRecorder* events;       // null when the controller has no recorder
  InformerFactory& informers;  // the caches of every watched type
};

class Reconciler {
 public:
  virtual ~Reconciler() = default;
  // `object` is the latest cached state of ctx.request.
  virtual absl::StatusOr<Action> Reconcile(const nlohmann::json& object,
                                           ReconcileContext& ctx) = 0;
};

}  // namespace upkeep::controller
