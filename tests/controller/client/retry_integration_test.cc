// KubeClient's retries, rate limit and request metrics against a real `upkeep apiserver`
// whose fault injector answers 429 and 500.
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/client/api_error.h"
#include "controller/client/kube_client.h"
#include "tests/support/apiserver_process.h"

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;

// What ClientOptions::on_request saw.
class RequestLog {
 public:
  void Record(std::string_view method, std::string_view code, std::string_view host) {
    std::lock_guard<std::mutex> lock(mu_);
    entries_.push_back(std::string(method) + " " + std::string(code));
    host_ = host;
  }
  std::vector<std::string> Entries() {
    std::lock_guard<std::mutex> lock(mu_);
    return entries_;
  }
  std::string Host() {
    std::lock_guard<std::mutex> lock(mu_);
    return host_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> entries_;
  std::string host_;
};

class RetryIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  std::unique_ptr<KubeClient> NewClient(ClientOptions options = {}) {
    options.on_request = [this](std::string_view m, std::string_view c, std::string_view h) {
      log_.Record(m, c, h);
    };
    auto client = KubeClient::Create(server_->client_config(), options);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // Clears the faults from another thread after `delay`.
  std::jthread ClearFaultsAfter(milliseconds delay) {
    return std::jthread([this, delay] {
      std::this_thread::sleep_for(delay);
      EXPECT_TRUE(server_->ClearFaults().ok());
    });
  }

  std::unique_ptr<testing::ApiServerProcess> server_;
  RequestLog log_;
  const ResourceType cm_ = resources::ConfigMaps();
};

TEST_F(RetryIntegrationTest, ListWaitsOutTooManyRequestsHonouringRetryAfter) {
  auto client = NewClient();
  ASSERT_TRUE(server_->SetFaults({{"errorRate", 1.0},
                                  {"errorCode", 429},
                                  {"retryAfterSeconds", 1},
                                  {"verbs", "list"}})
                  .ok());
  auto start = std::chrono::steady_clock::now();
  std::jthread clearer = ClearFaultsAfter(milliseconds(1500));
  auto list = client->List(cm_, "default");
  ASSERT_TRUE(list.ok()) << list.status();
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(1500));
  // 429 at 0 s and 1 s (each then waits the full Retry-After second), 200 at 2 s.
  EXPECT_THAT(log_.Entries(), ::testing::ElementsAre("GET 429", "GET 429", "GET 200"));
  EXPECT_EQ("http://" + log_.Host(), server_->url());
}

TEST_F(RetryIntegrationTest, GetIsRetriedOnInternalErrors) {
  ClientOptions options;
  options.initial_backoff = milliseconds(100);
  auto client = NewClient(options);
  ASSERT_TRUE(client->Create(cm_, "default", {{"metadata", {{"name", "x"}}}}).ok());
  ASSERT_TRUE(
      server_->SetFaults({{"errorRate", 1.0}, {"errorCode", 500}, {"verbs", "get"}}).ok());
  std::jthread clearer = ClearFaultsAfter(milliseconds(300));
  auto got = client->Get(cm_, "default", "x");
  ASSERT_TRUE(got.ok()) << got.status();
  auto entries = log_.Entries();
  ASSERT_GE(entries.size(), 3u);  // the create, at least one 500, the 200
  EXPECT_EQ(entries[1], "GET 500");
  EXPECT_EQ(entries.back(), "GET 200");
}

TEST_F(RetryIntegrationTest, GivesUpAfterMaxRetries) {
  ClientOptions options;
  options.max_retries = 2;
  options.initial_backoff = milliseconds(10);
  auto client = NewClient(options);
  ASSERT_TRUE(
      server_->SetFaults({{"errorRate", 1.0}, {"errorCode", 503}, {"verbs", "get"}}).ok());
  auto got = client->Get(cm_, "default", "x");
  ASSERT_FALSE(got.ok());
  EXPECT_EQ(HttpCodeOf(got.status()), 503);
  EXPECT_TRUE(IsTransient(got.status()));
  EXPECT_EQ(log_.Entries().size(), 3u);
}

TEST_F(RetryIntegrationTest, CreateIsNotRetriedAfterReachingTheServer) {
  auto client = NewClient();
  ASSERT_TRUE(
      server_->SetFaults({{"errorRate", 1.0}, {"errorCode", 500}, {"verbs", "create"}}).ok());
  auto created = client->Create(cm_, "default", {{"metadata", {{"name", "once"}}}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(log_.Entries(), ::testing::ElementsAre("POST 500"));
}

TEST_F(RetryIntegrationTest, UnreachableServerIsATransientTransportError) {
  ClientConfig config;
  config.server = "http://127.0.0.1:1";
  config.source = "test";
  ClientOptions options;
  options.max_retries = 1;
  options.initial_backoff = milliseconds(10);
  options.on_request = [this](std::string_view m, std::string_view c, std::string_view h) {
    log_.Record(m, c, h);
  };
  auto client = KubeClient::Create(config, options);
  ASSERT_TRUE(client.ok()) << client.status();
  // Create too: a connection that never opened sent nothing, so retrying is safe.
  auto created = (*client)->Create(cm_, "default", {{"metadata", {{"name", "x"}}}});
  ASSERT_FALSE(created.ok());
  EXPECT_EQ(created.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(IsTransient(created.status()));
  EXPECT_EQ(HttpCodeOf(created.status()), 0);
  EXPECT_THAT(created.status().message(), ::testing::HasSubstr("create configmaps default/x: "));
  EXPECT_THAT(log_.Entries(), ::testing::ElementsAre("POST <error>", "POST <error>"));
  EXPECT_EQ(log_.Host(), "127.0.0.1:1");
}

TEST_F(RetryIntegrationTest, ClientSideRateLimitPacesRequests) {
  ClientOptions options;
  options.qps = 10;
  options.burst = 1;
  auto client = NewClient(options);
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(client->List(cm_, "default").ok());
  // One at once, then five at 100 ms intervals.
  EXPECT_GE(std::chrono::steady_clock::now() - start, milliseconds(450));
}

TEST_F(RetryIntegrationTest, PerRequestTimeout) {
  ClientOptions options;
  options.timeout = milliseconds(300);
  options.max_retries = 0;
  auto client = NewClient(options);
  ASSERT_TRUE(server_->SetFaults({{"latencyMs", 2000}}).ok());
  auto start = std::chrono::steady_clock::now();
  auto list = client->List(cm_, "default");
  ASSERT_FALSE(list.ok());
  EXPECT_TRUE(IsTransient(list.status())) << list.status();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_THAT(log_.Entries(), ::testing::ElementsAre("GET <error>"));
}

}  // namespace
}  // namespace upkeep::controller
