// LeaderElector on a simulated clock against an in-memory Lease store, for the timing rules
// that are too slow or too racy to prove against a real server: a held Lease is taken over
// only a lease duration after this candidate saw it change, whatever its renewTime says; a
// leader that cannot renew gives up within the renew deadline.
#include "controller/leaderelection/leader_elector.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/client/api_error.h"
#include "controller/clock/clock.h"

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

// One Lease in memory with resourceVersion compare-and-swap; writes fail while `down`.
class FakeLeaseClient final : public KubeClient {
 public:
  absl::StatusOr<nlohmann::json> Get(const ResourceType&, std::string_view,
                                     std::string_view) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return TransportError("connection refused", "get lease");
    if (lease_.is_null()) return ApiError(404, "", "get lease");
    return lease_;
  }
  absl::StatusOr<nlohmann::json> Create(const ResourceType&, std::string_view,
                                        const nlohmann::json& object,
                                        const WriteOptions&) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return TransportError("connection refused", "create lease");
    if (!lease_.is_null()) return ApiError(409, R"({"reason":"AlreadyExists"})", "create");
    lease_ = object;
    lease_["metadata"]["resourceVersion"] = std::to_string(++version_);
    return lease_;
  }
  absl::StatusOr<nlohmann::json> Update(const ResourceType&, const nlohmann::json& object,
                                        const WriteOptions&) override {
    std::lock_guard<std::mutex> lock(mu_);
    if (down_) return TransportError("connection refused", "update lease");
    if (object["metadata"]["resourceVersion"] != lease_["metadata"]["resourceVersion"]) {
      return ApiError(409, R"({"reason":"Conflict"})", "update lease");
    }
    lease_ = object;
    lease_["metadata"]["resourceVersion"] = std::to_string(++version_);
    return lease_;
  }
  absl::StatusOr<nlohmann::json> List(const ResourceType&, std::string_view,
                                      const ListOptions&) override {
    return absl::UnimplementedError("list");
  }
  absl::StatusOr<nlohmann::json> Patch(const ResourceType&, std::string_view, std::string_view,
                                       PatchType, const nlohmann::json&,
                                       const WriteOptions&) override {
    return absl::UnimplementedError("patch");
  }
  absl::Status Delete(const ResourceType&, std::string_view, std::string_view,
                      const DeleteOptions&) override {
    return absl::UnimplementedError("delete");
  }
  absl::Status Watch(const ResourceType&, std::string_view, const WatchOptions&,
                     const std::function<bool(WatchEvent&&)>&, std::stop_token) override {
    return absl::UnimplementedError("watch");
  }
  const std::string& Host() const override { return host_; }
  const ClientOptions& Options() const override { return options_; }

  void Put(nlohmann::json lease) {
    std::lock_guard<std::mutex> lock(mu_);
    lease_ = std::move(lease);
    lease_["metadata"]["resourceVersion"] = std::to_string(++version_);
  }
  nlohmann::json Lease() const {
    std::lock_guard<std::mutex> lock(mu_);
    return lease_;
  }
  void SetDown(bool down) {
    std::lock_guard<std::mutex> lock(mu_);
    down_ = down;
  }

 private:
  mutable std::mutex mu_;
  nlohmann::json lease_;
  int version_ = 0;
  bool down_ = false;
  std::string host_ = "fake";
  ClientOptions options_;
};

LeaderElectionConfig Config(const std::string& identity) {
  LeaderElectionConfig config;
  config.lease_namespace = "upkeep-system";
  config.lease_name = "upkeep-leader";
  config.identity = identity;
  return config;  // 15 s / 10 s / 2 s
}

// Polls `condition` for up to 5 real seconds.
bool Eventually(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + seconds(5);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return condition();
}

TEST(ValidateLeaderElectionConfigTest, RejectsInconsistentDurations) {
  EXPECT_TRUE(ValidateLeaderElectionConfig(Config("a")).ok());
  LeaderElectionConfig c = Config("a");
  c.renew_deadline = c.lease_duration;
  EXPECT_FALSE(ValidateLeaderElectionConfig(c).ok());
  c = Config("a");
  c.retry_period = seconds(9);  // 1.2 * 9 > 10
  EXPECT_FALSE(ValidateLeaderElectionConfig(c).ok());
  c = Config("");
  EXPECT_FALSE(ValidateLeaderElectionConfig(c).ok());
}

TEST(LeaderElectorTest, CreatesLeaseAndLeads) {
  FakeClock clock;
  FakeLeaseClient client;
  std::atomic<int> started{0};
  std::string new_leader;
  LeaderCallbacks callbacks;
  callbacks.on_started_leading = [&] { started++; };
  callbacks.on_new_leader = [&](const std::string& id) { new_leader = id; };
  LeaderElector elector(client, clock, Config("upkeep-0"), callbacks);
  std::jthread run([&](std::stop_token stop) { elector.Run(stop); });

  ASSERT_TRUE(Eventually([&] { return elector.IsLeader(); }));
  EXPECT_EQ(started, 1);
  const nlohmann::json spec = client.Lease()["spec"];
  EXPECT_EQ(spec["holderIdentity"], "upkeep-0");
  EXPECT_EQ(spec["leaseDurationSeconds"], 15);
  EXPECT_EQ(spec["leaseTransitions"], 0);
  EXPECT_EQ(spec["acquireTime"], spec["renewTime"]);
  run.request_stop();
  run.join();
  EXPECT_EQ(new_leader, "upkeep-0");
}

TEST(LeaderElectorTest, WaitsLeaseDurationFromObservationNotFromRenewTime) {
  FakeClock clock;
  FakeLeaseClient client;
  // Held by a replica whose clock is far behind: renewTime is years in the past.
  client.Put({{"apiVersion", "coordination.k8s.io/v1"},
              {"kind", "Lease"},
              {"metadata", {{"name", "upkeep-leader"}, {"namespace", "upkeep-system"}}},
              {"spec",
               {{"holderIdentity", "old"},
                {"leaseDurationSeconds", 15},
                {"renewTime", "2001-01-01T00:00:00.000000Z"},
                {"leaseTransitions", 4}}}});
  std::string observed_leader;
  std::mutex mu;
  LeaderCallbacks callbacks;
  callbacks.on_new_leader = [&](const std::string& id) {
    std::lock_guard<std::mutex> lock(mu);
    observed_leader = id;
  };
  LeaderElector elector(client, clock, Config("upkeep-1"), callbacks);
  std::jthread run([&](std::stop_token stop) { elector.Run(stop); });

  ASSERT_TRUE(Eventually([&] { return elector.GetLeader() == "old"; }));
  // Just short of a lease duration since the first look: still not ours.
  for (int i = 0; i < 14; ++i) {
    clock.Advance(seconds(1));
    std::this_thread::sleep_for(milliseconds(10));
    EXPECT_FALSE(elector.IsLeader()) << "after " << i + 1 << " s";
  }
  // Past it, the next retry takes over and counts a transition.
  for (int i = 0; i < 10 && !elector.IsLeader(); ++i) {
    clock.Advance(seconds(1));
    Eventually([&] { return elector.IsLeader(); });
  }
  ASSERT_TRUE(elector.IsLeader());
  EXPECT_EQ(client.Lease()["spec"]["holderIdentity"], "upkeep-1");
  EXPECT_EQ(client.Lease()["spec"]["leaseTransitions"], 5);
  run.request_stop();
  run.join();
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(observed_leader, "upkeep-1");
}

TEST(LeaderElectorTest, RenewalKeepsLeaseAliveForOthers) {
  FakeClock clock;
  FakeLeaseClient client;
  LeaderElector leader(client, clock, Config("upkeep-0"), {});
  std::jthread run_leader([&](std::stop_token stop) { leader.Run(stop); });
  ASSERT_TRUE(Eventually([&] { return leader.IsLeader(); }));

  LeaderElector candidate(client, clock, Config("upkeep-1"), {});
  std::jthread run_candidate([&](std::stop_token stop) { candidate.Run(stop); });
  ASSERT_TRUE(Eventually([&] { return candidate.GetLeader() == "upkeep-0"; }));
  for (int i = 0; i < 60; ++i) {  // a minute of simulated time, well past a lease duration
    const std::string renew = client.Lease()["spec"]["renewTime"];
    clock.Advance(seconds(1));
    if (i % 2 == 1) {
      Eventually([&] { return client.Lease()["spec"]["renewTime"] != renew; });
    }
    EXPECT_TRUE(leader.IsLeader()) << i;
    EXPECT_FALSE(candidate.IsLeader()) << i;
  }
}

TEST(LeaderElectorTest, LeaderThatCannotRenewStopsWithinRenewDeadline) {
  FakeClock clock;
  FakeLeaseClient client;
  std::atomic<bool> stopped{false};
  std::atomic<bool> run_returned{false};
  LeaderCallbacks callbacks;
  callbacks.on_stopped_leading = [&] { stopped = true; };
  std::vector<bool> statuses;
  std::mutex mu;
  callbacks.on_leader_status = [&](bool leading) {
    std::lock_guard<std::mutex> lock(mu);
    statuses.push_back(leading);
  };
  LeaderElector elector(client, clock, Config("upkeep-0"), callbacks);
  std::jthread run([&](std::stop_token stop) {
    elector.Run(stop);
    run_returned = true;
  });
  ASSERT_TRUE(Eventually([&] { return elector.IsLeader(); }));
  client.SetDown(true);
  const Clock::TimePoint down_at = clock.Now();
  while (elector.IsLeader()) {
    clock.Advance(milliseconds(500));
    std::this_thread::sleep_for(milliseconds(5));
    ASSERT_LE(clock.Now() - down_at, seconds(11));
  }
  ASSERT_TRUE(Eventually([&] {
    clock.Advance(milliseconds(1));
    return run_returned.load();
  }));
  EXPECT_TRUE(stopped);
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(statuses, (std::vector<bool>{false, true, false}));
}

TEST(LeaderElectorTest, StopReleasesTheLease) {
  FakeClock clock;
  FakeLeaseClient client;
  std::atomic<bool> stopped{false};
  LeaderCallbacks callbacks;
  callbacks.on_stopped_leading = [&] { stopped = true; };
  LeaderElector elector(client, clock, Config("upkeep-0"), callbacks);
  std::jthread run([&](std::stop_token stop) { elector.Run(stop); });
  ASSERT_TRUE(Eventually([&] { return elector.IsLeader(); }));
  run.request_stop();
  run.join();
  EXPECT_TRUE(stopped);
  EXPECT_FALSE(elector.IsLeader());
  const nlohmann::json spec = client.Lease()["spec"];
  EXPECT_EQ(spec["holderIdentity"], "");
  EXPECT_EQ(spec["leaseDurationSeconds"], 1);
  EXPECT_EQ(spec["leaseTransitions"], 0);
}

TEST(LeaderElectorTest, StopWithoutEverLeadingDoesNotReportStoppedLeading) {
  FakeClock clock;
  FakeLeaseClient client;
  client.SetDown(true);
  std::atomic<bool> stopped{false};
  LeaderCallbacks callbacks;
  callbacks.on_stopped_leading = [&] { stopped = true; };
  LeaderElector elector(client, clock, Config("upkeep-0"), callbacks);
  std::jthread run([&](std::stop_token stop) { elector.Run(stop); });
  std::this_thread::sleep_for(milliseconds(20));
  run.request_stop();
  run.join();
  EXPECT_FALSE(stopped);
}

}  // namespace
}  // namespace upkeep::controller
