#include "controller/flowcontrol/token_bucket.h"

#include <algorithm>
#include <condition_variable>

namespace upkeep::controller {

TokenBucket::TokenBucket(double qps, int burst, const Clock& clock)
    : qps_(qps),
      burst_(std::max(burst, 1)),  // a bucket that holds nothing would never let anyone through
      clock_(clock),
      tokens_(burst_),
      last_(clock.Now()) {}

void TokenBucket::Refill(Clock::TimePoint now) {
  if (now <= last_) {
    // A clock set back must not mint tokens later; restart the accounting from here.
    last_ = std::min(last_, now);
    return;
  }
  std::chrono::duration<double> elapsed = now - last_;
  tokens_ = std::min<double>(burst_, tokens_ + elapsed.count() * qps_);
  last_ = now;
}

Clock::Duration TokenBucket::Reserve() {
  if (qps_ <= 0) return Clock::Duration::zero();
  std::lock_guard<std::mutex> lock(mu_);
  Refill(clock_.Now());
  tokens_ -= 1;
  if (tokens_ >= 0) return Clock::Duration::zero();
  std::chrono::duration<double> wait(-tokens_ / qps_);
  return std::chrono::ceil<Clock::Duration>(wait);
}

bool TokenBucket::TryAccept() {
  if (qps_ <= 0) return true;
  std::lock_guard<std::mutex> lock(mu_);
  Refill(clock_.Now());
  if (tokens_ < 1) return false;
  tokens_ -= 1;
  return true;
}

bool TokenBucket::Wait(std::stop_token stop) {
  Clock::Duration delay = Reserve();
  if (delay <= Clock::Duration::zero()) return !stop.stop_requested();
  const Clock::TimePoint deadline = clock_.Now() + delay;
  std::mutex wait_mu;
  std::condition_variable cv;
  std::stop_callback wake(stop, [&] {
    std::lock_guard<std::mutex> lock(wait_mu);
    cv.notify_all();
  });
  std::unique_lock<std::mutex> lock(wait_mu);
  while (!stop.stop_requested() && clock_.Now() < deadline) {
    clock_.WaitUntil(lock, cv, deadline);
  }
  return !stop.stop_requested();
}

}  // namespace upkeep::controller
