// RenewalInfoCache: the CA's renewal window is kept for its Retry-After (clamped), and
// "no ARI" or a failure for an hour, so reconciles do not ask the CA every time.
#include "reconcilers/certs/renewal_info_cache.h"

#include <gtest/gtest.h>

namespace upkeep::reconcilers::certs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using TimePoint = std::chrono::system_clock::time_point;

const TimePoint kNow = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 30));

acme::RenewalInfo Window(std::optional<seconds> retry_after) {
  acme::RenewalInfo info;
  info.window_start = kNow + hours(24 * 50);
  info.window_end = kNow + hours(24 * 52);
  info.retry_after = retry_after;
  return info;
}

TEST(RenewalInfoCacheTest, AnswerIsKeptForTheServersRetryAfter) {
  RenewalInfoCache cache;
  EXPECT_FALSE(cache.Lookup("cert", kNow).has_value());  // never asked: ask
  auto window = cache.Store("cert", Window(hours(2)), kNow);
  ASSERT_TRUE(window.has_value());
  EXPECT_EQ(window->first, kNow + hours(24 * 50));
  auto kept = cache.Lookup("cert", kNow + hours(1));
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(*kept, window);
  EXPECT_FALSE(cache.Lookup("cert", kNow + hours(2)).has_value());  // time to ask again
  EXPECT_FALSE(cache.Lookup("other", kNow).has_value());
}

TEST(RenewalInfoCacheTest, RetryAfterIsClampedAndDefaultsToSixHours) {
  struct Row {
    std::optional<seconds> retry_after;
    seconds kept_for;
  };
  for (Row row : {Row{seconds(5), minutes(1)}, Row{hours(48), hours(24)},
                  Row{std::nullopt, hours(6)}}) {
    RenewalInfoCache cache;
    cache.Store("cert", Window(row.retry_after), kNow);
    EXPECT_TRUE(cache.Lookup("cert", kNow + row.kept_for - seconds(1)).has_value())
        << row.kept_for.count();
    EXPECT_FALSE(cache.Lookup("cert", kNow + row.kept_for).has_value()) << row.kept_for.count();
  }
}

TEST(RenewalInfoCacheTest, NoAriOrAFailureMeansNoWindowForAnHour) {
  RenewalInfoCache cache;
  for (const absl::StatusOr<acme::RenewalInfo>& answer :
       {absl::StatusOr<acme::RenewalInfo>(absl::UnimplementedError("no renewalInfo")),
        absl::StatusOr<acme::RenewalInfo>(absl::UnavailableError("CA down"))}) {
    EXPECT_FALSE(cache.Store("cert", answer, kNow).has_value());
    auto kept = cache.Lookup("cert", kNow + minutes(59));
    ASSERT_TRUE(kept.has_value());      // do not ask again yet...
    EXPECT_FALSE(kept->has_value());    // ...and there is no window to follow
    EXPECT_FALSE(cache.Lookup("cert", kNow + hours(1)).has_value());
  }
}

TEST(RenewalInfoCacheTest, AnEmptyOrBackwardWindowIsNoWindow) {
  RenewalInfoCache cache;
  acme::RenewalInfo backward = Window(hours(1));
  std::swap(backward.window_start, backward.window_end);
  EXPECT_FALSE(cache.Store("cert", backward, kNow).has_value());
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
