#include "controller/object/kube_time.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;
using std::chrono::nanoseconds;
using std::chrono::seconds;
using std::chrono::sys_days;

// 2026-11-22T05:00:00Z
const Clock::TimePoint kFiveAm =
    sys_days(std::chrono::year(2026) / 11 / 22) + std::chrono::hours(5);

TEST(FormatRfc3339Test, WritesWholeSecondsInUtc) {
  EXPECT_EQ(FormatRfc3339(kFiveAm), "2026-11-22T05:00:00Z");
  EXPECT_EQ(FormatRfc3339(kFiveAm + milliseconds(999)), "2026-11-22T05:00:00Z");
  EXPECT_EQ(FormatRfc3339(Clock::TimePoint()), "1970-01-01T00:00:00Z");
}

TEST(FormatRfc3339Test, TruncatesTowardsThePastBeforeTheEpoch) {
  EXPECT_EQ(FormatRfc3339(Clock::TimePoint() - milliseconds(1)), "1969-12-31T23:59:59Z");
}

TEST(FormatRfc3339MicroTest, WritesSixFractionalDigits) {
  EXPECT_EQ(FormatRfc3339Micro(kFiveAm + microseconds(123456) + nanoseconds(789)),
            "2026-11-22T05:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339Micro(kFiveAm), "2026-11-22T05:00:00.000000Z");
}

struct ParseCase {
  const char* name;
  const char* text;
  Clock::TimePoint want;
};

void PrintTo(const ParseCase& row, std::ostream* os) { *os << row.name; }

class ParseRfc3339Test : public testing::TestWithParam<ParseCase> {};

TEST_P(ParseRfc3339Test, ReadsTheInstant) {
  absl::StatusOr<Clock::TimePoint> t = ParseRfc3339(GetParam().text);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(*t, GetParam().want);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseRfc3339Test,
    testing::Values(
        ParseCase{"Seconds", "2026-11-22T05:00:00Z", kFiveAm},
        ParseCase{"Micro", "2026-11-22T05:00:00.123456Z", kFiveAm + microseconds(123456)},
        ParseCase{"Nano", "2026-11-22T05:00:00.000000001Z", kFiveAm + nanoseconds(1)},
        ParseCase{"ShortFraction", "2026-11-22T05:00:00.5Z", kFiveAm + milliseconds(500)},
        ParseCase{"PositiveOffset", "2026-11-22T06:30:00+01:30", kFiveAm},
        ParseCase{"NegativeOffset", "2026-11-22T00:00:00-05:00", kFiveAm},
        ParseCase{"LowerCase", "2026-11-22t05:00:00z", kFiveAm}),
    [](const testing::TestParamInfo<ParseCase>& info) { return info.param.name; });

TEST(ParseRfc3339Test, RoundTripsFormattedTimes) {
  Clock::TimePoint t = kFiveAm + seconds(61) + microseconds(42);
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339Micro(t)), t);
  EXPECT_EQ(*ParseRfc3339(FormatRfc3339(t)), kFiveAm + seconds(61));
}

TEST(ParseRfc3339Test, RejectsMalformedTextNamingIt) {
  for (const char* text :
       {"", "2026-11-22", "2026-11-22T05:00:00", "2026-11-22 05:00:00Z", "2026-13-01T00:00:00Z",
        "2026-02-30T00:00:00Z", "2026-11-22T24:00:00Z", "2026-11-22T05:00:00.Z",
        "2026-11-22T05:00:00Zjunk", "2026-11-22T05:00:00+0100"}) {
    absl::StatusOr<Clock::TimePoint> t = ParseRfc3339(text);
    ASSERT_FALSE(t.ok()) << text;
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(t.status().message().find(text), std::string_view::npos) << t.status();
  }
}

}  // namespace
}  // namespace upkeep::controller
