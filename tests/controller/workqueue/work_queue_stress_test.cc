// Many threads adding and getting at once: every key's latest add is processed, and no key is
// ever processed by two workers at the same time.
#include <gtest/gtest.h>

#include <array>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "controller/workqueue/work_queue.h"
#include "tests/controller/workqueue/eventually.h"

namespace upkeep::controller {
namespace {

using test_support::Eventually;

constexpr int kKeys = 500;
constexpr int kProducers = 4;
constexpr int kWorkers = 8;
constexpr int kAddsPerProducer = 2500;  // 10k adds in all

TEST(WorkQueueStressTest, EveryLatestAddIsProcessedAndNoKeyTwiceAtOnce) {
  FakeClock clock;
  WorkQueue queue(DefaultControllerRateLimiter(clock), clock);

  // Level-based check: a producer bumps a key's version and then adds it; the worker reads the
  // version it processes. Once quiet, every key's last processing saw its latest version.
  std::array<std::atomic<int>, kKeys> version{};
  std::array<std::atomic<int>, kKeys> seen{};
  std::array<std::atomic<int>, kKeys> in_flight{};
  std::atomic<int> concurrent_processing{0};
  std::atomic<int> processed{0};

  std::vector<std::thread> workers;
  for (int w = 0; w < kWorkers; ++w) {
    workers.emplace_back([&] {
      while (std::optional<std::string> key = queue.Get()) {
        const int k = std::stoi(*key);
        if (in_flight[k].fetch_add(1) != 0) ++concurrent_processing;
        seen[k].store(version[k].load());
        std::this_thread::yield();  // widen the window in which a duplicate would show
        in_flight[k].fetch_sub(1);
        ++processed;
        queue.Done(*key);
      }
    });
  }
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < kAddsPerProducer; ++i) {
        const int k = (i * 7 + p * 13) % kKeys;
        ++version[k];
        queue.Add(std::to_string(k));
      }
    });
  }
  for (std::thread& t : producers) t.join();

  const bool all_seen = Eventually([&] {
    for (int k = 0; k < kKeys; ++k) {
      if (seen[k].load() != version[k].load()) return false;
    }
    return true;
  });
  queue.ShutDown();
  for (std::thread& t : workers) t.join();

  EXPECT_TRUE(all_seen) << "some key's latest add was never processed";
  for (int k = 0; k < kKeys; ++k) {
    ASSERT_GT(version[k].load(), 0) << "test bug: key " << k << " never added";
    ASSERT_EQ(seen[k].load(), version[k].load()) << "key " << k;
  }
  EXPECT_EQ(concurrent_processing.load(), 0);
  EXPECT_LE(processed.load(), kProducers * kAddsPerProducer);
  EXPECT_EQ(queue.Len(), 0u);
}

}  // namespace
}  // namespace upkeep::controller
