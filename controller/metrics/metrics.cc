#include "controller/metrics/metrics.h"

#include <chrono>

#include <prometheus/text_serializer.h>

namespace upkeep::controller {
namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::BuildHistogram;

// controller-runtime's reconcile_time_seconds buckets (pkg/internal/controller/metrics).
const prometheus::Histogram::BucketBoundaries& ReconcileTimeBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      0.005, 0.01, 0.025, 0.05, 0.1,  0.15, 0.2,  0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6,
      0.7,   0.8,  0.9,   1.0,  1.25, 1.5,  1.75, 2.0,  2.5, 3.0,  3.5, 4.0,  4.5, 5,
      6,     7,    8,     9,    10,   15,   20,   25,   30,  40,   50,  60};
  return kBuckets;
}

// prometheus.ExponentialBuckets(10e-9, 10, 12) of controller-runtime's workqueue metrics.
const prometheus::Histogram::BucketBoundaries& WorkQueueBuckets() {
  static const prometheus::Histogram::BucketBoundaries kBuckets = {
      1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1, 10, 100, 1000};
  return kBuckets;
}

double Seconds(Clock::Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

ControllerMetrics::ControllerMetrics(const std::string& controller, const Families& f)
    : controller_(controller),
      reconcile_total_(f.reconcile_total),
      success_(f.reconcile_total.Add({{"controller", controller}, {"result", kReconcileSuccess}})),
      error_(f.reconcile_total.Add({{"controller", controller}, {"result", kReconcileError}})),
      requeue_(f.reconcile_total.Add({{"controller", controller}, {"result", kReconcileRequeue}})),
      requeue_after_(
          f.reconcile_total.Add({{"controller", controller}, {"result", kReconcileRequeueAfter}})),
      errors_(f.reconcile_errors.Add({{"controller", controller}})),
      terminal_errors_(f.terminal_errors.Add({{"controller", controller}})),
      reconcile_time_(f.reconcile_time.Add({{"controller", controller}}, ReconcileTimeBuckets())),
      active_workers_(f.active_workers.Add({{"controller", controller}})),
      max_concurrent_(f.max_concurrent.Add({{"controller", controller}})) {}

void ControllerMetrics::RecordReconcile(std::string_view result, Clock::Duration duration) {
  if (result == kReconcileSuccess) {
    success_.Increment();
  } else if (result == kReconcileError) {
    error_.Increment();
  } else if (result == kReconcileRequeue) {
    requeue_.Increment();
  } else if (result == kReconcileRequeueAfter) {
    requeue_after_.Increment();
  } else {
    reconcile_total_.Add({{"controller", controller_}, {"result", std::string(result)}})
        .Increment();
  }
  reconcile_time_.Observe(Seconds(duration));
}

void ControllerMetrics::Error() { errors_.Increment(); }
void ControllerMetrics::TerminalError() { terminal_errors_.Increment(); }
void ControllerMetrics::SetActiveWorkers(int n) { active_workers_.Set(n); }
void ControllerMetrics::IncActiveWorkers() { active_workers_.Increment(); }
void ControllerMetrics::DecActiveWorkers() { active_workers_.Decrement(); }
void ControllerMetrics::SetMaxConcurrent(int n) { max_concurrent_.Set(n); }

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      collectable_(std::make_shared<RefreshingCollectable>(registry_)),
      controller_families_{
          BuildCounter()
              .Name("controller_runtime_reconcile_total")
              .Help("Total number of reconciliations per controller")
              .Register(*registry_),
          BuildCounter()
              .Name("controller_runtime_reconcile_errors_total")
              .Help("Total number of reconciliation errors per controller")
              .Register(*registry_),
          BuildCounter()
              .Name("controller_runtime_terminal_reconcile_errors_total")
              .Help("Total number of terminal reconciliation errors per controller")
              .Register(*registry_),
          BuildHistogram()
              .Name("controller_runtime_reconcile_time_seconds")
              .Help("Length of time per reconciliation per controller")
              .Register(*registry_),
          BuildGauge()
              .Name("controller_runtime_active_workers")
              .Help("Number of currently used workers per controller")
              .Register(*registry_),
          BuildGauge()
              .Name("controller_runtime_max_concurrent_reconciles")
              .Help("Maximum number of concurrent reconciles per controller")
              .Register(*registry_),
      },
      workqueue_depth_(BuildGauge()
                           .Name("workqueue_depth")
                           .Help("Current depth of workqueue")
                           .Register(*registry_)),
      workqueue_adds_(BuildCounter()
                          .Name("workqueue_adds_total")
                          .Help("Total number of adds handled by workqueue")
                          .Register(*registry_)),
      workqueue_queue_duration_(
          BuildHistogram()
              .Name("workqueue_queue_duration_seconds")
              .Help("How long in seconds an item stays in workqueue before being requested")
              .Register(*registry_)),
      workqueue_work_duration_(
          BuildHistogram()
              .Name("workqueue_work_duration_seconds")
              .Help("How long in seconds processing an item from workqueue takes.")
              .Register(*registry_)),
      workqueue_retries_(BuildCounter()
                             .Name("workqueue_retries_total")
                             .Help("Total number of retries handled by workqueue")
                             .Register(*registry_)),
      workqueue_unfinished_work_(
          BuildGauge()
              .Name("workqueue_unfinished_work_seconds")
              .Help("How many seconds of work has been done that is in progress and hasn't "
                    "been observed by work_duration. Large values indicate stuck threads. One "
                    "can deduce the number of stuck threads by observing the rate at which "
                    "this increases.")
              .Register(*registry_)),
      workqueue_longest_running_(
          BuildGauge()
              .Name("workqueue_longest_running_processor_seconds")
              .Help("How many seconds has the longest running processor for workqueue been "
                    "running.")
              .Register(*registry_)),
      rest_client_requests_(
          BuildCounter()
              .Name("rest_client_requests_total")
              .Help("Number of HTTP requests, partitioned by status code, method, and host.")
              .Register(*registry_)),
      leader_election_master_status_(
          BuildGauge()
              .Name("leader_election_master_status")
              .Help("Gauge of if the reporting system is master of the relevant lease, 0 "
                    "indicates backup, 1 indicates master. 'name' is the string used to "
                    "identify the lease. Please make sure to group by name.")
              .Register(*registry_)) {}

ControllerMetrics& Metrics::ForController(const std::string& controller) {
  std::lock_guard<std::mutex> lock(mu_);
  std::unique_ptr<ControllerMetrics>& entry = controllers_[controller];
  if (entry == nullptr) {
    entry.reset(new ControllerMetrics(controller, controller_families_));
  }
  return *entry;
}

std::unique_ptr<PrometheusWorkQueueMetrics> Metrics::ForWorkQueue(
    const std::string& name, std::function<double()> unfinished_seconds,
    std::function<double()> longest_running_seconds) {
  const prometheus::Labels labels = {{"name", name}, {"controller", name}};
  PrometheusWorkQueueMetrics::Series series{
      workqueue_depth_.Add(labels),
      workqueue_adds_.Add(labels),
      workqueue_queue_duration_.Add(labels, WorkQueueBuckets()),
      workqueue_work_duration_.Add(labels, WorkQueueBuckets()),
      workqueue_retries_.Add(labels),
      workqueue_unfinished_work_.Add(labels),
      workqueue_longest_running_.Add(labels),
  };
  return std::make_unique<PrometheusWorkQueueMetrics>(
      series, std::move(unfinished_seconds), std::move(longest_running_seconds), *collectable_);
}

void Metrics::RecordRestRequest(std::string_view method, std::string_view code,
                                std::string_view host) {
  rest_client_requests_
      .Add({{"code", std::string(code)},
            {"method", std::string(method)},
            {"host", std::string(host)}})
      .Increment();
}

void Metrics::SetLeader(const std::string& name, bool leader) {
  leader_election_master_status_.Add({{"name", name}}).Set(leader ? 1 : 0);
}

std::string Metrics::Render() const {
  return prometheus::TextSerializer().Serialize(collectable_->Collect());
}

}  // namespace upkeep::controller
