// WorkQueue::AddAfter and AddRateLimited: keys wait on the injected clock.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>

#include "controller/workqueue/work_queue.h"
#include "tests/controller/workqueue/eventually.h"

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using test_support::Eventually;
using test_support::GiveOtherThreadsAChance;

class DelayedAddTest : public ::testing::Test {
 protected:
  // Advances the fake clock by `d` and checks the queue has no ready key yet.
  void AdvanceAndExpectNothingReady(Clock::Duration d) {
    clock_.Advance(d);
    GiveOtherThreadsAChance();
    EXPECT_EQ(queue_.Len(), 0u);
  }
  // Advances the fake clock by `d` and waits for `key` to become ready, then processes it.
  void AdvanceAndExpectReady(Clock::Duration d, const std::string& key) {
    clock_.Advance(d);
    ASSERT_TRUE(Eventually([this] { return queue_.Len() == 1; }));
    EXPECT_EQ(queue_.Get(), key);
    queue_.Done(key);
  }

  FakeClock clock_;
  WorkQueue queue_{DefaultControllerRateLimiter(clock_), clock_};
};

TEST_F(DelayedAddTest, KeyBecomesReadyWhenTheClockPassesItsDueTimeAndNotBefore) {
  queue_.AddAfter("a", seconds(10));
  EXPECT_EQ(queue_.Waiting(), 1u);
  AdvanceAndExpectNothingReady(Clock::Duration::zero());
  AdvanceAndExpectNothingReady(seconds(9));
  AdvanceAndExpectNothingReady(milliseconds(999));
  AdvanceAndExpectReady(milliseconds(1), "a");
  EXPECT_EQ(queue_.Waiting(), 0u);
}

TEST_F(DelayedAddTest, ZeroOrNegativeDelayAddsNow) {
  queue_.AddAfter("a", Clock::Duration::zero());
  queue_.AddAfter("b", seconds(-5));
  EXPECT_EQ(queue_.Len(), 2u);
  EXPECT_EQ(queue_.Waiting(), 0u);
}

TEST_F(DelayedAddTest, EarlierDueTimeReplacesALaterOne) {
  queue_.AddAfter("a", seconds(10));
  queue_.AddAfter("a", seconds(5));
  EXPECT_EQ(queue_.Waiting(), 1u);
  AdvanceAndExpectNothingReady(seconds(4));
  AdvanceAndExpectReady(seconds(1), "a");
  EXPECT_EQ(queue_.Waiting(), 0u);
  AdvanceAndExpectNothingReady(seconds(10));  // the 10 s entry is gone
}

TEST_F(DelayedAddTest, LaterDueTimeDoesNotPostponeAnEarlierOne) {
  queue_.AddAfter("a", seconds(5));
  queue_.AddAfter("a", seconds(10));
  EXPECT_EQ(queue_.Waiting(), 1u);
  AdvanceAndExpectNothingReady(seconds(4));
  AdvanceAndExpectReady(seconds(1), "a");
  AdvanceAndExpectNothingReady(seconds(10));
}

TEST_F(DelayedAddTest, KeysBecomeReadyInDueOrder) {
  queue_.AddAfter("late", seconds(3));
  queue_.AddAfter("early", seconds(1));
  queue_.AddAfter("middle", seconds(2));
  clock_.Advance(seconds(3));
  ASSERT_TRUE(Eventually([this] { return queue_.Len() == 3; }));
  EXPECT_EQ(queue_.Get(), "early");
  EXPECT_EQ(queue_.Get(), "middle");
  EXPECT_EQ(queue_.Get(), "late");
}

TEST_F(DelayedAddTest, DueKeyAlreadyQueuedIsNotQueuedTwice) {
  queue_.AddAfter("a", seconds(1));
  queue_.Add("a");
  clock_.Advance(seconds(1));
  ASSERT_TRUE(Eventually([this] { return queue_.Waiting() == 0; }));
  EXPECT_EQ(queue_.Len(), 1u);
}

TEST_F(DelayedAddTest, RateLimitedBackoffDoublesAndForgetResetsIt) {
  for (Clock::Duration backoff :
       {milliseconds(5), milliseconds(10), milliseconds(20), milliseconds(40)}) {
    SCOPED_TRACE(std::chrono::duration_cast<milliseconds>(backoff).count());
    queue_.AddRateLimited("a");
    AdvanceAndExpectNothingReady(backoff - milliseconds(1));
    AdvanceAndExpectReady(milliseconds(1), "a");
  }
  EXPECT_EQ(queue_.NumRequeues("a"), 4);

  queue_.Forget("a");
  EXPECT_EQ(queue_.NumRequeues("a"), 0);
  queue_.AddRateLimited("a");
  AdvanceAndExpectNothingReady(milliseconds(4));
  AdvanceAndExpectReady(milliseconds(1), "a");
}

TEST(DelayedAddRealClockTest, ShortDelayFiresAndHugeDelayDoesNotHangShutdown) {
  WorkQueue queue(DefaultControllerRateLimiter(RealClock::Get()), RealClock::Get());
  queue.AddAfter("never", Clock::Duration::max());
  queue.AddAfter("soon", milliseconds(1));
  EXPECT_EQ(queue.Get(), "soon");
  EXPECT_EQ(queue.Waiting(), 1u);
  queue.ShutDown();
}

}  // namespace
}  // namespace upkeep::controller
