// Metrics: the operator's Prometheus registry, with controller-runtime's metric names,
// labels, help texts and buckets, so dashboards and alerts written for controller-runtime
// operators work unchanged:
//   controller_runtime_reconcile_total{controller,result}
//   controller_runtime_reconcile_errors_total{controller}
//   controller_runtime_terminal_reconcile_errors_total{controller}
//   controller_runtime_reconcile_time_seconds{controller}          (histogram)
//   controller_runtime_active_workers{controller}
//   controller_runtime_max_concurrent_reconciles{controller}
//   workqueue_{depth,adds_total,queue_duration_seconds,work_duration_seconds,retries_total,
//             unfinished_work_seconds,longest_running_processor_seconds}{name,controller}
//   rest_client_requests_total{code,method,host}
//   leader_election_master_status{name}
// Reconcilers register their own upkeep_* metrics on registry().
//
// Thread-safe. References and pointers handed out live as long as the Metrics.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include <prometheus/collectable.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include "controller/clock/clock.h"
#include "controller/metrics/refreshing_collectable.h"
#include "controller/metrics/work_queue_metrics.h"

namespace upkeep::controller {

// The "result" label of controller_runtime_reconcile_total.
inline constexpr char kReconcileSuccess[] = "success";
inline constexpr char kReconcileError[] = "error";
inline constexpr char kReconcileRequeue[] = "requeue";
inline constexpr char kReconcileRequeueAfter[] = "requeue_after";

// The Prometheus text exposition format's content type, served on /metrics.
inline constexpr char kPrometheusTextContentType[] = "text/plain; version=0.0.4; charset=utf-8";

// One controller's controller_runtime_* series. As in controller-runtime, a failed
// reconcile is RecordReconcile(kReconcileError, d) plus Error(), and a terminal one adds
// TerminalError(). Thread-safe.
class ControllerMetrics {
 public:
  ControllerMetrics(const ControllerMetrics&) = delete;
  ControllerMetrics& operator=(const ControllerMetrics&) = delete;

  // reconcile_total{result} and reconcile_time_seconds, for every reconcile.
  void RecordReconcile(std::string_view result, Clock::Duration duration);
  void Error();          // reconcile_errors_total
  void TerminalError();  // terminal_reconcile_errors_total
  void SetActiveWorkers(int n);
  void IncActiveWorkers();
  void DecActiveWorkers();
  void SetMaxConcurrent(int n);  // max_concurrent_reconciles

 private:
  friend class Metrics;
  struct Families {
    prometheus::Family<prometheus::Counter>& reconcile_total;
    prometheus::Family<prometheus::Counter>& reconcile_errors;
    prometheus::Family<prometheus::Counter>& terminal_errors;
    prometheus::Family<prometheus::Histogram>& reconcile_time;
    prometheus::Family<prometheus::Gauge>& active_workers;
    prometheus::Family<prometheus::Gauge>& max_concurrent;
  };
  // Creates the series at zero, as controller-runtime's initMetrics does, so a rate()
  // over them starts at the controller's start.
  ControllerMetrics(const std::string& controller, const Families& families);

  // Constant after construction.
  const std::string controller_;
  prometheus::Family<prometheus::Counter>& reconcile_total_;
  prometheus::Counter& success_;
  prometheus::Counter& error_;
  prometheus::Counter& requeue_;
  prometheus::Counter& requeue_after_;
  prometheus::Counter& errors_;
  prometheus::Counter& terminal_errors_;
  prometheus::Histogram& reconcile_time_;
  prometheus::Gauge& active_workers_;
  prometheus::Gauge& max_concurrent_;
};

class Metrics {
 public:
  Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The controller's series, created on first use.
  ControllerMetrics& ForController(const std::string& controller);

  // A work queue's series (name and controller labels both `name`). The two callbacks are
  // read at each scrape; see PrometheusWorkQueueMetrics for their lifetime. The result
  // converts to std::unique_ptr<WorkQueueMetrics>.
  std::unique_ptr<PrometheusWorkQueueMetrics> ForWorkQueue(
      const std::string& name, std::function<double()> unfinished_seconds,
      std::function<double()> longest_running_seconds);

  // rest_client_requests_total: one API request's method ("GET") and status code ("200",
  // or "<error>" when no response came, as client-go) against host ("10.0.0.1:443").
  void RecordRestRequest(std::string_view method, std::string_view code, std::string_view host);

  // leader_election_master_status{name}: 1 while this process holds the lease `name`.
  void SetLeader(const std::string& name, bool leader);

  // Where reconcilers add their own metrics.
  prometheus::Registry& registry() { return *registry_; }
  // Runs `refresher` before every scrape while it lives (held weakly): for gauges that mirror
  // objects in a cache, so a deleted object's series go with it.
  void AddGaugeRefresher(std::weak_ptr<GaugeRefresher> refresher) {
    collectable_->Register(std::move(refresher));
  }
  // The registry with scrape-time refresh, for an exposer that collects on its own.
  std::shared_ptr<prometheus::Collectable> collectable() const { return collectable_; }

  // Everything in the Prometheus text format (kPrometheusTextContentType).
  std::string Render() const;

 private:
  // Constant after construction.
  const std::shared_ptr<prometheus::Registry> registry_;
  const std::shared_ptr<RefreshingCollectable> collectable_;
  ControllerMetrics::Families controller_families_;
  prometheus::Family<prometheus::Gauge>& workqueue_depth_;
  prometheus::Family<prometheus::Counter>& workqueue_adds_;
  prometheus::Family<prometheus::Histogram>& workqueue_queue_duration_;
  prometheus::Family<prometheus::Histogram>& workqueue_work_duration_;
  prometheus::Family<prometheus::Counter>& workqueue_retries_;
  prometheus::Family<prometheus::Gauge>& workqueue_unfinished_work_;
  prometheus::Family<prometheus::Gauge>& workqueue_longest_running_;
  prometheus::Family<prometheus::Counter>& rest_client_requests_;
  prometheus::Family<prometheus::Gauge>& leader_election_master_status_;

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<ControllerMetrics>> controllers_;  // guarded by mu_
};

}  // namespace upkeep::controller
