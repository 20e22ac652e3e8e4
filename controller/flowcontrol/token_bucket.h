// TokenBucket: a rate limit of `qps` tokens per second with room for `burst` at once, as
// golang.org/x/time/rate (which client-go uses for its client QPS and the work queue's
// overall limit). Time comes from an injected Clock. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <stop_token>

#include "controller/clock/clock.h"

namespace upkeep::controller {

class TokenBucket {
 public:
  // qps <= 0 means unlimited.
  TokenBucket(double qps, int burst, const Clock& clock);
  TokenBucket(const TokenBucket&) = delete;
  TokenBucket& operator=(const TokenBucket&) = delete;

  // Takes one token now or in the future and says how long the caller must wait before using
  // it (zero when a token was available). Reservations queue up: the tenth caller in a row
  // past the burst waits ten intervals.
  Clock::Duration Reserve();
  // Takes a token only if one is available now.
  bool TryAccept();
  // Reserve() and then wait for it (on the clock). Returns false if `stop` was requested
  // first (the token stays spent).
  bool Wait(std::stop_token stop = {});

  double qps() const { return qps_; }
  int burst() const { return burst_; }

 private:
  void Refill(Clock::TimePoint now);  // mu_ held

  // Constant after construction.
  const double qps_;
  const int burst_;
  const Clock& clock_;

  std::mutex mu_;
  double tokens_;              // guarded by mu_; negative while reservations are queued
  Clock::TimePoint last_;      // guarded by mu_
};

}  // namespace upkeep::controller
