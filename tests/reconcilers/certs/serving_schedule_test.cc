#include "reconcilers/certs/serving_schedule.h"

#include <gtest/gtest.h>

namespace upkeep::reconcilers::certs {
namespace {

using namespace std::chrono_literals;
using TimePoint = ServingSchedule::TimePoint;

const TimePoint kStart = TimePoint(std::chrono::hours(24 * 365 * 57));

TEST(ServingScheduleTest, ANewObjectOrANewCertificateIsDueAtOnce) {
  ServingSchedule schedule;
  EXPECT_TRUE(schedule.Due("uid-1", 1, "01", kStart));
  EXPECT_FALSE(schedule.NextDue("uid-1").has_value());
  schedule.Record("uid-1", 1, "01", true, kStart);
  EXPECT_FALSE(schedule.Due("uid-1", 1, "01", kStart + 1s));
  EXPECT_TRUE(schedule.Due("uid-1", 1, "02", kStart + 1s));  // renewed: look at the new one
  EXPECT_TRUE(schedule.Due("uid-2", 1, "01", kStart + 1s));  // another object
  EXPECT_TRUE(schedule.Due("uid-1", 2, "01", kStart + 1s));  // the spec changed
}

TEST(ServingScheduleTest, NotServedYetIsLookedAtEveryMinute) {
  ServingSchedule schedule;
  schedule.Record("uid", 1, "01", false, kStart);
  EXPECT_EQ(schedule.NextDue("uid"), kStart + kServingRecheck);
  EXPECT_FALSE(schedule.Due("uid", 1, "01", kStart + kServingRecheck - 1s));
  EXPECT_TRUE(schedule.Due("uid", 1, "01", kStart + kServingRecheck));
}

TEST(ServingScheduleTest, ServedIsLookedAtAgainHourly) {
  ServingSchedule schedule;
  schedule.Record("uid", 1, "01", true, kStart);
  EXPECT_EQ(schedule.NextDue("uid"), kStart + kServingReverify);
  EXPECT_FALSE(schedule.Due("uid", 1, "01", kStart + 59min));
  EXPECT_TRUE(schedule.Due("uid", 1, "01", kStart + 1h));
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
