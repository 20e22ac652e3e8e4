// PrometheusWorkQueueMetrics: a work queue's workqueue_* series (labels name and controller,
// both the queue's name, as controller-runtime sets them). Made by Metrics::ForWorkQueue.
//
// workqueue_unfinished_work_seconds and workqueue_longest_running_processor_seconds are
// read from the two callbacks at every scrape until StopGaugeCallbacks() or destruction.
// The callbacks usually read the queue that holds this object, so whoever owns both calls
// StopGaugeCallbacks() before destroying the queue, and destroys this object after it:
//   queue_->ShutDown(); /* join workers */ queue_metrics_->StopGaugeCallbacks();
//   queue_.reset(); queue_metrics_.reset();
//
// Thread-safe. The WorkQueueMetrics methods are quick (atomic updates), as the queue calls
// them under its lock.
#pragma once

#include <functional>
#include <memory>
#include <mutex>

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>

#include "controller/metrics/refreshing_collectable.h"
#include "controller/workqueue/work_queue.h"

namespace upkeep::controller {

class PrometheusWorkQueueMetrics final : public WorkQueueMetrics {
 public:
  // The series of one queue; the references point into a registry that outlives this.
  struct Series {
    prometheus::Gauge& depth;
    prometheus::Counter& adds;
    prometheus::Histogram& queue_duration;
    prometheus::Histogram& work_duration;
    prometheus::Counter& retries;
    prometheus::Gauge& unfinished_work;
    prometheus::Gauge& longest_running_processor;
  };

  // Registers with `collectable` to refresh the two callback gauges at scrape time.
  // Empty callbacks leave their gauge at 0.
  PrometheusWorkQueueMetrics(Series series, std::function<double()> unfinished_seconds,
                             std::function<double()> longest_running_seconds,
                             RefreshingCollectable& collectable);
  ~PrometheusWorkQueueMetrics() override;
  PrometheusWorkQueueMetrics(const PrometheusWorkQueueMetrics&) = delete;
  PrometheusWorkQueueMetrics& operator=(const PrometheusWorkQueueMetrics&) = delete;

  void Added() override;
  void DepthChanged(size_t depth) override;
  void Started(Clock::Duration time_in_queue) override;
  void Finished(Clock::Duration work_time) override;
  void Retried() override;

  // After this returns the callbacks are never called again (a scrape running them is
  // waited for). The gauges keep their last values. Idempotent.
  void StopGaugeCallbacks();

 private:
  class CallbackGauges;

  // Constant after construction.
  const Series series_;
  const std::shared_ptr<CallbackGauges> callback_gauges_;
};

}  // namespace upkeep::controller
