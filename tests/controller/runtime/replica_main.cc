// A test operator replica: the runtime's Manager with a test reconciler on ConfigMaps, so
// leader election and shutdown are tested across real processes (the upkeep binary has no
// reconciler until the first one lands).
//
//   replica --kubeconfig FILE --identity NAME --reconcile-log FILE
//           [--lease-ms 2000 --renew-ms 1500 --retry-ms 300]
//
// Each reconcile of a ConfigMap appends "<identity> <unix ms>\n" to the log (O_APPEND, one
// write per line) and requeues after 50 ms, so the leader leaves a steady trail. SIGTERM and
// SIGINT stop it gracefully; exit 0 after a clean shutdown.
#include <fcntl.h>
#include <semaphore.h>
#include <unistd.h>

#include <csignal>
#include <iostream>
#include <map>
#include <string>
#include <thread>

#include "controller/client/client_config.h"
#include "controller/runtime/manager.h"

namespace {

sem_t g_signalled;
void OnSignal(int) { sem_post(&g_signalled); }

class TrailReconciler : public upkeep::controller::Reconciler {
 public:
  TrailReconciler(int fd, std::string identity) : fd_(fd), identity_(std::move(identity)) {}
  absl::StatusOr<upkeep::controller::Action> Reconcile(
      const nlohmann::json&, upkeep::controller::ReconcileContext& ctx) override {
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                  ctx.clock.Now().time_since_epoch())
                  .count();
    std::string line = identity_ + " " + std::to_string(ms) + "\n";
    if (write(fd_, line.data(), line.size()) < 0) return absl::InternalError("log write failed");
    return upkeep::controller::Action::RequeueAfter(std::chrono::milliseconds(50));
  }

 private:
  int fd_;
  std::string identity_;
};

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> flags;
  for (int i = 1; i + 1 < argc; i += 2) flags[std::string(argv[i]).substr(2)] = argv[i + 1];
  auto config = upkeep::controller::LoadKubeconfig(flags["kubeconfig"]);
  if (!config.ok()) {
    std::cerr << config.status() << "\n";
    return 2;
  }
  int fd = open(flags["reconcile-log"].c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  if (fd < 0) return 2;
  auto ms = [&](const char* name, int fallback) {
    return std::chrono::milliseconds(flags.count(name) ? std::stoi(flags[name]) : fallback);
  };
  upkeep::controller::ManagerOptions options;
  options.client_config = *config;
  options.client_options.timeout = std::chrono::milliseconds(1000);
  options.client_options.max_retries = 1;
  options.leader_elect = true;
  options.leader_election_namespace = "default";
  options.identity = flags["identity"];
  options.lease_duration = ms("lease-ms", 2000);
  options.renew_deadline = ms("renew-ms", 1500);
  options.retry_period = ms("retry-ms", 300);
  options.metrics_bind_address = "127.0.0.1:0";
  options.health_probe_bind_address = "127.0.0.1:0";
  auto manager = upkeep::controller::Manager::Create(options);
  if (!manager.ok()) {
    std::cerr << manager.status() << "\n";
    return 2;
  }
  TrailReconciler reconciler(fd, options.identity);
  upkeep::controller::ControllerOptions controller_options;
  controller_options.name = "configmap";
  (*manager)->AddController(controller_options, upkeep::controller::resources::ConfigMaps(),
                            reconciler);
  sem_init(&g_signalled, 0, 0);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);
  std::stop_source stop;
  std::thread waiter([&] {
    while (sem_wait(&g_signalled) != 0) {
    }
    stop.request_stop();
  });
  absl::Status result = (*manager)->Run(stop.get_token());
  if (!stop.stop_requested()) {
    stop.request_stop();
    sem_post(&g_signalled);
  }
  waiter.join();
  close(fd);
  if (!result.ok()) {
    std::cerr << result << "\n";
    return 1;
  }
  return 0;
}
