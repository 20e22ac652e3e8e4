// WorkQueue: the queue between event handlers and a controller's workers, with client-go's
// semantics. A key waiting in the queue is stored once however often it is added; a key being
// processed is never handed to a second worker: added again meanwhile, it is queued when the
// first worker calls Done. AddAfter delays a key (the earliest due time wins);
// AddRateLimited delays it by the rate limiter. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "controller/clock/clock.h"
#include "controller/workqueue/rate_limiter.h"

namespace upkeep::controller {

// What a queue reports to metrics (workqueue_* in metrics/). Implementations are called with
// the queue's lock held and must be quick.
class WorkQueueMetrics {
 public:
  virtual ~WorkQueueMetrics() = default;
  virtual void Added() = 0;                                 // workqueue_adds_total
  virtual void DepthChanged(size_t depth) = 0;              // workqueue_depth
  virtual void Started(Clock::Duration time_in_queue) = 0;  // queue_duration_seconds
  virtual void Finished(Clock::Duration work_time) = 0;     // work_duration_seconds
  virtual void Retried() = 0;                               // workqueue_retries_total
};

class WorkQueue {
 public:
  // `metrics` may be null; the queue does not own it.
  WorkQueue(std::unique_ptr<RateLimiter> limiter, const Clock& clock,
            WorkQueueMetrics* metrics = nullptr);
  ~WorkQueue();  // shuts down
  WorkQueue(const WorkQueue&) = delete;
  WorkQueue& operator=(const WorkQueue&) = delete;

  void Add(const std::string& key);
  // Add once `delay` has passed (now when delay <= 0). An earlier pending time is kept.
  void AddAfter(const std::string& key, Clock::Duration delay);
  // AddAfter(key, limiter.When(key)), counted as a retry.
  void AddRateLimited(const std::string& key);
  // Resets the key's backoff (after a success or a terminal error).
  void Forget(const std::string& key);
  int NumRequeues(const std::string& key);

  // Blocks until a key is ready (returned, now "processing") or the queue is shut down
  // (nullopt, by either kind of shutdown, even if keys are still queued).
  std::optional<std::string> Get();
  // The worker finished `key`; if it was added meanwhile it is queued again.
  void Done(const std::string& key);

  // Stops handing out keys; Get returns nullopt at once. Keys being processed may still
  // call Done.
  void ShutDown();
  // Stops accepting and handing out keys, then waits until every key being processed is Done
  // (or until ShutDown is called, which ends the wait as in client-go).
  void ShutDownWithDrain();
  bool ShuttingDown() const;

  size_t Len() const;      // ready keys (workqueue_depth)
  size_t Waiting() const;  // delayed keys not yet due
  // Seconds of work in progress that has not yet called Done, summed over processing keys
  // (workqueue_unfinished_work_seconds), and the longest one
  // (workqueue_longest_running_processor_seconds).
  double UnfinishedWorkSeconds() const;
  double LongestRunningProcessorSeconds() const;

 private:
  void AddLocked(const std::string& key);  // mu_ held
  void RunDelayLoop();

  // Constant after construction.
  std::unique_ptr<RateLimiter> limiter_;
  const Clock& clock_;
  WorkQueueMetrics* const metrics_;

  mutable std::mutex mu_;
  std::condition_variable ready_cv_;       // a key became ready, or shutdown
  std::condition_variable delay_cv_;       // a delayed key was added, or shutdown
  std::condition_variable drained_cv_;     // processing became empty
  std::deque<std::string> queue_;          // guarded by mu_: ready keys in order
  std::unordered_set<std::string> dirty_;  // guarded by mu_: keys needing processing
  std::unordered_map<std::string, Clock::TimePoint> processing_;   // key -> started
  std::unordered_map<std::string, Clock::TimePoint> added_at_;     // key -> first added
  std::multimap<Clock::TimePoint, std::string> delayed_;           // due time -> key
  std::unordered_map<std::string, Clock::TimePoint> delayed_due_;  // key -> due time
  bool shutting_down_ = false;
  bool draining_ = false;
  std::thread delay_thread_;
};

}  // namespace upkeep::controller
