// `upkeep controller`: the operator against a cluster (kubeconfig or in-cluster).
#include <iostream>
#include <map>

#include "cmd/upkeep/commands.h"
#include "cmd/upkeep/flags.h"
#include "cmd/upkeep/operator_flags.h"
#include "controller/client/client_config.h"

namespace upkeep::cmd {
namespace {

constexpr char kControllerUsage[] =
    "Usage: upkeep controller [--kubeconfig FILE] [--context NAME] [--namespace NS]\n"
    "                         [--leader-elect] [--metrics-bind-address :8080]\n"
    "                         [--health-probe-bind-address :8081] [--log-level info]\n"
    "\n"
    "Runs the operator against the cluster the kubeconfig (or the pod's service account)\n"
    "points at.\n"
    "\n"
    "Flags:\n"
    "  --kubeconfig FILE        kubeconfig to use (default: $KUBECONFIG, in-cluster, then\n"
    "                           ~/.kube/config)\n"
    "  --context NAME           kubeconfig context (default: current-context)\n"
    "  --namespace NS           watch only this namespace (default: all)\n"
    "  --leader-elect           elect a leader with a Lease, so only one replica reconciles\n"
    "  --leader-election-namespace NS  where the Lease lives (default: the pod's namespace,\n"
    "                           else default)\n"
    "  --leader-election-id NAME  the Lease's name (default upkeep-controller-leader)\n"
    "  --metrics-bind-address ADDR       Prometheus metrics; \"0\" disables (default :8080)\n"
    "  --health-probe-bind-address ADDR  /healthz and /readyz; \"0\" disables (default :8081)\n"
    "  --log-level LEVEL        error, warn, info or debug (default info)\n"
    "  --kube-api-qps N         requests per second to the API server (default 20; 0: no\n"
    "                           limit)\n"
    "  --kube-api-burst N       requests allowed at once above the rate (default 30)\n";

}  // namespace

int RunController(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << kControllerUsage;
    return 0;
  }
  std::map<std::string, std::string> flags;
  std::string error;
  if (!ParseFlags(args, {"leader-elect", "help"}, &flags, &error)) {
    std::cerr << "upkeep controller: " << error << "\n\n" << kControllerUsage;
    return 2;
  }
  controller::ManagerOptions options;
  std::string kubeconfig, context;
  for (const auto& [name, value] : flags) {
    if (name == "kubeconfig") {
      kubeconfig = value;
      continue;
    }
    if (name == "context") {
      context = value;
      continue;
    }
    FlagResult r = ApplyOperatorFlag(name, value, &options, &error);
    if (r == FlagResult::kUnknown) {
      std::cerr << "upkeep controller: unknown flag --" << name << "\n\n" << kControllerUsage;
      return 2;
    }
    if (r == FlagResult::kInvalid) {
      std::cerr << "upkeep controller: --" << name << ": " << error << "\n";
      return 2;
    }
  }
  absl::StatusOr<controller::ClientConfig> config =
      controller::ResolveClientConfig(kubeconfig, context);
  if (!config.ok()) {
    std::cerr << "upkeep controller: " << config.status().message() << "\n";
    return 1;
  }
  options.client_config = *config;
  StopSignal stop;
  return RunOperator(std::move(options), stop, "controller");
}

}  // namespace upkeep::cmd
