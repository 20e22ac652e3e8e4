// KubeEventRecorder against a real `upkeep apiserver`: Events appear where users look for
// them, and a storm of repeats becomes one Event with a series count.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/client/kube_client.h"
#include "controller/client/resource_type.h"
#include "controller/clock/clock.h"
#include "controller/events/kube_event_recorder.h"
#include "tests/support/apiserver_process.h"

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

class KubeEventRecorderIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    auto client = KubeClient::Create(server_->client_config());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = *std::move(client);
    auto created = client_->Create(resources::ConfigMaps(), "default",
                                   {{"apiVersion", "v1"},
                                    {"kind", "ConfigMap"},
                                    {"metadata", {{"name", "app"}, {"namespace", "default"}}},
                                    {"data", {{"k", "v"}}}});
    ASSERT_TRUE(created.ok()) << created.status();
    config_map_ = *created;
  }

  // The Events in `namespace_`, polled until `done` holds for them (or 10 s pass).
  nlohmann::json WaitForEvents(const std::string& namespace_,
                               const std::function<bool(const nlohmann::json&)>& done) {
    nlohmann::json items = nlohmann::json::array();
    const auto deadline = std::chrono::steady_clock::now() + seconds(10);
    while (std::chrono::steady_clock::now() < deadline) {
      auto list = client_->List(resources::Events(), namespace_);
      if (list.ok()) {
        items = (*list)["items"];
        if (done(items)) break;
      }
      std::this_thread::sleep_for(milliseconds(50));
    }
    return items;
  }

  std::unique_ptr<testing::ApiServerProcess> server_;
  std::unique_ptr<KubeClient> client_;
  nlohmann::json config_map_;
};

TEST_F(KubeEventRecorderIntegrationTest, EventAppearsInTheObjectsNamespace) {
  KubeEventRecorder recorder(*client_, RealClock::Get(), "upkeep-0");
  recorder.Normal(config_map_, "Synced", "Reconcile", "configuration applied");

  const nlohmann::json items =
      WaitForEvents("default", [](const nlohmann::json& items) { return items.size() == 1; });
  ASSERT_EQ(items.size(), 1u) << items.dump();
  const nlohmann::json& event = items[0];
  EXPECT_EQ(event["type"], "Normal");
  EXPECT_EQ(event["reason"], "Synced");
  EXPECT_EQ(event["action"], "Reconcile");
  EXPECT_EQ(event["note"], "configuration applied");
  EXPECT_EQ(event["reportingController"], "upkeep.dev/upkeep");
  EXPECT_EQ(event["reportingInstance"], "upkeep-0");
  EXPECT_EQ(event["regarding"]["kind"], "ConfigMap");
  EXPECT_EQ(event["regarding"]["name"], "app");
  EXPECT_EQ(event["regarding"]["uid"], config_map_["metadata"]["uid"]);
  EXPECT_EQ(event["metadata"]["name"].get<std::string>().rfind("app.", 0), 0u);
  EXPECT_FALSE(event.contains("series"));
}

TEST_F(KubeEventRecorderIntegrationTest, RepeatsBecomeOneEventWithSeriesCount) {
  KubeEventRecorderOptions options;
  options.series_flush_interval = milliseconds(200);
  KubeEventRecorder recorder(*client_, RealClock::Get(), "upkeep-0", options);
  for (int i = 0; i < 50; ++i) {
    recorder.Warning(config_map_, "SyncFailed", "Reconcile", "connection refused");
  }

  const nlohmann::json items = WaitForEvents("default", [](const nlohmann::json& items) {
    return items.size() == 1 && items[0].contains("series") && items[0]["series"]["count"] == 50;
  });
  ASSERT_EQ(items.size(), 1u) << items.dump();
  EXPECT_EQ(items[0]["series"]["count"], 50) << items.dump();
  EXPECT_TRUE(items[0]["series"]["lastObservedTime"].is_string());
  const KubeEventRecorder::Stats stats = recorder.GetStats();
  EXPECT_EQ(stats.created, 1u);
  // Batched: far fewer writes than repeats.
  EXPECT_LT(stats.series_patches, 10u);
}

TEST_F(KubeEventRecorderIntegrationTest, ClusterScopedObjectsEventsGoToDefault) {
  auto ns = client_->Get(resources::Namespaces(), "", "default");
  ASSERT_TRUE(ns.ok()) << ns.status();
  KubeEventRecorder recorder(*client_, RealClock::Get(), "upkeep-0");
  recorder.Normal(*ns, "Checked", "Inspect", "namespace is fine");
  const nlohmann::json items =
      WaitForEvents("default", [](const nlohmann::json& items) { return items.size() == 1; });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["regarding"]["kind"], "Namespace");
}

TEST_F(KubeEventRecorderIntegrationTest, ShutdownWritesPendingSeries) {
  KubeEventRecorderOptions options;
  options.series_flush_interval = std::chrono::hours(1);
  {
    KubeEventRecorder recorder(*client_, RealClock::Get(), "upkeep-0", options);
    for (int i = 0; i < 3; ++i) recorder.Warning(config_map_, "SyncFailed", "Sync", "boom");
  }  // the destructor flushes
  auto list = client_->List(resources::Events(), "default");
  ASSERT_TRUE(list.ok()) << list.status();
  ASSERT_EQ((*list)["items"].size(), 1u);
  EXPECT_EQ((*list)["items"][0]["series"]["count"], 3);
}

TEST_F(KubeEventRecorderIntegrationTest, SeriesOfDeletedEventIsCreatedAgain) {
  KubeEventRecorderOptions options;
  options.series_flush_interval = milliseconds(100);
  KubeEventRecorder recorder(*client_, RealClock::Get(), "upkeep-0", options);
  recorder.Warning(config_map_, "SyncFailed", "Sync", "boom");
  nlohmann::json items =
      WaitForEvents("default", [](const nlohmann::json& items) { return items.size() == 1; });
  ASSERT_EQ(items.size(), 1u);
  const std::string name = items[0]["metadata"]["name"];
  ASSERT_TRUE(client_->Delete(resources::Events(), "default", name).ok());

  recorder.Warning(config_map_, "SyncFailed", "Sync", "boom");
  items = WaitForEvents("default", [](const nlohmann::json& items) {
    return items.size() == 1 && items[0].contains("series");
  });
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0]["metadata"]["name"], name);
  EXPECT_EQ(items[0]["series"]["count"], 2);
}

TEST_F(KubeEventRecorderIntegrationTest, ServerErrorsNeverBlockTheCaller) {
  ASSERT_TRUE(
      server_->SetFaults({{"errorRate", 1.0}, {"errorCode", 500}, {"verbs", "create"}}).ok());
  std::vector<std::string> errors;
  std::mutex errors_mu;
  KubeEventRecorderOptions options;
  options.on_error = [&](const std::string& message, const absl::Status&) {
    std::lock_guard<std::mutex> lock(errors_mu);
    errors.push_back(message);
  };
  KubeEventRecorder recorder(*client_, RealClock::Get(), "upkeep-0", options);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    recorder.Warning(config_map_, "Reason" + std::to_string(i), "Sync", "boom");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(1));
  const auto deadline = std::chrono::steady_clock::now() + seconds(20);
  while (recorder.GetStats().write_failures < 20 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
  }
  EXPECT_EQ(recorder.GetStats().write_failures, 20u);
  EXPECT_EQ(recorder.GetStats().created, 0u);
  std::lock_guard<std::mutex> lock(errors_mu);
  EXPECT_EQ(errors.size(), 20u);
}

}  // namespace
}  // namespace upkeep::controller
