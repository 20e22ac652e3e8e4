#include "acme/retry_after.h"

#include <gtest/gtest.h>

#include "controller/object/kube_time.h"

namespace upkeep::acme {
namespace {

using std::chrono::seconds;

TEST(ParseRetryAfterTest, ReadsSecondsAndEveryHttpDateForm) {
  // 1994-11-06T08:49:00Z, 37 seconds before the examples' time.
  auto now = controller::ParseRfc3339("1994-11-06T08:49:00Z").value();
  struct Row {
    const char* name;
    const char* value;
    std::optional<seconds> want;
  };
  const Row rows[] = {
      {"delta seconds", "120", seconds(120)},
      {"delta with spaces", " 5 ", seconds(5)},
      {"zero", "0", seconds(0)},
      {"IMF-fixdate", "Sun, 06 Nov 1994 08:49:37 GMT", seconds(37)},
      {"RFC 850", "Sunday, 06-Nov-94 08:49:37 GMT", seconds(37)},
      {"asctime", "Sun Nov  6 08:49:37 1994", seconds(37)},
      {"date in the past", "Sun, 06 Nov 1994 08:00:00 GMT", seconds(0)},
      {"negative", "-5", std::nullopt},
      {"fraction", "1.5", std::nullopt},
      {"garbage", "soon", std::nullopt},
      {"empty", "", std::nullopt},
      {"bad month", "Sun, 06 Foo 1994 08:49:37 GMT", std::nullopt},
      {"absurdly far", "99999999999", std::nullopt},
  };
  for (const Row& row : rows) {
    EXPECT_EQ(ParseRetryAfter(row.value, now), row.want) << row.name;
  }
}

}  // namespace
}  // namespace upkeep::acme
