#include "controller/workqueue/work_queue.h"

#include <algorithm>
#include <utility>

namespace upkeep::controller {
namespace {

double Seconds(Clock::Duration d) { return std::chrono::duration<double>(d).count(); }

// now + delay without overflowing the clock's range for absurdly long delays.
Clock::TimePoint DueTime(Clock::TimePoint now, Clock::Duration delay) {
  if (delay > Clock::TimePoint::max() - now) return Clock::TimePoint::max();
  return now + delay;
}

}  // namespace

WorkQueue::WorkQueue(std::unique_ptr<RateLimiter> limiter, const Clock& clock,
                     WorkQueueMetrics* metrics)
    : limiter_(std::move(limiter)), clock_(clock), metrics_(metrics) {
  delay_thread_ = std::thread([this] { RunDelayLoop(); });
}

WorkQueue::~WorkQueue() {
  ShutDown();
  if (delay_thread_.joinable()) delay_thread_.join();
}

void WorkQueue::Add(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  AddLocked(key);
}

void WorkQueue::AddLocked(const std::string& key) {
  if (shutting_down_) return;
  // Already waiting to be processed: the worker will see the latest state anyway.
  if (!dirty_.insert(key).second) return;
  if (metrics_ != nullptr) metrics_->Added();
  added_at_.emplace(key, clock_.Now());
  // Being processed: Done queues it again, so no second worker gets it meanwhile.
  if (processing_.count(key) != 0) return;
  queue_.push_back(key);
  if (metrics_ != nullptr) metrics_->DepthChanged(queue_.size());
  ready_cv_.notify_one();
}

void WorkQueue::AddAfter(const std::string& key, Clock::Duration delay) {
  std::lock_guard<std::mutex> lock(mu_);
  if (shutting_down_) return;
  if (delay <= Clock::Duration::zero()) {
    AddLocked(key);
    return;
  }
  const Clock::TimePoint due = DueTime(clock_.Now(), delay);
  auto pending = delayed_due_.find(key);
  if (pending != delayed_due_.end()) {
    if (pending->second <= due) return;  // the earlier time wins
    auto [first, last] = delayed_.equal_range(pending->second);
    for (auto it = first; it != last; ++it) {
      if (it->second == key) {
        delayed_.erase(it);
        break;
      }
    }
    pending->second = due;
  } else {
    delayed_due_.emplace(key, due);
  }
  delayed_.emplace(due, key);
  delay_cv_.notify_one();  // the delay loop may be waiting for a later key
}

void WorkQueue::AddRateLimited(const std::string& key) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (shutting_down_) return;
    if (metrics_ != nullptr) metrics_->Retried();
  }
  // Asked outside mu_: the limiter has its own lock and may read the clock.
  AddAfter(key, limiter_->When(key));
}

void WorkQueue::Forget(const std::string& key) { limiter_->Forget(key); }

int WorkQueue::NumRequeues(const std::string& key) { return limiter_->NumRequeues(key); }

std::optional<std::string> WorkQueue::Get() {
  std::unique_lock<std::mutex> lock(mu_);
  ready_cv_.wait(lock, [this] { return !queue_.empty() || shutting_down_; });
  if (shutting_down_) return std::nullopt;
  std::string key = std::move(queue_.front());
  queue_.pop_front();
  if (metrics_ != nullptr) metrics_->DepthChanged(queue_.size());
  const Clock::TimePoint now = clock_.Now();
  processing_.emplace(key, now);
  dirty_.erase(key);
  auto added = added_at_.find(key);
  if (added != added_at_.end()) {
    if (metrics_ != nullptr) metrics_->Started(now - added->second);
    added_at_.erase(added);
  }
  return key;
}

void WorkQueue::Done(const std::string& key) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = processing_.find(key);
  if (it == processing_.end()) return;  // not handed out by Get: nothing to finish
  if (metrics_ != nullptr) metrics_->Finished(clock_.Now() - it->second);
  processing_.erase(it);
  if (dirty_.count(key) != 0) {
    queue_.push_back(key);
    if (metrics_ != nullptr) metrics_->DepthChanged(queue_.size());
    ready_cv_.notify_one();
  }
  if (processing_.empty()) drained_cv_.notify_all();
}

void WorkQueue::ShutDown() {
  std::lock_guard<std::mutex> lock(mu_);
  shutting_down_ = true;
  draining_ = false;  // as client-go: a plain shutdown also ends a drain's wait
  ready_cv_.notify_all();
  delay_cv_.notify_all();
  drained_cv_.notify_all();
}

void WorkQueue::ShutDownWithDrain() {
  std::unique_lock<std::mutex> lock(mu_);
  shutting_down_ = true;
  draining_ = true;
  ready_cv_.notify_all();
  delay_cv_.notify_all();
  drained_cv_.wait(lock, [this] { return processing_.empty() || !draining_; });
}

bool WorkQueue::ShuttingDown() const {
  std::lock_guard<std::mutex> lock(mu_);
  return shutting_down_;
}

size_t WorkQueue::Len() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

size_t WorkQueue::Waiting() const {
  std::lock_guard<std::mutex> lock(mu_);
  return delayed_.size();
}

double WorkQueue::UnfinishedWorkSeconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_.Now();
  double total = 0;
  for (const auto& [key, started] : processing_) total += Seconds(now - started);
  return total;
}

double WorkQueue::LongestRunningProcessorSeconds() const {
  std::lock_guard<std::mutex> lock(mu_);
  const Clock::TimePoint now = clock_.Now();
  Clock::Duration longest = Clock::Duration::zero();
  for (const auto& [key, started] : processing_) longest = std::max(longest, now - started);
  return Seconds(longest);
}

void WorkQueue::RunDelayLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!shutting_down_) {
    const Clock::TimePoint now = clock_.Now();
    while (!delayed_.empty() && delayed_.begin()->first <= now) {
      std::string key = std::move(delayed_.begin()->second);
      delayed_.erase(delayed_.begin());
      delayed_due_.erase(key);
      AddLocked(key);
    }
    if (delayed_.empty()) {
      delay_cv_.wait(lock);  // AddAfter or shutdown notifies
    } else {
      clock_.WaitUntil(lock, delay_cv_, delayed_.begin()->first);
    }
  }
}

}  // namespace upkeep::controller
