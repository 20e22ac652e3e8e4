// Clock: where the controller runtime and reconcilers get the time and wait for it.
//
// Reconcilers and the runtime never call now() directly (../shared/STYLE.md): a RealClock runs
// in the binary, a FakeClock in tests, so "requeue in 10 minutes" or "renew 30 days before
// expiry" is tested in milliseconds. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace upkeep::controller {

class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using Duration = std::chrono::system_clock::duration;

  virtual ~Clock() = default;
  virtual TimePoint Now() const = 0;
  // Waits on `cv` (whose mutex `lock` holds) until notified or until `deadline` by this
  // clock has passed; may return early (spuriously), so callers loop on their condition.
  virtual void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                         TimePoint deadline) const = 0;
};

// Wall-clock time; waits use the steady clock, so a jump of the wall clock does not stretch
// them.
class RealClock final : public Clock {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 TimePoint deadline) const override;
  // The process-wide instance.
  static RealClock& Get();
};

// Time that moves only when a test says so. Waiters re-check every few real milliseconds, so
// Advance() is seen promptly without the clock knowing who waits.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(TimePoint start = TimePoint(std::chrono::hours(24 * 365 * 56)));
  TimePoint Now() const override;
  void WaitUntil(std::unique_lock<std::mutex>& lock, std::condition_variable& cv,
                 TimePoint deadline) const override;
  void Advance(Duration d);
  void Set(TimePoint t);

 private:
  mutable std::mutex mu_;
  TimePoint now_;  // guarded by mu_
};

}  // namespace upkeep::controller
