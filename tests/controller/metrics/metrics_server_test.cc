#include "controller/metrics/metrics_server.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/controller/metrics/http_get.h"

namespace upkeep::controller {
namespace {

using testing::HasSubstr;
using testing_http::HttpGet;
using testing_http::HttpResult;

TEST(MetricsServerTest, ServesMetricsOverHttpOnAnEphemeralPort) {
  Metrics metrics;
  metrics.ForController("backuppolicy")
      .RecordReconcile(kReconcileSuccess, std::chrono::milliseconds(5));
  MetricsServer server(metrics, "127.0.0.1:0");
  ASSERT_TRUE(server.Start().ok());
  ASSERT_TRUE(server.enabled());
  ASSERT_NE(server.port(), 0);

  HttpResult r = HttpGet(server.port(), "/metrics");
  ASSERT_EQ(r.status, 200) << r.error;
  EXPECT_THAT(r.headers, HasSubstr("text/plain; version=0.0.4; charset=utf-8"));
  EXPECT_THAT(r.body, HasSubstr("# TYPE controller_runtime_reconcile_total counter\n"));
  EXPECT_THAT(
      r.body,
      HasSubstr(
          R"(controller_runtime_reconcile_total{controller="backuppolicy",result="success"} 1)"));

  // A second scrape sees what happened since.
  metrics.SetLeader("upkeep", true);
  EXPECT_THAT(HttpGet(server.port(), "/metrics").body,
              HasSubstr(R"(leader_election_master_status{name="upkeep"} 1)"));
  server.Stop();
}

TEST(MetricsServerTest, AnswersOtherPathsWith404) {
  Metrics metrics;
  MetricsServer server(metrics, "127.0.0.1:0");
  ASSERT_TRUE(server.Start().ok());
  EXPECT_EQ(HttpGet(server.port(), "/").status, 404);
}

TEST(MetricsServerTest, ZeroDisablesTheServer) {
  Metrics metrics;
  MetricsServer server(metrics, "0");
  EXPECT_TRUE(server.Start().ok());
  EXPECT_FALSE(server.enabled());
  EXPECT_EQ(server.port(), 0);
}

TEST(MetricsServerTest, StartFailsOnAMalformedAddress) {
  Metrics metrics;
  MetricsServer server(metrics, "8080");
  EXPECT_EQ(server.Start().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(server.enabled());
}

TEST(MetricsServerTest, StartFailsWhenThePortIsTaken) {
  Metrics metrics;
  MetricsServer first(metrics, "127.0.0.1:0");
  ASSERT_TRUE(first.Start().ok());
  MetricsServer second(metrics, "127.0.0.1:" + std::to_string(first.port()));
  EXPECT_FALSE(second.Start().ok());
}

}  // namespace
}  // namespace upkeep::controller
