// upkeep: one binary, one subcommand per job (API.md "Command line").
#include <csignal>
#include <cstring>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include <malloc.h>
#include <semaphore.h>

#include "apiserver/server.h"

namespace {

constexpr char kUsage[] =
    "upkeep keeps a cluster's day-2 chores at their declared state.\n"
    "\n"
    "Usage: upkeep <command> [flags]\n"
    "\n"
    "Commands:\n"
    "  apiserver   run the embedded Kubernetes-compatible API server\n"
    "  version     print the version\n"
    "\n"
    "Coming next: controller, dev, run, backup, certs.\n"
    "Run 'upkeep <command> --help' for a command's flags.\n";

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

sem_t g_stop;

void OnSignal(int) { sem_post(&g_stop); }

// Parses "--flag value" and "--flag=value"; boolean flags take no value.
bool ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& booleans,
                std::map<std::string, std::string>* out, std::string* error) {
  for (size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg.rfind("--", 0) != 0) {
      *error = "unexpected argument \"" + arg + "\"";
      return false;
    }
    std::string name = arg.substr(2), value;
    size_t eq = name.find('=');
    bool boolean = std::find(booleans.begin(), booleans.end(), name.substr(0, eq)) != booleans.end();
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (boolean) {
      value = "true";
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      *error = "flag --" + name + " needs a value";
      return false;
    }
    (*out)[name] = value;
  }
  return true;
}

int RunApiserver(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") {
      std::cout << kApiserverUsage;
      return 0;
    }
  }
  std::map<std::string, std::string> flags;
  std::string error;
  if (!ParseFlags(args, {"tls", "help"}, &flags, &error)) {
    std::cerr << "upkeep apiserver: " << error << "\n\n" << kApiserverUsage;
    return 2;
  }
  upkeep::apiserver::ApiServerOptions options;
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
  sem_init(&g_stop, 0, 0);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  upkeep::apiserver::ApiServer server(options);
  if (absl::Status st = server.Start(); !st.ok()) {
    std::cerr << "upkeep apiserver: " << st.message() << "\n";
    return 1;
  }
  std::cerr << "{\"msg\":\"serving\",\"url\":\"" << server.Url() << "\""
            << (options.kubeconfig_out.empty() ? "" : ",\"kubeconfig\":\"" + options.kubeconfig_out + "\"")
            << "}" << std::endl;
  while (sem_wait(&g_stop) != 0) {
  }
  std::cerr << "{\"msg\":\"shutting down\"}" << std::endl;
  server.Stop();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "version" || command == "--version") {
    std::cout << "upkeep " << UPKEEP_VERSION << "\n";
    return 0;
  }
  if (command == "apiserver") return RunApiserver(args);
  std::cerr << "upkeep: unknown command \"" << command << "\"\n\n" << kUsage;
  return 2;
}
