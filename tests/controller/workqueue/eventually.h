// Eventually: polls a condition in real time for the work queue tests, whose delay thread and
// workers react to FakeClock::Advance or to other threads a few real milliseconds later.
// The timeout is generous and only bounds a failing test; no test asserts on real timing.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace upkeep::controller::test_support {

inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Long enough for another thread to act if it wrongly could; used only to check that
// something has NOT happened.
inline void GiveOtherThreadsAChance() {
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
}

}  // namespace upkeep::controller::test_support
