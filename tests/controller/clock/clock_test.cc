#include "controller/clock/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>

namespace upkeep::controller {
namespace {

using std::chrono::hours;
using std::chrono::seconds;

TEST(FakeClockTest, MovesOnlyWhenTold) {
  const Clock::TimePoint start(hours(1000));
  FakeClock clock(start);
  EXPECT_EQ(clock.Now(), start);
  EXPECT_EQ(clock.Now(), start);
  clock.Advance(seconds(90));
  EXPECT_EQ(clock.Now(), start + seconds(90));
  clock.Set(start - hours(1));
  EXPECT_EQ(clock.Now(), start - hours(1));
}

TEST(FakeClockTest, WaitUntilAPassedDeadlineReturnsAtOnce) {
  FakeClock clock;
  std::mutex mu;
  std::condition_variable cv;
  std::unique_lock<std::mutex> lock(mu);
  clock.WaitUntil(lock, cv, clock.Now());
  clock.WaitUntil(lock, cv, clock.Now() - seconds(1));
  EXPECT_TRUE(lock.owns_lock());
}

TEST(FakeClockTest, WaiterLoopingOnTheClockSeesAdvance) {
  FakeClock clock;
  const Clock::TimePoint deadline = clock.Now() + hours(24);
  std::mutex mu;
  std::condition_variable cv;
  auto waiter = std::async(std::launch::async, [&] {
    std::unique_lock<std::mutex> lock(mu);
    while (clock.Now() < deadline) clock.WaitUntil(lock, cv, deadline);
    return lock.owns_lock();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(waiter.wait_for(seconds(0)), std::future_status::timeout);
  clock.Advance(hours(24));
  ASSERT_EQ(waiter.wait_for(seconds(10)), std::future_status::ready);
  EXPECT_TRUE(waiter.get());
}

TEST(RealClockTest, IsTheProcessWideInstanceAndDoesNotGoBackwardsInAShortSpan) {
  EXPECT_EQ(&RealClock::Get(), &RealClock::Get());
  const Clock::TimePoint before = RealClock::Get().Now();
  EXPECT_GE(RealClock::Get().Now() + seconds(1), before);  // tolerant of NTP slew
}

TEST(RealClockTest, WaitUntilAPassedDeadlineReturnsAtOnceHoldingTheLock) {
  std::mutex mu;
  std::condition_variable cv;
  std::unique_lock<std::mutex> lock(mu);
  RealClock::Get().WaitUntil(lock, cv, RealClock::Get().Now() - seconds(1));
  EXPECT_TRUE(lock.owns_lock());
}

TEST(RealClockTest, WaitUntilWakesWhenNotified) {
  std::mutex mu;
  std::condition_variable cv;
  bool ready = false;
  auto waiter = std::async(std::launch::async, [&] {
    std::unique_lock<std::mutex> lock(mu);
    const Clock::TimePoint far = RealClock::Get().Now() + hours(1);
    while (!ready) RealClock::Get().WaitUntil(lock, cv, far);
  });
  {
    std::lock_guard<std::mutex> lock(mu);
    ready = true;
  }
  cv.notify_all();
  EXPECT_EQ(waiter.wait_for(seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace upkeep::controller
