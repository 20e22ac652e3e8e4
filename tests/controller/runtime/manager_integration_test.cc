// The Manager in-process against a real `upkeep apiserver`: /readyz turns ready once caches
// sync, /metrics carries controller-runtime's names with sensible values, and Events written
// through the recorder reach the API server.
#include <regex>
#include <thread>

#include <gtest/gtest.h>

#include "controller/events/event_recorder.h"
#include "controller/runtime/manager.h"
#include "tests/controller/metrics/http_get.h"
#include "tests/controller/runtime/test_reconciler.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"

namespace upkeep::controller {
namespace {

using namespace std::chrono_literals;
using testing::ApiServerProcess;
using testing::Eventually;
using testing_http::HttpGet;

// The value of the first sample line starting with `series` (name plus labels), or -1.
double Sample(const std::string& text, const std::string& series) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(series, 0) == 0 && line.size() > series.size() && line[series.size()] == ' ') {
      return std::stod(line.substr(series.size() + 1));
    }
  }
  return -1;
}

TEST(ManagerIntegrationTest, ServesProbesAndControllerRuntimeMetricsWhileReconciling) {
  auto server = ApiServerProcess::Start();
  ASSERT_TRUE(server.ok()) << server.status();
  ManagerOptions options;
  options.client_config = (*server)->client_config();
  options.leader_elect = true;
  options.leader_election_namespace = "default";
  options.lease_duration = 2s;
  options.renew_deadline = 1500ms;
  options.retry_period = 300ms;
  options.metrics_bind_address = "127.0.0.1:0";
  options.health_probe_bind_address = "127.0.0.1:0";
  auto manager = Manager::Create(options);
  ASSERT_TRUE(manager.ok()) << manager.status();
  Manager& m = **manager;

  std::atomic<int> calls{0};
  RecordingReconciler reconciler([&](const nlohmann::json& object, ReconcileContext& ctx)
                                     -> absl::StatusOr<Action> {
    if (calls.fetch_add(1) == 0) {
      ctx.events->Normal(object, "Checked", "Reconcile", "looked at it");
      return absl::UnavailableError("first try fails");
    }
    return Action::AwaitChange();
  });
  ControllerOptions controller_options;
  controller_options.name = "configmap";
  m.AddController(controller_options, resources::ConfigMaps(), reconciler);

  std::stop_source stop;
  absl::Status result;
  std::thread run([&] { result = m.Run(stop.get_token()); });
  ASSERT_TRUE(Eventually([&] { return m.health_probe_port() != 0 && m.metrics_port() != 0; }));
  EXPECT_EQ(HttpGet(m.health_probe_port(), "/healthz").status, 200);
  ASSERT_TRUE(Eventually([&] { return HttpGet(m.health_probe_port(), "/readyz").status == 200; }));
  ASSERT_TRUE(Eventually([&] { return m.IsLeader(); }));

  nlohmann::json cm = {{"apiVersion", "v1"},
                       {"kind", "ConfigMap"},
                       {"metadata", {{"name", "a"}, {"namespace", "default"}}},
                       {"data", {{"v", "1"}}}};
  ASSERT_TRUE(m.client().Create(resources::ConfigMaps(), "default", cm).ok());
  ASSERT_TRUE(Eventually([&] { return calls.load() >= 2; }));

  std::string text;
  const std::string c = "{controller=\"configmap\"";
  ASSERT_TRUE(Eventually([&] {
    text = HttpGet(m.metrics_port(), "/metrics").body;
    return Sample(text, "controller_runtime_reconcile_total" + c + ",result=\"success\"}") >= 1;
  })) << text;
  EXPECT_GE(Sample(text, "controller_runtime_reconcile_total" + c + ",result=\"error\"}"), 1);
  EXPECT_GE(Sample(text, "controller_runtime_reconcile_errors_total" + c + "}"), 1);
  EXPECT_EQ(Sample(text, "controller_runtime_terminal_reconcile_errors_total" + c + "}"), 0);
  EXPECT_GE(Sample(text, "controller_runtime_reconcile_time_seconds_count" + c + "}"), 2);
  EXPECT_EQ(Sample(text, "controller_runtime_active_workers" + c + "}"), 0);
  EXPECT_EQ(Sample(text, "controller_runtime_max_concurrent_reconciles" + c + "}"), 1);
  EXPECT_NE(text.find("workqueue_depth{"), std::string::npos);
  std::smatch match;
  ASSERT_TRUE(std::regex_search(text, match, std::regex(R"(workqueue_adds_total\{[^}]*\} (\d+))")));
  EXPECT_GE(std::stoi(match[1]), 2);
  ASSERT_TRUE(std::regex_search(text, match, std::regex(R"(workqueue_retries_total\{[^}]*\} (\d+))")));
  EXPECT_GE(std::stoi(match[1]), 1);
  EXPECT_NE(text.find("workqueue_queue_duration_seconds_bucket{"), std::string::npos);
  EXPECT_NE(text.find("workqueue_work_duration_seconds_bucket{"), std::string::npos);
  EXPECT_NE(text.find("workqueue_unfinished_work_seconds{"), std::string::npos);
  EXPECT_NE(text.find("workqueue_longest_running_processor_seconds{"), std::string::npos);
  ASSERT_TRUE(std::regex_search(
      text, match,
      std::regex(R"re(rest_client_requests_total\{code="200",host="127\.0\.0\.1:\d+",method="GET"\} (\d+))re")))
      << text;
  EXPECT_GE(std::stoi(match[1]), 1);
  EXPECT_EQ(Sample(text, "leader_election_master_status{name=\"upkeep-controller-leader\"}"), 1)
      << text;

  // The Event reached the API server (events.k8s.io/v1, about the ConfigMap).
  ASSERT_TRUE(Eventually([&] {
    auto events = m.client().List(resources::Events(), "default");
    if (!events.ok()) return false;
    for (const auto& e : (*events)["items"]) {
      if (e.value("reason", "") == "Checked" && e["regarding"].value("name", "") == "a") return true;
    }
    return false;
  }));

  stop.request_stop();
  run.join();
  EXPECT_TRUE(result.ok()) << result;
  // Released on shutdown.
  auto lease = m.client().Get(resources::Leases(), "default", "upkeep-controller-leader");
  ASSERT_TRUE(lease.ok()) << lease.status();
  EXPECT_EQ((*lease)["spec"].value("holderIdentity", ""), "");
}

}  // namespace
}  // namespace upkeep::controller
