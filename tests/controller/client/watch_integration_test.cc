// KubeClient::Watch against a real `upkeep apiserver` with 200 ms bookmarks.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/client/api_error.h"
#include "controller/client/http_transport.h"
#include "controller/client/kube_client.h"
#include "tests/support/apiserver_process.h"

namespace upkeep::controller {
namespace {

using nlohmann::json;
using std::chrono::milliseconds;
using std::chrono::seconds;

// Events seen by a watch running on its own thread.
class EventLog {
 public:
  bool Add(WatchEvent&& e) {
    std::lock_guard<std::mutex> lock(mu_);
    events_.push_back(std::move(e));
    cv_.notify_all();
    return true;
  }
  // Waits until `done` holds for the events so far.
  bool WaitFor(const std::function<bool(const std::vector<WatchEvent>&)>& done,
               milliseconds timeout = seconds(10)) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return done(events_); });
  }
  std::vector<WatchEvent> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<WatchEvent> events_;
};

int Count(const std::vector<WatchEvent>& events, const std::string& type) {
  int n = 0;
  for (const auto& e : events) n += e.type == type ? 1 : 0;
  return n;
}

class WatchIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ApiServerProcessOptions options;
    options.extra_args = {"--bookmark-interval-ms", "200"};
    auto server = testing::ApiServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    ClientOptions client_options;
    client_options.qps = 0;
    client_options.initial_backoff = milliseconds(20);
    auto client = KubeClient::Create(server_->client_config(), client_options);
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
  }

  std::string CurrentResourceVersion() {
    auto list = client_->List(cm_, "default");
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? (*list)["metadata"].value("resourceVersion", "") : "";
  }

  static json ConfigMap(const std::string& name) {
    return {{"metadata", {{"name", name}, {"namespace", "default"}}}, {"data", {{"k", "v"}}}};
  }

  std::unique_ptr<testing::ApiServerProcess> server_;
  std::unique_ptr<KubeClient> client_;
  const ResourceType cm_ = resources::ConfigMaps();
};

TEST_F(WatchIntegrationTest, ReceivesAddedModifiedDeletedAndBookmarks) {
  WatchOptions options;
  options.resource_version = CurrentResourceVersion();
  EventLog log;
  std::stop_source stop;
  absl::Status result;
  std::thread watcher([&] {
    result = client_->Watch(cm_, "default", options,
                            [&](WatchEvent&& e) { return log.Add(std::move(e)); },
                            stop.get_token());
  });
  // The first bookmark shows the watch is established.
  ASSERT_TRUE(log.WaitFor([](const auto& ev) { return Count(ev, "BOOKMARK") >= 1; }));
  ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("w")).ok());
  ASSERT_TRUE(client_->Patch(cm_, "default", "w", PatchType::kMerge, {{"data", {{"k", "2"}}}})
                  .ok());
  ASSERT_TRUE(client_->Delete(cm_, "default", "w").ok());
  ASSERT_TRUE(log.WaitFor([](const auto& ev) { return Count(ev, "DELETED") == 1; }));
  stop.request_stop();
  watcher.join();
  EXPECT_TRUE(result.ok()) << result;

  std::vector<std::string> types;
  for (const auto& e : log.Events()) {
    if (e.type != "BOOKMARK") types.push_back(e.type);
    if (e.type == "BOOKMARK") {
      EXPECT_FALSE(e.object["metadata"].value("resourceVersion", "").empty());
    } else {
      EXPECT_EQ(e.object["metadata"]["name"], "w");
    }
  }
  EXPECT_THAT(types, ::testing::ElementsAre("ADDED", "MODIFIED", "DELETED"));
}

TEST_F(WatchIntegrationTest, SendInitialEventsListsFirstThenBookmarks) {
  ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("existing")).ok());
  WatchOptions options;
  options.send_initial_events = true;
  EventLog log;
  std::stop_source stop;
  std::thread watcher([&] {
    (void)client_->Watch(cm_, "default", options,
                         [&](WatchEvent&& e) { return log.Add(std::move(e)); },
                         stop.get_token());
  });
  bool ended = log.WaitFor([](const auto& ev) {
    for (const auto& e : ev) {
      if (e.type == "BOOKMARK" &&
          e.object["metadata"].value("annotations", json::object())
                  .value("k8s.io/initial-events-end", "") == "true") {
        return true;
      }
    }
    return false;
  });
  stop.request_stop();
  watcher.join();
  ASSERT_TRUE(ended);
  auto events = log.Events();
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].type, "ADDED");
  EXPECT_EQ(events[0].object["metadata"]["name"], "existing");
}

TEST_F(WatchIntegrationTest, StopsPromptlyWhenStopIsRequested) {
  WatchOptions options;
  options.resource_version = CurrentResourceVersion();
  options.allow_bookmarks = false;  // nothing arrives: the read is blocked
  std::stop_source stop;
  std::atomic<bool> returned{false};
  absl::Status result;
  std::thread watcher([&] {
    result = client_->Watch(cm_, "default", options, [](WatchEvent&&) { return true; },
                            stop.get_token());
    returned = true;
  });
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_FALSE(returned);
  auto asked = std::chrono::steady_clock::now();
  stop.request_stop();
  watcher.join();
  EXPECT_LT(std::chrono::steady_clock::now() - asked, milliseconds(500));
  EXPECT_TRUE(result.ok()) << result;
}

TEST_F(WatchIntegrationTest, ReturnsWhenTheCallbackDeclines) {
  WatchOptions options;
  options.resource_version = CurrentResourceVersion();
  int calls = 0;
  absl::Status result = client_->Watch(cm_, "default", options, [&](WatchEvent&&) {
    ++calls;
    return false;
  });
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_EQ(calls, 1);  // the first bookmark
}

TEST_F(WatchIntegrationTest, EndsWhenTheServerEndsTheWatch) {
  WatchOptions options;
  options.resource_version = CurrentResourceVersion();
  options.timeout_seconds = 1;
  auto start = std::chrono::steady_clock::now();
  absl::Status result =
      client_->Watch(cm_, "default", options, [](WatchEvent&&) { return true; });
  EXPECT_TRUE(result.ok()) << result;
  EXPECT_LT(std::chrono::steady_clock::now() - start, seconds(5));
}

TEST_F(WatchIntegrationTest, DroppedWatchReturns) {
  WatchOptions options;
  options.resource_version = CurrentResourceVersion();
  EventLog log;
  std::atomic<bool> returned{false};
  std::thread watcher([&] {
    (void)client_->Watch(cm_, "default", options,
                         [&](WatchEvent&& e) { return log.Add(std::move(e)); });
    returned = true;
  });
  ASSERT_TRUE(log.WaitFor([](const auto& ev) { return !ev.empty(); }));
  auto dropped = server_->DropWatches();
  ASSERT_TRUE(dropped.ok()) << dropped.status();
  EXPECT_EQ(*dropped, 1);
  watcher.join();
  EXPECT_TRUE(returned);
}

TEST_F(WatchIntegrationTest, CompactedStartIsGone) {
  const std::string old_rv = CurrentResourceVersion();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client_->Create(cm_, "default", ConfigMap("c" + std::to_string(i))).ok());
  }
  ASSERT_TRUE(server_->Compact().ok());
  WatchOptions options;
  options.resource_version = old_rv;
  absl::Status result =
      client_->Watch(cm_, "default", options, [](WatchEvent&&) { return true; });
  EXPECT_TRUE(IsGone(result)) << result;
  EXPECT_THAT(result.message(), ::testing::HasSubstr("watch configmaps default: "));
}

TEST_F(WatchIntegrationTest, InjectedExpiryIsGone) {
  ASSERT_TRUE(server_->SetFaults({{"expireNextWatches", 1}}).ok());
  WatchOptions options;
  options.resource_version = CurrentResourceVersion();
  absl::Status result =
      client_->Watch(cm_, "default", options, [](WatchEvent&&) { return true; });
  EXPECT_TRUE(IsGone(result)) << result;
}

// cpprestsdk's timeout restarts with every read, also while a body streams: a watch quieter
// than the timeout is cut, one with regular bookmarks is not. KubeClient therefore gives
// watches their own, longer timeout.
TEST_F(WatchIntegrationTest, CpprestTimeoutIsAnIdleTimeoutOnStreams) {
  auto transport = HttpTransport::Create(server_->client_config(), seconds(30), "test");
  ASSERT_TRUE(transport.ok()) << transport.status();
  std::string rv = CurrentResourceVersion();

  HttpCall quiet{"GET", "/api/v1/namespaces/default/configmaps?watch=1&resourceVersion=" + rv,
                 "", ""};
  auto start = std::chrono::steady_clock::now();
  auto opened = (*transport)->Open(quiet, seconds(1), pplx::cancellation_token_source());
  ASSERT_TRUE(opened.stream) << opened.reply.error;
  auto line = opened.stream->ReadLine();
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_FALSE(line.ok());
  EXPECT_GE(elapsed, milliseconds(900));
  EXPECT_LT(elapsed, seconds(5));

  // Writes every 200 ms keep a second stream busy for 3 s: it outlives the 1 s timeout.
  std::jthread writer([this](std::stop_token stop) {
    for (int i = 0; !stop.stop_requested(); ++i) {
      EXPECT_TRUE(client_->Create(cm_, "default", ConfigMap("busy-" + std::to_string(i))).ok());
      std::this_thread::sleep_for(milliseconds(200));
    }
  });
  auto busy = (*transport)->Open(quiet, seconds(1), pplx::cancellation_token_source());
  ASSERT_TRUE(busy.stream) << busy.reply.error;
  start = std::chrono::steady_clock::now();
  int events = 0;
  while (std::chrono::steady_clock::now() - start < seconds(3)) {
    auto event = busy.stream->ReadLine();
    ASSERT_TRUE(event.ok()) << event.status() << " after " << events << " events";
    ASSERT_TRUE(event->has_value());
    ++events;
  }
  EXPECT_GE(events, 10);
}

}  // namespace
}  // namespace upkeep::controller
