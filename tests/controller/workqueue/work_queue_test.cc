// Basic WorkQueue semantics: deduplication, one worker per key, shutdown.
#include "controller/workqueue/work_queue.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>

#include "tests/controller/workqueue/eventually.h"

namespace upkeep::controller {
namespace {

using std::chrono::seconds;
using test_support::Eventually;
using test_support::GiveOtherThreadsAChance;

class WorkQueueTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  WorkQueue queue_{DefaultControllerRateLimiter(clock_), clock_};
};

bool IsReady(const std::future<std::optional<std::string>>& f) {
  return f.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

TEST_F(WorkQueueTest, HandsOutKeysInOrder) {
  queue_.Add("a");
  queue_.Add("b");
  EXPECT_EQ(queue_.Len(), 2u);
  EXPECT_EQ(queue_.Get(), "a");
  EXPECT_EQ(queue_.Get(), "b");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, RepeatedAddOfAWaitingKeyIsStoredOnce) {
  queue_.Add("a");
  queue_.Add("b");
  queue_.Add("a");
  queue_.Add("a");
  EXPECT_EQ(queue_.Len(), 2u);
  EXPECT_EQ(queue_.Get(), "a");
  EXPECT_EQ(queue_.Get(), "b");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, KeyDoneWithoutReAddIsNotQueuedAgain) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");
  queue_.Done("a");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, KeyAddedWhileProcessingIsNotHandedToASecondWorkerUntilDone) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");  // worker 1 holds "a"
  queue_.Add("a");
  queue_.Add("a");
  EXPECT_EQ(queue_.Len(), 0u);

  auto second_worker = std::async(std::launch::async, [this] { return queue_.Get(); });
  GiveOtherThreadsAChance();
  EXPECT_FALSE(IsReady(second_worker)) << "a key being processed was handed out again";

  queue_.Done("a");
  ASSERT_EQ(second_worker.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(second_worker.get(), "a");
  queue_.Done("a");
  EXPECT_EQ(queue_.Len(), 0u);
}

TEST_F(WorkQueueTest, OtherKeysAreHandedOutWhileOneIsProcessed) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");
  queue_.Add("a");
  queue_.Add("b");
  EXPECT_EQ(queue_.Get(), "b");
}

TEST_F(WorkQueueTest, GetBlocksUntilAKeyIsAdded) {
  auto worker = std::async(std::launch::async, [this] { return queue_.Get(); });
  GiveOtherThreadsAChance();
  EXPECT_FALSE(IsReady(worker));
  queue_.Add("a");
  ASSERT_EQ(worker.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(worker.get(), "a");
}

TEST_F(WorkQueueTest, ShutDownUnblocksGet) {
  auto worker = std::async(std::launch::async, [this] { return queue_.Get(); });
  GiveOtherThreadsAChance();
  queue_.ShutDown();
  ASSERT_EQ(worker.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_EQ(worker.get(), std::nullopt);
  EXPECT_TRUE(queue_.ShuttingDown());
}

TEST_F(WorkQueueTest, AfterShutDownGetReturnsNulloptAndAddIsIgnored) {
  queue_.Add("a");
  queue_.ShutDown();
  EXPECT_EQ(queue_.Get(), std::nullopt);
  queue_.Add("b");
  queue_.AddAfter("c", seconds(1));
  queue_.AddRateLimited("d");
  EXPECT_EQ(queue_.Len(), 1u);
  EXPECT_EQ(queue_.Waiting(), 0u);
}

TEST_F(WorkQueueTest, ShutDownWithDrainWaitsUntilProcessingKeysAreDone) {
  queue_.Add("a");
  queue_.Add("b");
  ASSERT_EQ(queue_.Get(), "a");
  auto drain = std::async(std::launch::async, [this] { queue_.ShutDownWithDrain(); });
  ASSERT_TRUE(Eventually([this] { return queue_.ShuttingDown(); }));
  EXPECT_EQ(queue_.Get(), std::nullopt) << "draining hands out no new keys";
  GiveOtherThreadsAChance();
  EXPECT_EQ(drain.wait_for(seconds(0)), std::future_status::timeout)
      << "drain returned while a key was being processed";

  queue_.Done("a");
  EXPECT_EQ(drain.wait_for(seconds(10)), std::future_status::ready);
}

TEST_F(WorkQueueTest, ShutDownWithDrainReturnsAtOnceWhenNothingIsProcessed) {
  queue_.Add("a");
  queue_.ShutDownWithDrain();
  EXPECT_EQ(queue_.Get(), std::nullopt);
}

TEST_F(WorkQueueTest, ShutDownEndsADrainStillWaiting) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");
  auto drain = std::async(std::launch::async, [this] { queue_.ShutDownWithDrain(); });
  ASSERT_TRUE(Eventually([this] { return queue_.ShuttingDown(); }));
  queue_.ShutDown();
  EXPECT_EQ(drain.wait_for(seconds(10)), std::future_status::ready);
  queue_.Done("a");  // a late Done is harmless
}

TEST_F(WorkQueueTest, DoneOfAKeyNeverHandedOutIsIgnored) {
  queue_.Done("stranger");
  queue_.Add("a");
  queue_.Done("a");  // queued, not processing
  EXPECT_EQ(queue_.Len(), 1u);
  EXPECT_EQ(queue_.Get(), "a");
}

TEST_F(WorkQueueTest, ForgetAndNumRequeuesGoToTheRateLimiter) {
  queue_.AddRateLimited("a");
  queue_.AddRateLimited("a");
  EXPECT_EQ(queue_.NumRequeues("a"), 2);
  queue_.Forget("a");
  EXPECT_EQ(queue_.NumRequeues("a"), 0);
}

TEST(WorkQueueLifetimeTest, DestroyingWithDelayedKeysAndBlockedWorkersShutsDown) {
  FakeClock clock;
  std::future<std::optional<std::string>> worker;
  {
    WorkQueue queue(DefaultControllerRateLimiter(clock), clock);
    queue.AddAfter("later", std::chrono::hours(1));
    queue.AddAfter("much-later", Clock::Duration::max());
    worker = std::async(std::launch::async, [&queue] { return queue.Get(); });
    GiveOtherThreadsAChance();
    queue.ShutDown();  // the worker must leave Get before the queue is destroyed
    ASSERT_EQ(worker.wait_for(seconds(10)), std::future_status::ready);
  }
  EXPECT_EQ(worker.get(), std::nullopt);
}

}  // namespace
}  // namespace upkeep::controller
