// Controller: one reconciler, its work queue and workers, and the watches that feed the queue
// (controller-runtime's controller, kube-rs' Controller).
//
// Events of the primary type enqueue the object itself; events of an owned type enqueue the
// controlling owner (ownerReferences with controller: true and the primary kind); other
// watched types go through a mapping function (a Secret enqueues what references it). N
// workers take keys; one key is never reconciled by two workers at once. Workers start only
// when Start is called (the manager calls it once this replica leads). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/informer/informer_factory.h"
#include "controller/logging/logger.h"
#include "controller/runtime/reconciler.h"
#include "controller/workqueue/work_queue.h"

namespace upkeep::controller {

class EventRecorder;
class Metrics;
class ControllerMetrics;
class PrometheusWorkQueueMetrics;

struct ControllerOptions {
  std::string name;                        // "backuppolicy": logs, metrics, queue name
  int max_concurrent_reconciles = 1;
  // Defaults to client-go's: per-key 5 ms..1000 s backoff, overall 10 qps burst 100.
  std::function<std::unique_ptr<RateLimiter>(const Clock&)> rate_limiter;
};

// What a controller is built from; borrowed, outliving the controller.
struct ControllerDependencies {
  KubeClient& client;
  InformerFactory& informers;
  const Clock& clock;
  Logger log;
  Metrics* metrics = nullptr;          // null: no metrics
  EventRecorder* events = nullptr;     // null: no events
};

// Maps a watched object to the requests it should trigger.
using MapFunc = std::function<std::vector<Request>(const nlohmann::json& object)>;

class Controller {
 public:
  Controller(ControllerOptions options, ResourceType for_type, Reconciler& reconciler,
             ControllerDependencies deps);
  ~Controller();  // stops
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Reconcile the owner when an object of `owned` it controls changes.
  Controller& Owns(const ResourceType& owned);
  // Reconcile what `map` says when an object of `watched` changes.
  Controller& Watches(const ResourceType& watched, MapFunc map);

  // Starts the workers (the informers must be running; workers wait for their sync).
  void Start();
  // Stops taking work and waits up to `grace` for reconciles in flight.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

  const std::string& name() const { return options_.name; }
  const ResourceType& for_type() const { return for_type_; }
  WorkQueue& queue() { return *queue_; }
  // Enqueues a request directly (e.g. a trigger from outside the watches).
  void Enqueue(const Request& request);

 private:
  void Watch(const ResourceType& type, MapFunc map);
  void RunWorker();
  void ReconcileOne(const std::string& key);

  // Constant after construction.
  const ControllerOptions options_;
  const ResourceType for_type_;
  Reconciler& reconciler_;
  ControllerDependencies deps_;
  ControllerMetrics* metrics_ = nullptr;
  std::unique_ptr<PrometheusWorkQueueMetrics> queue_metrics_;
  std::unique_ptr<WorkQueue> queue_;

  std::mutex mu_;
  std::vector<std::thread> workers_;  // guarded by mu_
  bool started_ = false;              // guarded by mu_
  std::atomic<int> active_{0};
};

}  // namespace upkeep::controller
