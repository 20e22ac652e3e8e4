// A controller with a test reconciler against a real `upkeep apiserver` process.
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "controller/client/api_error.h"
#include "controller/metrics/metrics.h"
#include "controller/runtime/controller.h"
#include "tests/controller/runtime/test_reconciler.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"

namespace upkeep::controller {
namespace {

using namespace std::chrono_literals;
using testing::ApiServerProcess;
using testing::Eventually;

nlohmann::json ConfigMap(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"data", {{"v", value}}}};
}

// client-go's default limiter, with a record of the delays it handed out.
class RecordingRateLimiter : public RateLimiter {
 public:
  explicit RecordingRateLimiter(const Clock& clock) : inner_(DefaultControllerRateLimiter(clock)) {}
  Clock::Duration When(const std::string& key) override {
    Clock::Duration d = inner_->When(key);
    std::lock_guard<std::mutex> lock(mu_);
    delays_.push_back(std::chrono::duration_cast<std::chrono::milliseconds>(d));
    return d;
  }
  void Forget(const std::string& key) override { inner_->Forget(key); }
  int NumRequeues(const std::string& key) override { return inner_->NumRequeues(key); }
  std::vector<std::chrono::milliseconds> Delays() {
    std::lock_guard<std::mutex> lock(mu_);
    return delays_;
  }

 private:
  std::unique_ptr<RateLimiter> inner_;
  std::mutex mu_;
  std::vector<std::chrono::milliseconds> delays_;
};

class ControllerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ClientOptions options;
    options.qps = 0;  // the test writes quickly
    auto client = KubeClient::Create(server_->client_config(), options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    informers_ = std::make_unique<InformerFactory>(*client_, InformerFactoryOptions{});
  }
  void TearDown() override {
    if (controller_) controller_->Stop();
    if (informers_) informers_->Stop();
  }

  // Reconcilers live in the fixture: workers may still be calling one when the test body
  // returns, until TearDown stops them.
  RecordingReconciler& NewReconciler(RecordingReconciler::Decide decide = nullptr) {
    reconcilers_.push_back(std::make_unique<RecordingReconciler>(std::move(decide)));
    return *reconcilers_.back();
  }

  Controller& MakeController(Reconciler& reconciler, const Clock& clock, int workers = 1,
                             Metrics* metrics = nullptr,
                             RecordingRateLimiter** limiter = nullptr) {
    ControllerDependencies deps{*client_, *informers_, clock, Logger(), metrics, nullptr};
    ControllerOptions options;
    options.name = "configmap";
    options.max_concurrent_reconciles = workers;
    if (limiter) {
      options.rate_limiter = [limiter](const Clock& c) {
        auto recording = std::make_unique<RecordingRateLimiter>(c);
        *limiter = recording.get();
        return recording;
      };
    }
    controller_ = std::make_unique<Controller>(options, resources::ConfigMaps(), reconciler, deps);
    return *controller_;
  }
  void StartAll() {
    informers_->Start();
    ASSERT_TRUE(informers_->WaitForCacheSync(20s));
    controller_->Start();
  }
  void Write(const std::string& name, const std::string& value) {
    auto created = client_->Create(resources::ConfigMaps(), "default", ConfigMap(name, value));
    if (controller::IsAlreadyExists(created.status())) {
      created = client_->Patch(resources::ConfigMaps(), "default", name, PatchType::kMerge,
                               {{"data", {{"v", value}}}});
    }
    ASSERT_TRUE(created.ok()) << created.status();
  }

  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<KubeClient> client_;
  std::vector<std::unique_ptr<RecordingReconciler>> reconcilers_;
  // Outlive the controller, which uses them from its threads until TearDown.
  Metrics metrics_;
  FakeClock fake_clock_;
  std::unique_ptr<InformerFactory> informers_;
  std::unique_ptr<Controller> controller_;
};

TEST_F(ControllerIntegrationTest, AChangeReachesTheReconcilerWithTheLatestObject) {
  RecordingReconciler& reconciler = NewReconciler();
  MakeController(reconciler, RealClock::Get());
  StartAll();
  Write("a", "1");
  ASSERT_TRUE(Eventually([&] {
    auto calls = reconciler.CallsFor("default/a");
    return !calls.empty() && calls.back().value == "1";
  }));
  Write("a", "2");
  ASSERT_TRUE(Eventually([&] {
    auto calls = reconciler.CallsFor("default/a");
    return !calls.empty() && calls.back().value == "2";
  }));
}

TEST_F(ControllerIntegrationTest, OneKeyIsNeverReconciledConcurrentlyButKeysRunInParallel) {
  RecordingReconciler& reconciler = NewReconciler();
  reconciler.set_hold(20ms);
  MakeController(reconciler, RealClock::Get(), /*workers=*/4);
  StartAll();
  for (int round = 0; round < 15; ++round) {
    for (const char* name : {"a", "b", "c", "d"}) Write(name, std::to_string(round));
  }
  // Every key ends at its last write.
  ASSERT_TRUE(Eventually([&] {
    for (const char* key : {"default/a", "default/b", "default/c", "default/d"}) {
      auto calls = reconciler.CallsFor(key);
      if (calls.empty() || calls.back().value != "14") return false;
    }
    return true;
  }));
  EXPECT_EQ(reconciler.MaxInFlightPerKey(), 1);
  EXPECT_GT(reconciler.MaxInFlightTotal(), 1) << "four workers should overlap on four keys";
}

TEST_F(ControllerIntegrationTest, RequeueAfterFiresWhenDueByTheControllerClock) {
  FakeClock& clock = fake_clock_;
  RecordingReconciler& reconciler = NewReconciler(
      [](const nlohmann::json&, ReconcileContext&) { return Action::RequeueAfter(10min); });
  MakeController(reconciler, clock);
  StartAll();
  Write("a", "1");
  ASSERT_TRUE(Eventually([&] { return reconciler.CallCount() == 1; }));
  clock.Advance(9min + 59s);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(reconciler.CallCount(), 1u) << "not due yet";
  clock.Advance(1s);
  ASSERT_TRUE(Eventually([&] { return reconciler.CallCount() == 2; }));
  auto calls = reconciler.Calls();
  EXPECT_EQ(calls[1].at - calls[0].at, 10min);
}

TEST_F(ControllerIntegrationTest, BackoffGrowsOnErrorsAndResetsOnSuccess) {
  FakeClock& clock = fake_clock_;
  auto failures = std::make_shared<std::atomic<int>>(5);
  std::atomic<int>& failures_left = *failures;
  RecordingReconciler& reconciler = NewReconciler([failures](const nlohmann::json&, ReconcileContext&)
                                     -> absl::StatusOr<Action> {
    if (failures->fetch_sub(1) > 0) return absl::UnavailableError("database not ready");
    return Action::AwaitChange();
  });
  RecordingRateLimiter* limiter = nullptr;
  MakeController(reconciler, clock, 1, nullptr, &limiter);
  StartAll();
  Write("a", "1");
  // Walk the fake clock forward in 1 ms steps, only while the key waits for its retry, so
  // each retry runs at its due time however slowly this machine runs.
  auto step_until = [&](size_t calls) {
    return Eventually([&] {
      if (reconciler.CallCount() >= calls) return true;
      if (controller_->queue().Waiting() > 0) clock.Advance(1ms);
      std::this_thread::sleep_for(1ms);
      return false;
    }, 60s, 0ms);
  };
  ASSERT_TRUE(step_until(6));
  auto calls = reconciler.CallsFor("default/a");
  ASSERT_GE(calls.size(), 6u);
  // client-go's per-item backoff: 5, 10, 20, 40, 80 ms, and no retry came before its time.
  EXPECT_EQ(limiter->Delays(), (std::vector<std::chrono::milliseconds>{5ms, 10ms, 20ms, 40ms, 80ms}));
  for (size_t i = 1; i < 6; ++i) {
    auto gap = std::chrono::duration_cast<std::chrono::milliseconds>(calls[i].at - calls[i - 1].at);
    EXPECT_GE(gap, 5ms * (1 << (i - 1))) << "retry " << i;
  }
  // After the success the backoff starts again from 5 ms.
  failures_left = 1;
  size_t before = reconciler.CallCount();
  Write("a", "2");
  ASSERT_TRUE(step_until(before + 2));
  calls = reconciler.CallsFor("default/a");
  EXPECT_EQ(limiter->Delays().size(), 6u);
  EXPECT_EQ(limiter->Delays().back(), 5ms);
  EXPECT_GE(calls[before + 1].at - calls[before].at, 5ms);
}

TEST_F(ControllerIntegrationTest, TerminalErrorsAreRecordedNotRetried) {
  FakeClock& clock = fake_clock_;
  Metrics& metrics = metrics_;
  RecordingReconciler& reconciler = NewReconciler([](const nlohmann::json&, ReconcileContext&)
                                     -> absl::StatusOr<Action> {
    return TerminalError(absl::InvalidArgumentError("spec.schedule: not a cron expression"));
  });
  MakeController(reconciler, clock, 1, &metrics);
  StartAll();
  Write("a", "1");
  ASSERT_TRUE(Eventually([&] { return reconciler.CallCount() == 1; }));
  clock.Advance(1h);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(reconciler.CallCount(), 1u);
  std::string text = metrics.Render();
  EXPECT_NE(text.find("controller_runtime_terminal_reconcile_errors_total{controller=\"configmap\"} 1"),
            std::string::npos)
      << text;
  // A change brings it back.
  Write("a", "2");
  ASSERT_TRUE(Eventually([&] { return reconciler.CallCount() == 2; }));
}

TEST_F(ControllerIntegrationTest, OwnedObjectsEnqueueTheirOwnerAndMappingsEnqueueWhatTheyName) {
  RecordingReconciler& reconciler = NewReconciler();
  Controller& controller = MakeController(reconciler, RealClock::Get());
  controller.Owns(resources::Secrets());
  controller.Watches(resources::Pods(), [](const nlohmann::json& pod) {
    std::vector<Request> requests;
    auto labels = pod["metadata"].value("labels", nlohmann::json::object());
    if (labels.contains("config")) requests.push_back({"default", labels["config"]});
    return requests;
  });
  StartAll();
  Write("owner", "1");
  ASSERT_TRUE(Eventually([&] { return reconciler.CallsFor("default/owner").size() == 1; }));
  auto owner = client_->Get(resources::ConfigMaps(), "default", "owner");
  ASSERT_TRUE(owner.ok());
  nlohmann::json secret = {
      {"apiVersion", "v1"},
      {"kind", "Secret"},
      {"metadata",
       {{"name", "owned"},
        {"namespace", "default"},
        {"ownerReferences",
         {{{"apiVersion", "v1"},
           {"kind", "ConfigMap"},
           {"name", "owner"},
           {"uid", (*owner)["metadata"]["uid"]},
           {"controller", true}}}}}},
      {"stringData", {{"k", "v"}}}};
  ASSERT_TRUE(client_->Create(resources::Secrets(), "default", secret).ok());
  ASSERT_TRUE(Eventually([&] { return reconciler.CallsFor("default/owner").size() == 2; }));

  nlohmann::json pod = {{"apiVersion", "v1"},
                        {"kind", "Pod"},
                        {"metadata", {{"name", "p"}, {"namespace", "default"},
                                      {"labels", {{"config", "owner"}}}}},
                        {"spec", {{"containers", {{{"name", "c"}, {"image", "busybox"}}}}}}};
  ASSERT_TRUE(client_->Create(resources::Pods(), "default", pod).ok());
  ASSERT_TRUE(Eventually([&] { return reconciler.CallsFor("default/owner").size() == 3; }));
}

TEST_F(ControllerIntegrationTest, DeletedObjectsAreNotReconciled) {
  RecordingReconciler& reconciler = NewReconciler();
  MakeController(reconciler, RealClock::Get());
  StartAll();
  Write("a", "1");
  ASSERT_TRUE(Eventually([&] { return reconciler.CallCount() == 1; }));
  ASSERT_TRUE(client_->Delete(resources::ConfigMaps(), "default", "a").ok());
  std::this_thread::sleep_for(200ms);
  EXPECT_EQ(reconciler.CallCount(), 1u);
}

}  // namespace
}  // namespace upkeep::controller
