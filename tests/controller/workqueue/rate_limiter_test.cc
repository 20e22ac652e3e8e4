#include "controller/workqueue/rate_limiter.h"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <vector>

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ItemExponentialRateLimiterTest, DoublesFromBasePerFailure) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  EXPECT_EQ(limiter.When("a"), milliseconds(5));
  EXPECT_EQ(limiter.When("a"), milliseconds(10));
  EXPECT_EQ(limiter.When("a"), milliseconds(20));
  EXPECT_EQ(limiter.When("a"), milliseconds(40));
  EXPECT_EQ(limiter.NumRequeues("a"), 4);
}

TEST(ItemExponentialRateLimiterTest, KeysBackOffIndependently) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  limiter.When("a");
  limiter.When("a");
  EXPECT_EQ(limiter.When("b"), milliseconds(5));
  EXPECT_EQ(limiter.NumRequeues("a"), 2);
  EXPECT_EQ(limiter.NumRequeues("b"), 1);
  EXPECT_EQ(limiter.NumRequeues("never-failed"), 0);
}

TEST(ItemExponentialRateLimiterTest, ForgetStartsAgainFromBase) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  limiter.When("a");
  limiter.When("a");
  limiter.Forget("a");
  EXPECT_EQ(limiter.NumRequeues("a"), 0);
  EXPECT_EQ(limiter.When("a"), milliseconds(5));
}

TEST(ItemExponentialRateLimiterTest, CapsAtMax) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  // 5 ms * 2^17 = 655 s, 5 ms * 2^18 = 1310 s.
  for (int i = 0; i < 18; ++i) limiter.When("a");
  EXPECT_EQ(limiter.When("a"), seconds(1000));
  EXPECT_EQ(limiter.When("a"), seconds(1000));
}

TEST(ItemExponentialRateLimiterTest, StaysAtMaxLongAfterTheExponentWouldOverflow) {
  ItemExponentialRateLimiter limiter(milliseconds(5), seconds(1000));
  for (int i = 0; i < 5000; ++i) {
    Clock::Duration wait = limiter.When("a");
    ASSERT_GT(wait, Clock::Duration::zero()) << "failure " << i;
    ASSERT_LE(wait, seconds(1000)) << "failure " << i;
  }
  EXPECT_EQ(limiter.When("a"), seconds(1000));
}

TEST(ItemExponentialRateLimiterTest, MaxOfTheDurationTypeNeverOverflows) {
  ItemExponentialRateLimiter limiter(milliseconds(5), Clock::Duration::max());
  Clock::Duration previous = Clock::Duration::zero();
  for (int i = 0; i < 200; ++i) {
    Clock::Duration wait = limiter.When("a");
    ASSERT_GE(wait, previous) << "failure " << i;
    previous = wait;
  }
  EXPECT_EQ(previous, Clock::Duration::max());
}

TEST(ItemExponentialRateLimiterTest, ZeroBaseNeverWaits) {
  ItemExponentialRateLimiter limiter(Clock::Duration::zero(), seconds(1000));
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(limiter.When("a"), Clock::Duration::zero());
}

TEST(BucketRateLimiterTest, LetsTheBurstThroughThenSpacesByQps) {
  FakeClock clock;
  BucketRateLimiter limiter(10, 100, clock);
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(limiter.When("key-" + std::to_string(i)), Clock::Duration::zero()) << i;
  }
  EXPECT_EQ(limiter.When("a"), milliseconds(100));
  EXPECT_EQ(limiter.When("b"), milliseconds(200));
  EXPECT_EQ(limiter.When("c"), milliseconds(300));
  EXPECT_EQ(limiter.NumRequeues("a"), 0);
}

TEST(BucketRateLimiterTest, RefillsAsTheClockMoves) {
  FakeClock clock;
  BucketRateLimiter limiter(10, 100, clock);
  for (int i = 0; i < 100; ++i) limiter.When("a");
  clock.Advance(seconds(1));  // 10 tokens
  for (int i = 0; i < 10; ++i) ASSERT_EQ(limiter.When("a"), Clock::Duration::zero()) << i;
  EXPECT_EQ(limiter.When("a"), milliseconds(100));
}

// Returns fixed waits and records what it is told, to see MaxOf combine and forward.
class FixedRateLimiter final : public RateLimiter {
 public:
  FixedRateLimiter(Clock::Duration wait, int requeues) : wait_(wait), requeues_(requeues) {}
  Clock::Duration When(const std::string&) override {
    ++when_calls;
    return wait_;
  }
  void Forget(const std::string&) override { ++forget_calls; }
  int NumRequeues(const std::string&) override { return requeues_; }

  int when_calls = 0;
  int forget_calls = 0;

 private:
  Clock::Duration wait_;
  int requeues_;
};

TEST(MaxOfRateLimiterTest, WaitsTheLongestAndAsksEveryLimiter) {
  auto short_wait = std::make_unique<FixedRateLimiter>(milliseconds(5), 7);
  auto long_wait = std::make_unique<FixedRateLimiter>(seconds(2), 3);
  FixedRateLimiter* short_ptr = short_wait.get();
  FixedRateLimiter* long_ptr = long_wait.get();
  std::vector<std::unique_ptr<RateLimiter>> limiters;
  limiters.push_back(std::move(long_wait));
  limiters.push_back(std::move(short_wait));
  MaxOfRateLimiter limiter(std::move(limiters));

  EXPECT_EQ(limiter.When("a"), seconds(2));
  EXPECT_EQ(short_ptr->when_calls, 1);
  EXPECT_EQ(long_ptr->when_calls, 1);
  EXPECT_EQ(limiter.NumRequeues("a"), 7);
  limiter.Forget("a");
  EXPECT_EQ(short_ptr->forget_calls, 1);
  EXPECT_EQ(long_ptr->forget_calls, 1);
}

TEST(DefaultControllerRateLimiterTest, BacksOffPerKeyUntilTheBucketRunsDry) {
  FakeClock clock;
  std::unique_ptr<RateLimiter> limiter = DefaultControllerRateLimiter(clock);
  EXPECT_EQ(limiter->When("a"), milliseconds(5));
  EXPECT_EQ(limiter->When("a"), milliseconds(10));
  EXPECT_EQ(limiter->When("a"), milliseconds(20));
  EXPECT_EQ(limiter->NumRequeues("a"), 3);
  limiter->Forget("a");
  EXPECT_EQ(limiter->NumRequeues("a"), 0);
  EXPECT_EQ(limiter->When("a"), milliseconds(5));

  // 4 tokens are spent; a storm of first failures of other keys spends the rest, then the
  // bucket's spacing dominates each key's own 5 ms.
  for (int i = 0; i < 96; ++i) {
    ASSERT_EQ(limiter->When("storm-" + std::to_string(i)), milliseconds(5)) << i;
  }
  EXPECT_EQ(limiter->When("late"), milliseconds(100));
}

}  // namespace
}  // namespace upkeep::controller
