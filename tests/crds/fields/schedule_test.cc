#include "crds/fields/schedule.h"

#include <gtest/gtest.h>

#include <regex>

namespace upkeep::api {
namespace {

using namespace std::chrono_literals;

TEST(ParseScheduleTest, DailyAtThree) {
  auto s = ParseSchedule("0 3 * * *");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_FALSE(s->is_interval);
  EXPECT_EQ(s->minutes.count(), 1u);
  EXPECT_TRUE(s->minutes[0]);
  EXPECT_EQ(s->hours.count(), 1u);
  EXPECT_TRUE(s->hours[3]);
  EXPECT_EQ(s->days_of_month.count(), 31u);
  EXPECT_EQ(s->months.count(), 12u);
  EXPECT_EQ(s->days_of_week.count(), 7u);
  EXPECT_FALSE(s->day_of_month_restricted);
  EXPECT_FALSE(s->day_of_week_restricted);
}

TEST(ParseScheduleTest, ListsRangesStepsAndNames) {
  auto s = ParseSchedule("*/15 9-17 1,15 jan-mar mon-fri");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->minutes.count(), 4u);
  EXPECT_TRUE(s->minutes[45]);
  EXPECT_EQ(s->hours.count(), 9u);
  EXPECT_TRUE(s->days_of_month[1] && s->days_of_month[15]);
  EXPECT_EQ(s->days_of_month.count(), 2u);
  EXPECT_EQ(s->months.count(), 3u);
  EXPECT_TRUE(s->days_of_week[1] && s->days_of_week[5] && !s->days_of_week[0]);
  EXPECT_TRUE(s->day_of_month_restricted);
  EXPECT_TRUE(s->day_of_week_restricted);
}

TEST(ParseScheduleTest, SevenIsSundayAndStepFromAStart) {
  auto s = ParseSchedule("5/20 0 * * 7");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_TRUE(s->minutes[5] && s->minutes[25] && s->minutes[45]);
  EXPECT_EQ(s->minutes.count(), 3u);
  EXPECT_TRUE(s->days_of_week[0]);
  EXPECT_EQ(s->days_of_week.count(), 1u);
}

TEST(ParseScheduleTest, MacrosAndEvery) {
  auto hourly = ParseSchedule("@hourly");
  ASSERT_TRUE(hourly.ok());
  EXPECT_EQ(hourly->hours.count(), 24u);
  EXPECT_TRUE(hourly->minutes[0]);
  auto weekly = ParseSchedule("@weekly");
  ASSERT_TRUE(weekly.ok());
  EXPECT_TRUE(weekly->days_of_week[0]);
  EXPECT_EQ(weekly->days_of_week.count(), 1u);
  auto every = ParseSchedule("@every 90m");
  ASSERT_TRUE(every.ok());
  EXPECT_TRUE(every->is_interval);
  EXPECT_EQ(every->interval, 90min);
}

TEST(ParseScheduleTest, ErrorsNameTheField) {
  struct Row {
    const char* text;
    const char* expect;
  };
  for (const Row& row : {Row{"61 * * * *", "minute field \"61\": out of range 0-59"},
                         Row{"0 24 * * *", "hour field"},
                         Row{"0 0 0 * *", "day-of-month field"},
                         Row{"0 0 * foo *", "month field"},
                         Row{"0 0 * * 8", "day-of-week field"},
                         Row{"0 0 * *", "expected 5 fields"},
                         Row{"*/0 * * * *", "step must be a positive number"},
                         Row{"0 5-3 * * *", "range start is after its end"},
                         Row{"@fortnightly", "unknown macro"},
                         Row{"@every 0s", "positive"},
                         Row{"@every soon", "invalid duration"}}) {
    auto s = ParseSchedule(row.text);
    ASSERT_FALSE(s.ok()) << row.text;
    EXPECT_NE(s.status().message().find(row.expect), std::string::npos)
        << row.text << ": " << s.status();
  }
}

TEST(SchedulePatternTest, AcceptsWhatTheParserAcceptsAmongExamples) {
  std::regex pattern(kSchedulePattern, std::regex::ECMAScript);
  for (const char* good : {"0 3 * * *", "@daily", "@every 1h", "*/15 9-17 1,15 jan-mar mon-fri"}) {
    EXPECT_TRUE(std::regex_match(good, pattern)) << good;
  }
  for (const char* bad : {"0 3 * *", "daily", "@every", ""}) {
    EXPECT_FALSE(std::regex_match(bad, pattern)) << bad;
  }
}

}  // namespace
}  // namespace upkeep::api
