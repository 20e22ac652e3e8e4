// Two LeaderElectors with their own clients against one real `upkeep apiserver`: exactly one
// leads, a released Lease passes on at once, an abandoned one only after its lease duration,
// and at no moment do both claim to lead. Real clock with short durations (lease 2 s, renew
// deadline 1.5 s, retry 0.3 s); time bounds are generous upper bounds, except the one the
// protocol guarantees (no takeover before the lease duration).
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "controller/client/kube_client.h"
#include "controller/client/resource_type.h"
#include "controller/clock/clock.h"
#include "controller/leaderelection/leader_elector.h"
#include "controller/object/kube_time.h"
#include "tests/support/apiserver_process.h"

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyTime = std::chrono::steady_clock::time_point;

constexpr char kLeaseNamespace[] = "default";
constexpr char kLeaseName[] = "upkeep-leader";

struct Candidate {
  std::unique_ptr<KubeClient> client;
  std::unique_ptr<LeaderElector> elector;
  std::atomic<int> started{0};
  std::atomic<int> stopped{0};
  std::jthread thread;

  void Start() {
    thread = std::jthread([this](std::stop_token stop) { elector->Run(stop); });
  }
  void Stop() {
    thread.request_stop();
    if (thread.joinable()) thread.join();
  }
};

class LeaderElectorIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = testing::ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }

  void TearDown() override {
    sampling_ = false;
    if (sampler_.joinable()) sampler_.join();
    for (auto& c : candidates_) c->Stop();
    EXPECT_EQ(both_leading_samples_, 0) << "both candidates claimed to lead at once";
  }

  Candidate& AddCandidate(const std::string& identity, bool release_on_cancel = true) {
    auto c = std::make_unique<Candidate>();
    ClientOptions options;
    options.timeout = milliseconds(1000);
    options.max_retries = 1;
    auto client = KubeClient::Create(server_->client_config(), options);
    EXPECT_TRUE(client.ok()) << client.status();
    c->client = *std::move(client);
    LeaderElectionConfig config;
    config.lease_namespace = kLeaseNamespace;
    config.lease_name = kLeaseName;
    config.identity = identity;
    config.lease_duration = seconds(2);
    config.renew_deadline = milliseconds(1500);
    config.retry_period = milliseconds(300);
    config.release_on_cancel = release_on_cancel;
    LeaderCallbacks callbacks;
    Candidate* raw = c.get();
    callbacks.on_started_leading = [raw] { raw->started++; };
    callbacks.on_stopped_leading = [raw] { raw->stopped++; };
    c->elector = std::make_unique<LeaderElector>(*c->client, RealClock::Get(), config, callbacks);
    candidates_.push_back(std::move(c));
    return *candidates_.back();
  }

  // Samples IsLeader() of both candidates every millisecond until TearDown.
  void StartSampling() {
    sampling_ = true;
    sampler_ = std::thread([this] {
      while (sampling_) {
        if (candidates_[0]->elector->IsLeader() && candidates_[1]->elector->IsLeader()) {
          both_leading_samples_++;
        }
        std::this_thread::sleep_for(milliseconds(1));
      }
    });
  }

  // Waits up to `timeout` for `condition`; returns when it held, or nullopt.
  static std::optional<SteadyTime> WaitFor(const std::function<bool()>& condition,
                                           std::chrono::steady_clock::duration timeout) {
    const SteadyTime deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return std::chrono::steady_clock::now();
      std::this_thread::sleep_for(milliseconds(2));
    }
    return std::nullopt;
  }

  nlohmann::json LeaseSpec() {
    auto client = KubeClient::Create(server_->client_config());
    EXPECT_TRUE(client.ok());
    auto lease = (*client)->Get(resources::Leases(), kLeaseNamespace, kLeaseName);
    EXPECT_TRUE(lease.ok()) << lease.status();
    return lease.ok() ? (*lease)["spec"] : nlohmann::json();
  }

  // The one that leads, after waiting for one to (nullptr if none does within 10 s).
  Candidate* WaitForLeader() {
    Candidate* leader = nullptr;
    WaitFor(
        [&] {
          for (auto& c : candidates_) {
            if (c->elector->IsLeader()) leader = c.get();
          }
          return leader != nullptr;
        },
        seconds(10));
    return leader;
  }

  Candidate& Other(const Candidate* c) {
    return candidates_[0].get() == c ? *candidates_[1] : *candidates_[0];
  }

  std::unique_ptr<testing::ApiServerProcess> server_;
  std::vector<std::unique_ptr<Candidate>> candidates_;
  std::thread sampler_;
  std::atomic<bool> sampling_{false};
  std::atomic<int> both_leading_samples_{0};
};

TEST_F(LeaderElectorIntegrationTest, ExactlyOneLeads) {
  AddCandidate("upkeep-a").Start();
  AddCandidate("upkeep-b").Start();
  StartSampling();
  Candidate* leader = WaitForLeader();
  ASSERT_NE(leader, nullptr);
  // Several lease durations: the leader keeps renewing, the other keeps waiting.
  std::this_thread::sleep_for(seconds(5));
  EXPECT_TRUE(leader->elector->IsLeader());
  EXPECT_FALSE(Other(leader).elector->IsLeader());
  EXPECT_EQ(leader->started, 1);
  EXPECT_EQ(leader->stopped, 0);
  EXPECT_EQ(Other(leader).started, 0);
  const nlohmann::json spec = LeaseSpec();
  EXPECT_EQ(spec["holderIdentity"], leader == candidates_[0].get() ? "upkeep-a" : "upkeep-b");
  EXPECT_EQ(spec["leaseDurationSeconds"], 2);
  EXPECT_EQ(Other(leader).elector->GetLeader(), spec["holderIdentity"]);
}

TEST_F(LeaderElectorIntegrationTest, ReleasedLeaseIsTakenOverQuickly) {
  AddCandidate("upkeep-a").Start();
  AddCandidate("upkeep-b").Start();
  StartSampling();
  Candidate* leader = WaitForLeader();
  ASSERT_NE(leader, nullptr);
  Candidate& follower = Other(leader);
  ASSERT_TRUE(WaitFor([&] { return !follower.elector->GetLeader().empty(); }, seconds(5)));

  const SteadyTime stop_at = std::chrono::steady_clock::now();
  leader->Stop();
  EXPECT_EQ(leader->stopped, 1);
  EXPECT_FALSE(leader->elector->IsLeader());
  auto took_over = WaitFor([&] { return follower.elector->IsLeader(); }, seconds(10));
  ASSERT_TRUE(took_over.has_value());
  // One jittered retry period (at most 0.66 s) and a request, far below the 2 s lease
  // duration an abandoned lease needs; bounded generously.
  EXPECT_LT(*took_over - stop_at, milliseconds(1800));
  const nlohmann::json spec = LeaseSpec();
  EXPECT_EQ(spec["leaseTransitions"], 1);
  EXPECT_EQ(spec["leaseDurationSeconds"], 2);
}

TEST_F(LeaderElectorIntegrationTest, AbandonedLeaseIsTakenOverOnlyAfterLeaseDuration) {
  AddCandidate("upkeep-a", /*release_on_cancel=*/false).Start();
  AddCandidate("upkeep-b", /*release_on_cancel=*/false).Start();
  StartSampling();
  Candidate* leader = WaitForLeader();
  ASSERT_NE(leader, nullptr);
  Candidate& follower = Other(leader);
  ASSERT_TRUE(WaitFor([&] { return !follower.elector->GetLeader().empty(); }, seconds(5)));

  leader->Stop();  // gone without a word, as if the process was killed
  EXPECT_EQ(leader->stopped, 1);
  const nlohmann::json abandoned = LeaseSpec();
  ASSERT_EQ(abandoned["holderIdentity"], leader == candidates_[0].get() ? "upkeep-a" : "upkeep-b");
  auto last_renewal = ParseRfc3339(abandoned["renewTime"].get<std::string>());
  ASSERT_TRUE(last_renewal.ok()) << last_renewal.status();

  ASSERT_TRUE(WaitFor([&] { return follower.elector->IsLeader(); }, seconds(10)).has_value());
  const auto took_over_at = std::chrono::system_clock::now();
  // The follower saw the last renewal no earlier than it was written, and waits a whole
  // lease duration from then.
  EXPECT_GE(took_over_at - *last_renewal, seconds(2));
  EXPECT_LT(took_over_at - *last_renewal, seconds(6));
  EXPECT_EQ(LeaseSpec()["leaseTransitions"], 1);
}

TEST_F(LeaderElectorIntegrationTest, LeadershipAlternatesWithoutOverlap) {
  AddCandidate("upkeep-a").Start();
  AddCandidate("upkeep-b").Start();
  StartSampling();
  for (int round = 0; round < 3; ++round) {
    Candidate* leader = WaitForLeader();
    ASSERT_NE(leader, nullptr) << round;
    leader->Stop();
    ASSERT_TRUE(WaitFor([&] { return Other(leader).elector->IsLeader(); }, seconds(10)).has_value())
        << round;
    // Rejoin as a candidate with a fresh Run; the new leader keeps the Lease.
    leader->Start();
  }
  std::this_thread::sleep_for(seconds(3));
  EXPECT_NE(WaitForLeader(), nullptr);
  EXPECT_EQ(LeaseSpec()["leaseTransitions"], 3);
}

}  // namespace
}  // namespace upkeep::controller
