#include "controller/logging/log_level.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

TEST(ParseLogLevelTest, ReadsZapNamesInAnyCase) {
  EXPECT_EQ(*ParseLogLevel("error"), LogLevel::kError);
  EXPECT_EQ(*ParseLogLevel("warn"), LogLevel::kWarn);
  EXPECT_EQ(*ParseLogLevel("info"), LogLevel::kInfo);
  EXPECT_EQ(*ParseLogLevel("DEBUG"), LogLevel::kDebug);
  EXPECT_EQ(*ParseLogLevel(""), LogLevel::kInfo);
}

TEST(ParseLogLevelTest, RejectsUnknownNamesListingTheValidOnes) {
  absl::StatusOr<LogLevel> level = ParseLogLevel("verbose");
  ASSERT_FALSE(level.ok());
  EXPECT_EQ(level.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(level.status().message(),
            "invalid log level \"verbose\": want one of error, warn, info, debug");
}

TEST(LogLevelNameTest, RoundTripsThroughParse) {
  for (LogLevel level : {LogLevel::kError, LogLevel::kWarn, LogLevel::kInfo, LogLevel::kDebug}) {
    EXPECT_EQ(*ParseLogLevel(LogLevelName(level)), level);
  }
}

}  // namespace
}  // namespace upkeep::controller
