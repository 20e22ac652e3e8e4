#include "controller/metrics/metrics.h"

#include <atomic>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;
using testing::HasSubstr;

// "# HELP name ..." and "# TYPE name type" as the text format writes them.
void ExpectFamily(const std::string& text, const std::string& name, const std::string& type) {
  EXPECT_THAT(text, HasSubstr("# HELP " + name + " ")) << name;
  EXPECT_THAT(text, HasSubstr("# TYPE " + name + " " + type + "\n")) << name;
}

TEST(MetricsTest, RendersEveryControllerRuntimeNameAfterUse) {
  Metrics metrics;
  ControllerMetrics& c = metrics.ForController("backuppolicy");
  c.RecordReconcile(kReconcileSuccess, milliseconds(20));
  c.Error();
  c.TerminalError();
  c.SetActiveWorkers(1);
  c.SetMaxConcurrent(2);
  std::unique_ptr<WorkQueueMetrics> q = metrics.ForWorkQueue("backuppolicy", nullptr, nullptr);
  q->Added();
  q->DepthChanged(1);
  q->Started(milliseconds(1));
  q->Finished(milliseconds(2));
  q->Retried();
  metrics.RecordRestRequest("GET", "200", "10.0.0.1:443");
  metrics.SetLeader("upkeep-leader", true);

  const std::string text = metrics.Render();
  ExpectFamily(text, "controller_runtime_reconcile_total", "counter");
  ExpectFamily(text, "controller_runtime_reconcile_errors_total", "counter");
  ExpectFamily(text, "controller_runtime_terminal_reconcile_errors_total", "counter");
  ExpectFamily(text, "controller_runtime_reconcile_time_seconds", "histogram");
  ExpectFamily(text, "controller_runtime_active_workers", "gauge");
  ExpectFamily(text, "controller_runtime_max_concurrent_reconciles", "gauge");
  ExpectFamily(text, "workqueue_depth", "gauge");
  ExpectFamily(text, "workqueue_adds_total", "counter");
  ExpectFamily(text, "workqueue_queue_duration_seconds", "histogram");
  ExpectFamily(text, "workqueue_work_duration_seconds", "histogram");
  ExpectFamily(text, "workqueue_retries_total", "counter");
  ExpectFamily(text, "workqueue_unfinished_work_seconds", "gauge");
  ExpectFamily(text, "workqueue_longest_running_processor_seconds", "gauge");
  ExpectFamily(text, "rest_client_requests_total", "counter");
  ExpectFamily(text, "leader_election_master_status", "gauge");

  EXPECT_THAT(text, HasSubstr("# HELP controller_runtime_reconcile_total Total number of "
                              "reconciliations per controller\n"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(controller_runtime_reconcile_total{controller="backuppolicy",result="success"} 1)"));
  EXPECT_THAT(
      text, HasSubstr(R"(controller_runtime_reconcile_errors_total{controller="backuppolicy"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(controller_runtime_max_concurrent_reconciles{controller="backuppolicy"} 2)"));
  EXPECT_THAT(
      text, HasSubstr(R"(workqueue_adds_total{controller="backuppolicy",name="backuppolicy"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(rest_client_requests_total{code="200",host="10.0.0.1:443",method="GET"} 1)"));
  EXPECT_THAT(text, HasSubstr(R"(leader_election_master_status{name="upkeep-leader"} 1)"));
}

TEST(MetricsTest, StartsEveryReconcileResultAtZero) {
  Metrics metrics;
  metrics.ForController("c");
  const std::string text = metrics.Render();
  for (const char* result : {"success", "error", "requeue", "requeue_after"}) {
    EXPECT_THAT(
        text,
        HasSubstr(std::string(R"(controller_runtime_reconcile_total{controller="c",result=")") +
                  result + "\"} 0"));
  }
}

TEST(MetricsTest, UsesControllerRuntimeHistogramBuckets) {
  Metrics metrics;
  metrics.ForController("c").RecordReconcile(kReconcileRequeueAfter, milliseconds(30));
  std::unique_ptr<WorkQueueMetrics> q = metrics.ForWorkQueue("c", nullptr, nullptr);
  q->Started(std::chrono::microseconds(5));
  const std::string text = metrics.Render();
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(controller_runtime_reconcile_time_seconds_bucket{controller="c",le="0.025"} 0)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(controller_runtime_reconcile_time_seconds_bucket{controller="c",le="0.05"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(controller_runtime_reconcile_time_seconds_bucket{controller="c",le="60"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(workqueue_queue_duration_seconds_bucket{controller="c",name="c",le="1e-05"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(
          R"(workqueue_queue_duration_seconds_bucket{controller="c",name="c",le="1e-06"} 0)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(workqueue_queue_duration_seconds_bucket{controller="c",name="c",le="1000"} 1)"));
  EXPECT_THAT(
      text,
      HasSubstr(R"(controller_runtime_reconcile_total{controller="c",result="requeue_after"} 1)"));
}

TEST(MetricsTest, ForControllerReturnsTheSameSeries) {
  Metrics metrics;
  EXPECT_EQ(&metrics.ForController("a"), &metrics.ForController("a"));
  EXPECT_NE(&metrics.ForController("a"), &metrics.ForController("b"));
  metrics.ForController("a").IncActiveWorkers();
  metrics.ForController("a").IncActiveWorkers();
  metrics.ForController("a").DecActiveWorkers();
  EXPECT_THAT(metrics.Render(),
              HasSubstr(R"(controller_runtime_active_workers{controller="a"} 1)"));
}

TEST(MetricsTest, WorkQueueGaugesAreReadAtScrapeTime) {
  Metrics metrics;
  std::atomic<double> unfinished = 1.5;
  std::atomic<double> longest = 0.25;
  std::unique_ptr<PrometheusWorkQueueMetrics> q = metrics.ForWorkQueue(
      "q", [&] { return unfinished.load(); }, [&] { return longest.load(); });
  EXPECT_THAT(metrics.Render(),
              HasSubstr(R"(workqueue_unfinished_work_seconds{controller="q",name="q"} 1.5)"));
  unfinished = 7;
  longest = 3;
  const std::string text = metrics.Render();
  EXPECT_THAT(text, HasSubstr(R"(workqueue_unfinished_work_seconds{controller="q",name="q"} 7)"));
  EXPECT_THAT(
      text, HasSubstr(R"(workqueue_longest_running_processor_seconds{controller="q",name="q"} 3)"));
}

TEST(MetricsTest, StoppedGaugeCallbacksAreNeverCalledAgain) {
  Metrics metrics;
  std::atomic<int> calls = 0;
  std::unique_ptr<PrometheusWorkQueueMetrics> q = metrics.ForWorkQueue(
      "q", [&] { return double(++calls); }, nullptr);
  metrics.Render();
  EXPECT_EQ(calls, 1);
  q->StopGaugeCallbacks();
  metrics.Render();
  EXPECT_EQ(calls, 1);
  EXPECT_THAT(metrics.Render(),
              HasSubstr(R"(workqueue_unfinished_work_seconds{controller="q",name="q"} 1)"));
  q.reset();  // destroying it after Stop is fine, and scrapes go on
  metrics.Render();
  EXPECT_EQ(calls, 1);
}

TEST(MetricsTest, DestroyedWorkQueueMetricsStopTheirCallbacks) {
  Metrics metrics;
  std::atomic<int> calls = 0;
  metrics
      .ForWorkQueue(
          "q", [&] { return double(++calls); }, nullptr)
      .reset();
  metrics.Render();
  EXPECT_EQ(calls, 0);
}

TEST(MetricsTest, CollectableServesOwnMetricsRegisteredByReconcilers) {
  Metrics metrics;
  prometheus::BuildCounter()
      .Name("upkeep_backups_total")
      .Help("Backups taken")
      .Register(metrics.registry())
      .Add({{"policy", "nightly"}})
      .Increment();
  EXPECT_THAT(metrics.Render(), HasSubstr(R"(upkeep_backups_total{policy="nightly"} 1)"));
  EXPECT_FALSE(metrics.collectable()->Collect().empty());
}

TEST(MetricsTest, ConcurrentUpdatesAndScrapesAreSafe) {
  Metrics metrics;
  std::unique_ptr<PrometheusWorkQueueMetrics> q = metrics.ForWorkQueue(
      "q", [] { return 1.0; }, [] { return 1.0; });
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ControllerMetrics& c = metrics.ForController("c" + std::to_string(t % 2));
      for (int i = 0; i < 1000; ++i) {
        c.RecordReconcile(kReconcileSuccess, milliseconds(1));
        q->Added();
        metrics.RecordRestRequest("GET", "200", "h");
        if (i % 100 == 0) metrics.Render();
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_THAT(metrics.Render(), HasSubstr(R"(workqueue_adds_total{controller="q",name="q"} 4000)"));
  EXPECT_THAT(metrics.Render(),
              HasSubstr(R"(rest_client_requests_total{code="200",host="h",method="GET"} 4000)"));
}

}  // namespace
}  // namespace upkeep::controller
