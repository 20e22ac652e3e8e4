#include "tests/support/apiserver_process.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "controller/client/api_error.h"
#include "tests/support/child_process.h"
#include "controller/client/http_transport.h"

namespace upkeep::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{20};
constexpr std::chrono::seconds kStopTimeout{5};
constexpr std::chrono::milliseconds kPollInterval{20};

std::string BinaryPath() {
  if (const char* env = std::getenv("UPKEEP_BIN"); env != nullptr && *env != '\0') return env;
  return UPKEEP_BIN_PATH;
}

}  // namespace

absl::StatusOr<std::unique_ptr<ApiServerProcess>> ApiServerProcess::Start(
    ApiServerProcessOptions options) {
  std::string base = std::filesystem::temp_directory_path().string() + "/upkeep-apiserver-XXXXXX";
  if (mkdtemp(base.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary folder under " +
                               std::filesystem::temp_directory_path().string());
  }
  std::unique_ptr<ApiServerProcess> p(new ApiServerProcess());
  p->options_ = std::move(options);
  p->dir_ = base;
  p->kubeconfig_path_ = p->dir_ + "/kubeconfig";
  if (p->options_.persistent) std::filesystem::create_directories(p->dir_ + "/data");
  if (absl::Status st = p->Launch("127.0.0.1:0"); !st.ok()) return st;
  return p;
}

absl::Status ApiServerProcess::Launch(const std::string& listen) {
  std::error_code ignored;
  std::filesystem::remove(kubeconfig_path_, ignored);
  std::vector<std::string> args = {BinaryPath(), "apiserver", "--listen", listen,
                                   "--kubeconfig-out", kubeconfig_path_};
  if (options_.tls) args.push_back("--tls");
  if (options_.persistent) {
    args.push_back("--data-dir");
    args.push_back(dir_ + "/data");
  }
  args.insert(args.end(), options_.extra_args.begin(), options_.extra_args.end());
  // The server must not outlive a test process that crashes before its destructor runs;
  // Spawn's death signal follows the forking thread, so start servers from a thread that
  // outlives them, as test fixtures on the main thread do.
  const std::string log_path = dir_ + "/apiserver.log";
  auto pid = Spawn(args, log_path);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;

  // The server writes its kubeconfig (write, then rename) once it serves.
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (true) {
    if (std::filesystem::exists(kubeconfig_path_)) {
      auto config = controller::LoadKubeconfig(kubeconfig_path_);
      if (config.ok()) {
        url_ = config->server;
        return absl::OkStatus();
      }
    }
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::InternalError("upkeep apiserver (" + args[0] +
                                 ") exited before it was ready: " + Tail(log_path));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      Kill();
      return absl::DeadlineExceededError("upkeep apiserver wrote no kubeconfig within 20 s: " +
                                         Tail(log_path));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

ApiServerProcess::~ApiServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!WaitForExit(pid_, kStopTimeout)) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    pid_ = -1;
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

void ApiServerProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

absl::Status ApiServerProcess::Restart() {
  if (pid_ > 0) {
    kill(pid_, SIGTERM);
    if (!WaitForExit(pid_, kStopTimeout)) Kill();
    pid_ = -1;
  }
  size_t colon = url_.rfind(':');
  if (colon == std::string::npos) return absl::FailedPreconditionError("no port in " + url_);
  return Launch("127.0.0.1:" + url_.substr(colon + 1));
}

controller::ClientConfig ApiServerProcess::client_config() const {
  auto config = controller::LoadKubeconfig(kubeconfig_path_);
  return config.ok() ? *config : controller::ClientConfig{};
}

absl::StatusOr<nlohmann::json> ApiServerProcess::Request(const std::string& method,
                                                         const std::string& path,
                                                         const nlohmann::json& body) {
  auto transport = controller::HttpTransport::Create(client_config(), std::chrono::seconds(10),
                                                     "upkeep-test");
  if (!transport.ok()) return transport.status();
  controller::HttpCall call;
  call.method = method;
  call.path_and_query = path;
  if (!body.is_null()) {
    call.body = body.dump();
    call.content_type = "application/json";
  }
  controller::HttpReply reply = (*transport)->Send(call);
  const std::string context = method + " " + path;
  if (!reply.error.ok()) {
    return controller::TransportError(std::string(reply.error.message()), context);
  }
  if (reply.code / 100 != 2) return controller::ApiError(reply.code, reply.body, context);
  if (reply.body.empty()) return nlohmann::json::object();
  nlohmann::json parsed = nlohmann::json::parse(reply.body, nullptr, false);
  if (parsed.is_discarded()) return nlohmann::json(reply.body);
  return parsed;
}

absl::Status ApiServerProcess::SetFaults(const nlohmann::json& plan) {
  return Request("POST", "/upkeep/faults", plan).status();
}

absl::Status ApiServerProcess::ClearFaults() {
  return Request("DELETE", "/upkeep/faults").status();
}

absl::StatusOr<int> ApiServerProcess::DropWatches() {
  auto reply = Request("POST", "/upkeep/drop-watches", nlohmann::json::object());
  if (!reply.ok()) return reply.status();
  return reply->value("dropped", 0);
}

absl::Status ApiServerProcess::Compact() {
  return Request("POST", "/upkeep/compact", nlohmann::json::object()).status();
}

}  // namespace upkeep::testing
