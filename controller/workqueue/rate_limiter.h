// Rate limiters that decide how long a failed key waits before it is retried, as client-go's
// workqueue: per-item exponential backoff, an overall token bucket, and the maximum of both
// (DefaultControllerRateLimiter). Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/clock/clock.h"
#include "controller/flowcontrol/token_bucket.h"

namespace upkeep::controller {

class RateLimiter {
 public:
  virtual ~RateLimiter() = default;
  // How long `key` waits before its next try; counts a failure.
  virtual Clock::Duration When(const std::string& key) = 0;
  // The key succeeded: its backoff starts again from the base.
  virtual void Forget(const std::string& key) = 0;
  // Failures counted for `key` since its last Forget.
  virtual int NumRequeues(const std::string& key) = 0;
};

// base * 2^failures, capped at max (client-go: 5 ms to 1000 s).
class ItemExponentialRateLimiter final : public RateLimiter {
 public:
  ItemExponentialRateLimiter(Clock::Duration base = std::chrono::milliseconds(5),
                             Clock::Duration max = std::chrono::seconds(1000));
  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  const Clock::Duration base_;
  const Clock::Duration max_;
  std::mutex mu_;
  std::unordered_map<std::string, int> failures_;  // guarded by mu_
};

// One token bucket for all keys (client-go: 10 qps, burst 100): a storm of failures is
// spread out instead of hammering the API server.
class BucketRateLimiter final : public RateLimiter {
 public:
  BucketRateLimiter(double qps, int burst, const Clock& clock);
  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string&) override {}
  int NumRequeues(const std::string&) override { return 0; }

 private:
  TokenBucket bucket_;
};

// The longest wait any of its limiters asks for.
class MaxOfRateLimiter final : public RateLimiter {
 public:
  explicit MaxOfRateLimiter(std::vector<std::unique_ptr<RateLimiter>> limiters);
  Clock::Duration When(const std::string& key) override;
  void Forget(const std::string& key) override;
  int NumRequeues(const std::string& key) override;

 private:
  std::vector<std::unique_ptr<RateLimiter>> limiters_;
};

// client-go's DefaultControllerRateLimiter: max(exponential 5 ms..1000 s, bucket 10 qps/100).
std::unique_ptr<RateLimiter> DefaultControllerRateLimiter(const Clock& clock);

}  // namespace upkeep::controller
