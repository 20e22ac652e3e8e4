#include "controller/metrics/work_queue_metrics.h"

#include <chrono>

namespace upkeep::controller {
namespace {

double Seconds(Clock::Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

// Sets the two gauges from the callbacks while they are attached.
class PrometheusWorkQueueMetrics::CallbackGauges final : public GaugeRefresher {
 public:
  CallbackGauges(prometheus::Gauge& unfinished, prometheus::Gauge& longest,
                 std::function<double()> unfinished_seconds,
                 std::function<double()> longest_running_seconds)
      : unfinished_(unfinished),
        longest_(longest),
        unfinished_seconds_(std::move(unfinished_seconds)),
        longest_running_seconds_(std::move(longest_running_seconds)) {}

  void Refresh() override {
    std::lock_guard<std::mutex> lock(mu_);
    if (unfinished_seconds_) unfinished_.Set(unfinished_seconds_());
    if (longest_running_seconds_) longest_.Set(longest_running_seconds_());
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(mu_);
    unfinished_seconds_ = nullptr;
    longest_running_seconds_ = nullptr;
  }

 private:
  // Constant after construction.
  prometheus::Gauge& unfinished_;
  prometheus::Gauge& longest_;

  std::mutex mu_;                               // held while a callback runs, so Stop waits for it
  std::function<double()> unfinished_seconds_;  // guarded by mu_
  std::function<double()> longest_running_seconds_;  // guarded by mu_
};

PrometheusWorkQueueMetrics::PrometheusWorkQueueMetrics(
    Series series, std::function<double()> unfinished_seconds,
    std::function<double()> longest_running_seconds, RefreshingCollectable& collectable)
    : series_(series),
      callback_gauges_(std::make_shared<CallbackGauges>(
          series.unfinished_work, series.longest_running_processor, std::move(unfinished_seconds),
          std::move(longest_running_seconds))) {
  collectable.Register(callback_gauges_);
}

PrometheusWorkQueueMetrics::~PrometheusWorkQueueMetrics() { StopGaugeCallbacks(); }

void PrometheusWorkQueueMetrics::Added() { series_.adds.Increment(); }

void PrometheusWorkQueueMetrics::DepthChanged(size_t depth) {
  series_.depth.Set(static_cast<double>(depth));
}

void PrometheusWorkQueueMetrics::Started(Clock::Duration time_in_queue) {
  series_.queue_duration.Observe(Seconds(time_in_queue));
}

void PrometheusWorkQueueMetrics::Finished(Clock::Duration work_time) {
  series_.work_duration.Observe(Seconds(work_time));
}

void PrometheusWorkQueueMetrics::Retried() { series_.retries.Increment(); }

void PrometheusWorkQueueMetrics::StopGaugeCallbacks() { callback_gauges_->Stop(); }

}  // namespace upkeep::controller
