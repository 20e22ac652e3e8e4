// `upkeep dev`: the embedded API server and the operator in one process, with crds/ and the
// examples applied: upkeep with no cluster, for a first look and for development.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include "apiserver/server.h"
#include "cmd/upkeep/commands.h"
#include "cmd/upkeep/flags.h"
#include "cmd/upkeep/operator_flags.h"
#include "controller/client/client_config.h"
#include "controller/manifests/manifests.h"

namespace upkeep::cmd {
namespace {

constexpr char kDevUsage[] =
    "Usage: upkeep dev [--listen 127.0.0.1:0] [--kubeconfig-out FILE] [--data-dir DIR]\n"
    "                  [--metrics-bind-address 127.0.0.1:8080]\n"
    "                  [--health-probe-bind-address 127.0.0.1:8081]\n"
    "                  [--apply DIR,DIR...] [--log-level info]\n"
    "\n"
    "Runs the embedded API server and the operator together, applies the CRDs and the\n"
    "examples, and prints how to watch them with kubectl.\n"
    "\n"
    "Flags:\n"
    "  --listen HOST:PORT       the API server's address; port 0 picks a free one\n"
    "                           (default 127.0.0.1:0)\n"
    "  --kubeconfig-out FILE    where to write the kubeconfig (default: a file in a\n"
    "                           temporary folder, printed at start)\n"
    "  --data-dir DIR           keep objects in DIR across restarts (default: in memory)\n"
    "  --metrics-bind-address ADDR       (default 127.0.0.1:8080; \"0\" disables)\n"
    "  --health-probe-bind-address ADDR  (default 127.0.0.1:8081; \"0\" disables)\n"
    "  --apply DIRS             comma-separated manifest folders or files to apply at start\n"
    "                           (default: the source tree's crds/ and examples/dev/)\n"
    "  --log-level LEVEL        error, warn, info or debug (default info)\n"
    "  --kube-api-qps N         requests per second to the API server (default 0: no limit,\n"
    "                           the server is in this process)\n"
    "  --kube-api-burst N       requests allowed at once above the rate (default 30)\n";

std::vector<std::string> DefaultManifestPaths() {
  std::vector<std::string> paths;
#ifdef UPKEEP_SOURCE_DIR
  for (const char* sub : {"crds", "examples/dev"}) {
    std::string p = std::string(UPKEEP_SOURCE_DIR) + "/" + sub;
    if (std::filesystem::exists(p)) paths.push_back(p);
  }
#endif
  return paths;
}

std::vector<std::string> SplitCommas(const std::string& s) {
  std::vector<std::string> out;
  std::stringstream in(s);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

}  // namespace

int RunDev(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << kDevUsage;
    return 0;
  }
  std::map<std::string, std::string> flags;
  std::string error;
  if (!ParseFlags(args, {"help"}, &flags, &error)) {
    std::cerr << "upkeep dev: " << error << "\n\n" << kDevUsage;
    return 2;
  }
  apiserver::ApiServerOptions server_options;
  server_options.listen = "127.0.0.1:0";
  controller::ManagerOptions options;
  options.metrics_bind_address = "127.0.0.1:8080";
  options.health_probe_bind_address = "127.0.0.1:8081";
  // The API server is in this process: a client-side rate limit protects nothing and only
  // slows the operator down (1,000 certificates due at once).
  options.client_options.qps = 0;
  std::vector<std::string> manifests = DefaultManifestPaths();
  for (const auto& [name, value] : flags) {
    if (name == "listen") server_options.listen = value;
    else if (name == "kubeconfig-out") server_options.kubeconfig_out = value;
    else if (name == "data-dir") server_options.data_dir = value;
    else if (name == "apply") manifests = SplitCommas(value);
    else {
      FlagResult r = ApplyOperatorFlag(name, value, &options, &error);
      if (r == FlagResult::kUnknown || name == "leader-elect") {
        std::cerr << "upkeep dev: unknown flag --" << name << "\n\n" << kDevUsage;
        return 2;
      }
      if (r == FlagResult::kInvalid) {
        std::cerr << "upkeep dev: --" << name << ": " << error << "\n";
        return 2;
      }
    }
  }
  if (server_options.kubeconfig_out.empty()) {
    char dir[] = "/tmp/upkeep-dev-XXXXXX";
    if (!mkdtemp(dir)) {
      std::cerr << "upkeep dev: cannot create a temporary folder\n";
      return 1;
    }
    server_options.kubeconfig_out = std::string(dir) + "/kubeconfig";
  }
  StopSignal stop;
  apiserver::ApiServer server(server_options);
  if (absl::Status st = server.Start(); !st.ok()) {
    std::cerr << "upkeep dev: " << st.message() << "\n";
    return 1;
  }
  absl::StatusOr<controller::ClientConfig> config =
      controller::LoadKubeconfig(server_options.kubeconfig_out);
  if (!config.ok()) {
    std::cerr << "upkeep dev: " << config.status().message() << "\n";
    return 1;
  }
  options.client_config = *config;
  {
    // Applied with a client of its own, before the manager starts watching.
    absl::StatusOr<std::unique_ptr<controller::KubeClient>> client =
        controller::KubeClient::Create(*config);
    if (!client.ok()) {
      std::cerr << "upkeep dev: " << client.status().message() << "\n";
      return 1;
    }
    controller::ManifestApplier applier(**client);
    for (const std::string& path : manifests) {
      absl::StatusOr<std::vector<nlohmann::json>> objects = controller::ReadManifests(path);
      absl::Status applied = objects.ok() ? applier.Apply(*objects) : objects.status();
      if (!applied.ok()) {
        std::cerr << "upkeep dev: applying " << path << ": " << applied.message() << "\n";
        return 1;
      }
      options.log.Info("Applied manifests", {{"path", path}, {"objects", objects->size()}});
    }
  }
  std::cout << "upkeep dev: the API server and the operator are running.\n\n"
            << "  export KUBECONFIG=" << server_options.kubeconfig_out << "\n"
            << "  kubectl get upkeep,all -A\n"
            << "  kubectl get events -A --watch\n\n"
            << "Press Ctrl-C to stop." << std::endl;
  int code = RunOperator(std::move(options), stop, "dev");
  server.Stop();
  return code;
}

}  // namespace upkeep::cmd
