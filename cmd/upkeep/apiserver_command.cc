// `upkeep apiserver`: the embedded Kubernetes-compatible API server.
#include <malloc.h>

#include <iostream>
#include <map>

#include "apiserver/server.h"
#include "cmd/upkeep/commands.h"
#include "cmd/upkeep/flags.h"
#include "cmd/upkeep/stop_signal.h"

namespace upkeep::cmd {
namespace {

constexpr char kApiserverUsage[] =
    "Usage: upkeep apiserver [--listen 127.0.0.1:6443] [--kubeconfig-out FILE]\n"
    "                        [--data-dir DIR] [--tls]\n"
    "\n"
    "Runs a Kubernetes-compatible API server that kubectl and client libraries can use.\n"
    "\n"
    "Flags:\n"
    "  --listen HOST:PORT      address to serve on; port 0 picks a free port\n"
    "                          (default 127.0.0.1:6443)\n"
    "  --kubeconfig-out FILE   write a kubeconfig for this server once it is ready\n"
    "  --data-dir DIR          keep objects in DIR (SQLite, survives kill -9);\n"
    "                          default: in memory only\n"
    "  --tls                   serve HTTPS with a generated CA and a bearer token\n"
    "                          (kept in DIR/tls with --data-dir)\n"
    "  --watch-history N       watch events kept for resuming (default 20000)\n"
    "  --bookmark-interval-ms N  progress bookmark period (default 5000)\n";

}  // namespace

int RunApiserver(const std::vector<std::string>& args) {
  if (WantsHelp(args)) {
    std::cout << kApiserverUsage;
    return 0;
  }
  std::map<std::string, std::string> flags;
  std::string error;
  if (!ParseFlags(args, {"tls", "help"}, &flags, &error)) {
    std::cerr << "upkeep apiserver: " << error << "\n\n" << kApiserverUsage;
    return 2;
  }
  apiserver::ApiServerOptions options;
  for (const auto& [name, value] : flags) {
    if (name == "listen") options.listen = value;
    else if (name == "kubeconfig-out") options.kubeconfig_out = value;
    else if (name == "data-dir") options.data_dir = value;
    else if (name == "tls") options.tls = value != "false";
    else if (name == "watch-history") options.watch_history = std::stoul(value);
    else if (name == "bookmark-interval-ms") options.bookmark_interval_ms = std::stoi(value);
    else {
      std::cerr << "upkeep apiserver: unknown flag --" << name << "\n\n" << kApiserverUsage;
      return 2;
    }
  }
  // Large list and watch buffers come and go; a fixed mmap threshold hands their memory back
  // to the system instead of letting glibc's adaptive threshold keep it in the heap.
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  StopSignal stop;
  apiserver::ApiServer server(options);
  if (absl::Status st = server.Start(); !st.ok()) {
    std::cerr << "upkeep apiserver: " << st.message() << "\n";
    return 1;
  }
  std::cerr << "{\"msg\":\"serving\",\"url\":\"" << server.Url() << "\""
            << (options.kubeconfig_out.empty() ? "" : ",\"kubeconfig\":\"" + options.kubeconfig_out + "\"")
            << "}" << std::endl;
  stop.Wait();
  std::cerr << "{\"msg\":\"shutting down\"}" << std::endl;
  server.Stop();
  return 0;
}

}  // namespace upkeep::cmd
