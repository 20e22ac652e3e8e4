// Eventually: polls a condition in real time, for integration tests that wait on another
// process or thread. Returns as soon as it holds; the timeout is generous and never the
// thing being tested.
#pragma once

#include <chrono>
#include <functional>
#include <thread>

namespace upkeep::testing {

inline bool Eventually(const std::function<bool()>& condition,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20),
                       std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(poll);
  }
  return condition();
}

}  // namespace upkeep::testing
