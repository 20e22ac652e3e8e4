// The informer against a real `upkeep apiserver` process: changes arrive, and the cache ends
// at the server's final state through watch drops, 410 Gone, 500 and 429.
#include <atomic>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "controller/client/api_error.h"
#include "controller/informer/informer.h"
#include "controller/informer/informer_factory.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"

namespace upkeep::controller {
namespace {

using testing::ApiServerProcess;
using testing::Eventually;

nlohmann::json ConfigMap(const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", "default"}}},
          {"data", {{"v", value}}}};
}

class InformerIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start({.extra_args = {"--bookmark-interval-ms", "200"}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto client = KubeClient::Create(server_->client_config());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    // The writer has a client of its own, so faults aimed at the informer's verbs still
    // let the test's writes through when they are not affected.
    ClientOptions writer_options;
    writer_options.max_retries = 20;
    writer_options.initial_backoff = std::chrono::milliseconds(20);
    writer_options.max_backoff = std::chrono::milliseconds(200);
    auto writer = KubeClient::Create(server_->client_config(), writer_options);
    ASSERT_TRUE(writer.ok()) << writer.status();
    writer_ = std::move(*writer);
  }

  // The server's view: name -> data.v, read after faults are cleared.
  std::map<std::string, std::string> ServerState() {
    std::map<std::string, std::string> state;
    auto list = writer_->List(resources::ConfigMaps(), "default");
    EXPECT_TRUE(list.ok()) << list.status();
    if (!list.ok()) return state;
    for (const auto& item : (*list)["items"]) {
      state[item["metadata"]["name"]] = item["data"].value("v", "");
    }
    return state;
  }

  static std::map<std::string, std::string> CacheState(const Informer& informer) {
    std::map<std::string, std::string> state;
    for (const auto& item : informer.Cache().List("default")) {
      state[item["metadata"]["name"]] = item["data"].value("v", "");
    }
    return state;
  }

  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<KubeClient> client_;
  std::unique_ptr<KubeClient> writer_;
};

// What the handlers were told, folded into a state: it must match the cache and the server.
struct HandlerView {
  std::mutex mu;
  std::map<std::string, std::string> state;
  std::atomic<int> adds{0}, updates{0}, deletes{0};

  EventHandler Handler() {
    EventHandler h;
    h.on_add = [this](const nlohmann::json& o) {
      std::lock_guard<std::mutex> lock(mu);
      state[o["metadata"]["name"]] = o["data"].value("v", "");
      ++adds;
    };
    h.on_update = [this](const nlohmann::json&, const nlohmann::json& o) {
      std::lock_guard<std::mutex> lock(mu);
      state[o["metadata"]["name"]] = o["data"].value("v", "");
      ++updates;
    };
    h.on_delete = [this](const nlohmann::json& o) {
      std::lock_guard<std::mutex> lock(mu);
      state.erase(o["metadata"]["name"].get<std::string>());
      ++deletes;
    };
    return h;
  }
  std::map<std::string, std::string> Snapshot() {
    std::lock_guard<std::mutex> lock(mu);
    return state;
  }
};

TEST_F(InformerIntegrationTest, ListsThenDeliversAddsUpdatesAndDeletes) {
  ASSERT_TRUE(writer_->Create(resources::ConfigMaps(), "default", ConfigMap("before", "1")).ok());
  InformerOptions options;
  options.namespace_ = "default";
  Informer informer(*client_, resources::ConfigMaps(), options);
  HandlerView view;
  informer.AddEventHandler(view.Handler());
  std::jthread run([&](std::stop_token stop) { informer.Run(stop); });
  ASSERT_TRUE(informer.WaitForSync({}, std::chrono::seconds(20)));
  EXPECT_EQ(view.Snapshot(), (std::map<std::string, std::string>{{"before", "1"}}));

  ASSERT_TRUE(writer_->Create(resources::ConfigMaps(), "default", ConfigMap("after", "2")).ok());
  ASSERT_TRUE(writer_
                  ->Patch(resources::ConfigMaps(), "default", "before", PatchType::kMerge,
                          {{"data", {{"v", "3"}}}})
                  .ok());
  ASSERT_TRUE(writer_->Delete(resources::ConfigMaps(), "default", "after").ok());
  ASSERT_TRUE(Eventually([&] { return view.deletes.load() == 1; }));
  EXPECT_EQ(view.Snapshot(), (std::map<std::string, std::string>{{"before", "3"}}));
  EXPECT_EQ(CacheState(informer), view.Snapshot());
  EXPECT_EQ(view.adds.load(), 2);
  EXPECT_EQ(view.updates.load(), 1);
  EXPECT_EQ(informer.ListCount(), 1);
}

// A manager stopped while it waits for its caches (stop requested before the wait even
// began) must return, not deadlock on the informer's own lock.
TEST_F(InformerIntegrationTest, WaitForSyncReturnsAtOnceWhenStopWasAlreadyRequested) {
  Informer informer(*client_, resources::ConfigMaps(), InformerOptions{});
  std::stop_source stopped;
  stopped.request_stop();
  EXPECT_FALSE(informer.WaitForSync(stopped.get_token(), std::chrono::seconds(20)));
  std::jthread run([&](std::stop_token) { informer.Run(stopped.get_token()); });
  run.join();  // Run's backoff sleep returns as well
  EXPECT_FALSE(informer.HasSynced());
}

TEST_F(InformerIntegrationTest, SurvivesDropsGoneServerErrorsAndThrottlingWithoutLosingState) {
  InformerOptions options;
  options.namespace_ = "default";
  options.initial_backoff = std::chrono::milliseconds(50);
  options.max_backoff = std::chrono::milliseconds(400);
  Informer informer(*client_, resources::ConfigMaps(), options);
  HandlerView view;
  informer.AddEventHandler(view.Handler());
  std::jthread run([&](std::stop_token stop) { informer.Run(stop); });
  ASSERT_TRUE(informer.WaitForSync({}, std::chrono::seconds(20)));

  auto write_round = [&](int round) {
    for (int i = 0; i < 10; ++i) {
      std::string name = "cm-" + std::to_string(i);
      std::string value = std::to_string(round);
      absl::Status st;
      if ((i + round) % 4 == 0) {
        st = writer_->Delete(resources::ConfigMaps(), "default", name);
        if (controller::IsNotFound(st)) st = absl::OkStatus();
      } else {
        auto created = writer_->Create(resources::ConfigMaps(), "default", ConfigMap(name, value));
        st = created.status();
        if (controller::IsAlreadyExists(st)) {
          st = writer_
                   ->Patch(resources::ConfigMaps(), "default", name, PatchType::kMerge,
                           {{"data", {{"v", value}}}})
                   .status();
        }
      }
      ASSERT_TRUE(st.ok()) << st;
    }
  };

  write_round(1);
  // A dropped watch: the informer resumes from its last resourceVersion.
  ASSERT_TRUE(Eventually([&] { return view.Snapshot() == ServerState(); }));
  ASSERT_TRUE(server_->DropWatches().ok());
  write_round(2);
  ASSERT_TRUE(Eventually([&] { return view.Snapshot() == ServerState(); }));

  // 410 Gone: the history it would resume from is compacted while it is cut off, and what
  // happened meanwhile (deletions too) must come from the relist.
  int lists_before = informer.ListCount();
  ASSERT_TRUE(server_->SetFaults({{"errorRate", 1.0}, {"errorCode", 500}, {"verbs", "watch"}}).ok());
  ASSERT_TRUE(server_->DropWatches().ok());
  write_round(3);
  ASSERT_TRUE(server_->Compact().ok());
  ASSERT_TRUE(server_->ClearFaults().ok());
  ASSERT_TRUE(Eventually([&] { return view.Snapshot() == ServerState(); }));
  EXPECT_GT(informer.ListCount(), lists_before) << "a 410 must lead to a relist";

  // 429 and 500 on lists and watches for a while, with the watch broken and history gone.
  ASSERT_TRUE(server_->SetFaults({{"errorRate", 0.7},
                                  {"errorCode", 429},
                                  {"retryAfterSeconds", 0},
                                  {"verbs", "list,watch"}})
                  .ok());
  ASSERT_TRUE(server_->DropWatches().ok());
  write_round(4);
  ASSERT_TRUE(server_->Compact().ok());
  ASSERT_TRUE(server_->SetFaults({{"errorRate", 0.5}, {"errorCode", 500}, {"verbs", "list,watch"}}).ok());
  ASSERT_TRUE(server_->DropWatches().ok());
  write_round(5);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_TRUE(server_->ClearFaults().ok());
  ASSERT_TRUE(Eventually([&] { return view.Snapshot() == ServerState(); }))
      << "handlers saw " << view.Snapshot().size() << " objects";
  EXPECT_EQ(CacheState(informer), ServerState());
}

TEST_F(InformerIntegrationTest, FactorySharesOneInformerPerTypeAndReportsSync) {
  InformerFactory factory(*client_, {});
  Informer& a = factory.For(resources::ConfigMaps());
  Informer& b = factory.For(resources::ConfigMaps());
  EXPECT_EQ(&a, &b);
  Informer& secrets = factory.For(resources::Secrets());
  EXPECT_NE(&a, &secrets);
  factory.Start();
  EXPECT_TRUE(factory.WaitForCacheSync(std::chrono::seconds(20)));
  EXPECT_TRUE(factory.AllSynced());
  // Asked for after Start: started at once.
  Informer& late = factory.For(resources::Namespaces());
  EXPECT_TRUE(late.WaitForSync({}, std::chrono::seconds(20)));
  EXPECT_GE(late.Cache().Size(), 3u);  // default, kube-system, kube-public
  factory.Stop();
}

}  // namespace
}  // namespace upkeep::controller
