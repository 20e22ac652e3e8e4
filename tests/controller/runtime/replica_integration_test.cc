// Leader election and shutdown across real operator processes (replica_main.cc) sharing one
// `upkeep apiserver`: a killed leader is replaced within the lease duration, two replicas
// never reconcile at once, and SIGTERM exits 0 promptly and hands the Lease over.
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "controller/client/kube_client.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"

namespace upkeep::controller {
namespace {

using namespace std::chrono_literals;
using testing::ApiServerProcess;
using testing::Eventually;

struct Line {
  std::string identity;
  int64_t ms;
};

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

class ReplicaIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    log_path_ = server_->dir() + "/reconciles.log";
    auto client = KubeClient::Create(server_->client_config());
    ASSERT_TRUE(client.ok());
    nlohmann::json cm = {{"apiVersion", "v1"},
                         {"kind", "ConfigMap"},
                         {"metadata", {{"name", "trail"}, {"namespace", "default"}}}};
    ASSERT_TRUE((*client)->Create(resources::ConfigMaps(), "default", cm).ok());
  }
  void TearDown() override {
    for (pid_t pid : pids_) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
    }
  }

  pid_t StartReplica(const std::string& identity, int lease_ms) {
    std::vector<std::string> args = {UPKEEP_TEST_REPLICA, "--kubeconfig", server_->kubeconfig_path(),
                                     "--identity", identity, "--reconcile-log", log_path_,
                                     "--lease-ms", std::to_string(lease_ms),
                                     "--renew-ms", std::to_string(lease_ms * 3 / 4),
                                     "--retry-ms", "300"};
    pid_t pid = fork();
    if (pid == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    pids_.push_back(pid);
    return pid;
  }
  void Forget(pid_t pid) { pids_.erase(std::remove(pids_.begin(), pids_.end(), pid), pids_.end()); }

  std::vector<Line> Lines() {
    std::vector<Line> lines;
    std::ifstream in(log_path_);
    std::string id;
    int64_t ms;
    while (in >> id >> ms) lines.push_back({id, ms});
    return lines;
  }
  size_t CountOf(const std::string& identity) {
    size_t n = 0;
    for (const auto& l : Lines()) n += l.identity == identity;
    return n;
  }
  // No line of `second` comes before the last line of `first`: they never overlapped.
  void ExpectHandedOver(const std::string& first, const std::string& second) {
    int64_t last_first = 0, first_second = INT64_MAX;
    for (const auto& l : Lines()) {
      if (l.identity == first) last_first = std::max(last_first, l.ms);
      if (l.identity == second) first_second = std::min(first_second, l.ms);
    }
    EXPECT_LE(last_first, first_second) << first << " reconciled after " << second << " began";
  }
  int64_t FirstOf(const std::string& identity) {
    int64_t first = INT64_MAX;
    for (const auto& l : Lines()) {
      if (l.identity == identity) first = std::min(first, l.ms);
    }
    return first;
  }

  std::unique_ptr<ApiServerProcess> server_;
  std::string log_path_;
  std::vector<pid_t> pids_;
};

TEST_F(ReplicaIntegrationTest, AKilledLeaderIsReplacedWithinTheLeaseDurationAndNeverOverlaps) {
  const int lease_ms = 2000;
  pid_t a = StartReplica("replica-a", lease_ms);
  ASSERT_TRUE(Eventually([&] { return CountOf("replica-a") > 5; }, 30s)) << "a never led";
  StartReplica("replica-b", lease_ms);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(CountOf("replica-b"), 0u) << "b reconciled while a led";

  int64_t killed_at = NowMs();
  kill(a, SIGKILL);
  waitpid(a, nullptr, 0);
  Forget(a);
  ASSERT_TRUE(Eventually([&] { return CountOf("replica-b") > 5; }, 30s)) << "b never took over";
  int64_t takeover = FirstOf("replica-b") - killed_at;
  // Within the lease duration of a's last renewal, plus one retry period and the cache sync.
  EXPECT_LE(takeover, lease_ms + 1500) << "takeover took " << takeover << " ms";
  ExpectHandedOver("replica-a", "replica-b");
}

TEST_F(ReplicaIntegrationTest, SigtermExitsCleanlyWithinTenSecondsAndReleasesTheLease) {
  const int lease_ms = 6000;  // long, so a takeover sooner than it proves the release
  pid_t a = StartReplica("replica-a", lease_ms);
  ASSERT_TRUE(Eventually([&] { return CountOf("replica-a") > 5; }, 30s)) << "a never led";
  StartReplica("replica-b", lease_ms);
  std::this_thread::sleep_for(1000ms);

  int64_t signalled_at = NowMs();
  kill(a, SIGTERM);
  int status = 0;
  bool exited = Eventually([&] { return waitpid(a, &status, WNOHANG) == a; }, 10s);
  ASSERT_TRUE(exited) << "still running 10 s after SIGTERM";
  Forget(a);
  EXPECT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  ASSERT_TRUE(Eventually([&] { return CountOf("replica-b") > 0; }, 30s));
  int64_t takeover = FirstOf("replica-b") - signalled_at;
  EXPECT_LT(takeover, lease_ms - 1000) << "the Lease was not released (" << takeover << " ms)";
  ExpectHandedOver("replica-a", "replica-b");
}

}  // namespace
}  // namespace upkeep::controller
