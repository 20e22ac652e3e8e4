#include "controller/flowcontrol/token_bucket.h"

#include <atomic>
#include <chrono>
#include <thread>

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;

TEST(TokenBucketTest, AllowsBurstAtOnceThenRefuses) {
  FakeClock clock;
  TokenBucket bucket(10, 3, clock);
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_FALSE(bucket.TryAccept());
}

TEST(TokenBucketTest, RefillsAtQps) {
  FakeClock clock;
  TokenBucket bucket(10, 1, clock);
  ASSERT_TRUE(bucket.TryAccept());
  clock.Advance(milliseconds(50));
  EXPECT_FALSE(bucket.TryAccept());
  clock.Advance(milliseconds(50));
  EXPECT_TRUE(bucket.TryAccept());
}

TEST(TokenBucketTest, NeverHoldsMoreThanBurst) {
  FakeClock clock;
  TokenBucket bucket(100, 2, clock);
  clock.Advance(std::chrono::hours(1));
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_TRUE(bucket.TryAccept());
  EXPECT_FALSE(bucket.TryAccept());
}

TEST(TokenBucketTest, ReservationsQueueUpOneIntervalEach) {
  FakeClock clock;
  TokenBucket bucket(10, 1, clock);
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
  EXPECT_EQ(bucket.Reserve(), milliseconds(200));
  EXPECT_EQ(bucket.Reserve(), milliseconds(300));
  // Time passing pays the queue off.
  clock.Advance(milliseconds(300));
  EXPECT_EQ(bucket.Reserve(), milliseconds(100));
}

TEST(TokenBucketTest, UnlimitedWhenQpsIsNotPositive) {
  FakeClock clock;
  TokenBucket bucket(0, 1, clock);
  for (int i = 0; i < 1000; ++i) ASSERT_TRUE(bucket.TryAccept());
  EXPECT_EQ(bucket.Reserve(), Clock::Duration::zero());
  EXPECT_TRUE(bucket.Wait());
}

TEST(TokenBucketTest, ClockSetBackDoesNotMintTokens) {
  FakeClock clock;
  TokenBucket bucket(10, 1, clock);
  ASSERT_TRUE(bucket.TryAccept());
  clock.Set(clock.Now() - std::chrono::hours(1));
  EXPECT_FALSE(bucket.TryAccept());
  clock.Advance(milliseconds(100));
  EXPECT_TRUE(bucket.TryAccept());
}

TEST(TokenBucketTest, WaitReturnsOnceTheClockReachesTheReservation) {
  FakeClock clock;
  TokenBucket bucket(1, 1, clock);
  ASSERT_TRUE(bucket.TryAccept());
  std::atomic<bool> done{false};
  std::thread waiter([&] {
    EXPECT_TRUE(bucket.Wait());
    done = true;
  });
  std::this_thread::sleep_for(milliseconds(50));
  EXPECT_FALSE(done);
  clock.Advance(std::chrono::seconds(1));
  waiter.join();
  EXPECT_TRUE(done);
}

TEST(TokenBucketTest, WaitGivesUpWhenStopIsRequested) {
  FakeClock clock;
  TokenBucket bucket(1, 1, clock);
  ASSERT_TRUE(bucket.TryAccept());
  std::stop_source stop;
  std::atomic<int> result{-1};
  std::thread waiter([&] { result = bucket.Wait(stop.get_token()) ? 1 : 0; });
  std::this_thread::sleep_for(milliseconds(20));
  stop.request_stop();
  waiter.join();
  EXPECT_EQ(result, 0);
}

TEST(TokenBucketTest, WaitOnTheRealClockPacesCallers) {
  TokenBucket bucket(50, 1, RealClock::Get());
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(bucket.Wait());
  // One at once, then five at 20 ms intervals.
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(95));
}

}  // namespace
}  // namespace upkeep::controller
