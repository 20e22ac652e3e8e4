// What WorkQueue reports to its metrics hooks and through its work-in-progress gauges.
#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "controller/workqueue/work_queue.h"
#include "tests/controller/workqueue/eventually.h"

namespace upkeep::controller {
namespace {

using std::chrono::seconds;
using test_support::Eventually;

// Records every call; the queue calls it with its lock held, so no lock is needed here as long
// as the test reads it only between queue calls on one thread (or after Eventually).
class RecordingMetrics final : public WorkQueueMetrics {
 public:
  void Added() override { ++adds; }
  void DepthChanged(size_t depth) override { depths.push_back(depth); }
  void Started(Clock::Duration time_in_queue) override { queued_for.push_back(time_in_queue); }
  void Finished(Clock::Duration work_time) override { worked_for.push_back(work_time); }
  void Retried() override { ++retries; }

  int adds = 0;
  int retries = 0;
  std::vector<size_t> depths;
  std::vector<Clock::Duration> queued_for;
  std::vector<Clock::Duration> worked_for;
};

class WorkQueueMetricsTest : public ::testing::Test {
 protected:
  FakeClock clock_;
  RecordingMetrics metrics_;
  WorkQueue queue_{DefaultControllerRateLimiter(clock_), clock_, &metrics_};
};

TEST_F(WorkQueueMetricsTest, CountsOnlyAddsThatAreNotDeduplicated) {
  queue_.Add("a");
  queue_.Add("a");
  queue_.Add("b");
  EXPECT_EQ(metrics_.adds, 2);
  EXPECT_EQ(metrics_.depths, (std::vector<size_t>{1, 2}));
}

TEST_F(WorkQueueMetricsTest, ReportsTimeInQueueAndWorkTimeByTheClock) {
  queue_.Add("a");
  clock_.Advance(seconds(3));
  ASSERT_EQ(queue_.Get(), "a");
  clock_.Advance(seconds(2));
  queue_.Done("a");
  EXPECT_EQ(metrics_.queued_for, (std::vector<Clock::Duration>{seconds(3)}));
  EXPECT_EQ(metrics_.worked_for, (std::vector<Clock::Duration>{seconds(2)}));
  EXPECT_EQ(metrics_.depths, (std::vector<size_t>{1, 0}));
}

TEST_F(WorkQueueMetricsTest, KeyAddedWhileProcessingCountsOnceAndDeepensTheQueueAtDone) {
  queue_.Add("a");
  ASSERT_EQ(queue_.Get(), "a");
  clock_.Advance(seconds(1));
  queue_.Add("a");
  queue_.Add("a");
  EXPECT_EQ(metrics_.adds, 2);
  EXPECT_EQ(metrics_.depths, (std::vector<size_t>{1, 0}));
  clock_.Advance(seconds(1));
  queue_.Done("a");
  EXPECT_EQ(metrics_.depths, (std::vector<size_t>{1, 0, 1}));
  clock_.Advance(seconds(1));
  ASSERT_EQ(queue_.Get(), "a");
  // Time in queue runs from the add during processing, not from the Done.
  EXPECT_EQ(metrics_.queued_for, (std::vector<Clock::Duration>{seconds(0), seconds(2)}));
}

TEST_F(WorkQueueMetricsTest, RateLimitedAddIsARetryAndAnAddWhenDue) {
  queue_.AddRateLimited("a");
  EXPECT_EQ(metrics_.retries, 1);
  EXPECT_EQ(metrics_.adds, 0);
  clock_.Advance(seconds(1));
  ASSERT_TRUE(Eventually([this] { return queue_.Len() == 1; }));
  EXPECT_EQ(metrics_.adds, 1);
}

TEST_F(WorkQueueMetricsTest, PlainAddAfterIsNotARetry) {
  queue_.AddAfter("a", seconds(1));
  EXPECT_EQ(metrics_.retries, 0);
}

TEST_F(WorkQueueMetricsTest, UnfinishedWorkGrowsWithTheClockUntilDone) {
  EXPECT_EQ(queue_.UnfinishedWorkSeconds(), 0.0);
  EXPECT_EQ(queue_.LongestRunningProcessorSeconds(), 0.0);
  queue_.Add("a");
  queue_.Add("b");
  ASSERT_EQ(queue_.Get(), "a");
  clock_.Advance(seconds(2));
  EXPECT_DOUBLE_EQ(queue_.UnfinishedWorkSeconds(), 2.0);
  ASSERT_EQ(queue_.Get(), "b");
  clock_.Advance(seconds(1));
  EXPECT_DOUBLE_EQ(queue_.UnfinishedWorkSeconds(), 4.0);  // a: 3 s, b: 1 s
  EXPECT_DOUBLE_EQ(queue_.LongestRunningProcessorSeconds(), 3.0);
  queue_.Done("a");
  EXPECT_DOUBLE_EQ(queue_.UnfinishedWorkSeconds(), 1.0);
  EXPECT_DOUBLE_EQ(queue_.LongestRunningProcessorSeconds(), 1.0);
  queue_.Done("b");
  EXPECT_EQ(queue_.UnfinishedWorkSeconds(), 0.0);
}

}  // namespace
}  // namespace upkeep::controller
