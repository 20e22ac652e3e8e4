// Manager: runs a set of controllers as one operator process, as controller-runtime's
// manager: the shared client and informers, the Event recorder, Prometheus metrics on
// --metrics-bind-address, /healthz and /readyz (ready once caches have synced) on
// --health-probe-bind-address, leader election with a Lease (only the leader's controllers
// reconcile; caches warm on every replica so a successor starts at once), and a graceful
// shutdown: stop taking work, let reconciles in flight finish within a bound, release the
// Lease. Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include "controller/client/client_config.h"
#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/events/kube_event_recorder.h"
#include "controller/informer/informer_factory.h"
#include "controller/logging/logger.h"
#include "controller/metrics/metrics.h"
#include "controller/runtime/controller.h"

namespace upkeep::controller {

struct ManagerOptions {
  ClientConfig client_config;
  ClientOptions client_options;
  std::string namespace_;                          // watch one namespace; "" = all
  bool leader_elect = false;
  std::string leader_election_namespace;           // default: the config's namespace, else
                                                   // "default"
  std::string leader_election_id = "upkeep-controller-leader";  // the Lease's name
  std::string identity;                            // default: hostname + "_" + random
  std::chrono::milliseconds lease_duration{15000};
  std::chrono::milliseconds renew_deadline{10000};
  std::chrono::milliseconds retry_period{2000};
  std::string metrics_bind_address = ":8080";      // "0" disables
  std::string health_probe_bind_address = ":8081"; // "0" disables
  // How long reconciles in flight may run on after shutdown starts.
  std::chrono::milliseconds graceful_shutdown_timeout{5000};
  std::chrono::milliseconds sync_period{10 * 3600 * 1000};  // resync, as controller-runtime
  std::chrono::milliseconds cache_sync_timeout{120000};
  Logger log;
  const Clock* clock = nullptr;                    // default RealClock
};

class MetricsServer;
class ProbeServer;
class LeaderElector;

class Manager {
 public:
  static absl::StatusOr<std::unique_ptr<Manager>> Create(ManagerOptions options);
  ~Manager();
  Manager(const Manager&) = delete;
  Manager& operator=(const Manager&) = delete;

  // Adds a controller for `for_type`; add its Owns/Watches before Run.
  Controller& AddController(ControllerOptions options, ResourceType for_type,
                            Reconciler& reconciler);

  // Serves metrics and probes, starts the informers, elects, and runs the controllers while
  // leading, until `stop` is requested (returns OK after the graceful shutdown) or
  // leadership is lost (returns an error: the process should exit, as controller-runtime's
  // does, so no two replicas ever reconcile at once).
  absl::Status Run(std::stop_token stop);

  KubeClient& client() { return *client_; }
  InformerFactory& informers() { return *informers_; }
  Metrics& metrics() { return *metrics_; }
  EventRecorder& events() { return *events_; }
  const Logger& log() const { return options_.log; }
  const Clock& clock() const { return *options_.clock; }
  const std::string& identity() const { return options_.identity; }
  bool IsLeader() const { return leading_.load(); }
  // The bound ports once Run has started serving (0 when disabled or not yet serving).
  int metrics_port() const { return metrics_port_.load(); }
  int health_probe_port() const { return probe_port_.load(); }
  // True once serving, caches synced and (with leader election) the elector running.
  bool Ready() const;

 private:
  explicit Manager(ManagerOptions options);
  absl::Status StartServers();
  void StartControllers();
  void StopControllers();

  ManagerOptions options_;
  std::unique_ptr<Metrics> metrics_;
  std::unique_ptr<KubeClient> client_;
  std::unique_ptr<InformerFactory> informers_;
  std::unique_ptr<KubeEventRecorder> events_;
  std::unique_ptr<MetricsServer> metrics_server_;
  std::unique_ptr<ProbeServer> probe_server_;

  std::mutex mu_;
  std::vector<std::unique_ptr<Controller>> controllers_;  // guarded by mu_
  bool controllers_started_ = false;                      // guarded by mu_
  std::atomic<bool> leading_{false};
  std::atomic<bool> synced_{false};
  std::atomic<int> metrics_port_{0};
  std::atomic<int> probe_port_{0};
};

}  // namespace upkeep::controller
