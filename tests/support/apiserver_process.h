// ApiServerProcess: a real `upkeep apiserver` process for integration tests, on 127.0.0.1
// with an ephemeral port, in a temporary folder removed afterwards. Ended by its PID in the
// destructor (SIGKILL if it does not stop on SIGTERM within 5 s).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/client_config.h"

namespace upkeep::testing {

struct ApiServerProcessOptions {
  bool tls = false;
  bool persistent = false;              // --data-dir under the temporary folder
  std::vector<std::string> extra_args;  // e.g. {"--bookmark-interval-ms", "200"}
};

class ApiServerProcess {
 public:
  // Starts the binary named by the UPKEEP_BIN environment variable (set by CTest), or the
  // path compiled in as UPKEEP_BIN_PATH, and waits until its kubeconfig is written.
  static absl::StatusOr<std::unique_ptr<ApiServerProcess>> Start(
      ApiServerProcessOptions options = {});
  ~ApiServerProcess();
  ApiServerProcess(const ApiServerProcess&) = delete;
  ApiServerProcess& operator=(const ApiServerProcess&) = delete;

  const std::string& url() const { return url_; }
  const std::string& kubeconfig_path() const { return kubeconfig_path_; }
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return pid_; }
  // The kubeconfig loaded with LoadKubeconfig.
  controller::ClientConfig client_config() const;

  // The server's loopback-only fault hooks (see apiserver/rest/fault_injector.h):
  // SetFaults({{"errorRate", 1.0}, {"errorCode", 429}, {"verbs", "list"}}), ClearFaults(),
  // DropWatches() (returns how many were dropped), Compact().
  absl::Status SetFaults(const nlohmann::json& plan);
  absl::Status ClearFaults();
  absl::StatusOr<int> DropWatches();
  absl::Status Compact();
  // Any admin or API request, for what the client under test should not do itself.
  absl::StatusOr<nlohmann::json> Request(const std::string& method, const std::string& path,
                                         const nlohmann::json& body = nullptr);

  // SIGKILL now (for crash tests); the destructor then only cleans up.
  void Kill();
  // Starts it again on the same port and data dir (after Kill, with persistent = true).
  absl::Status Restart();

 private:
  ApiServerProcess() = default;
  absl::Status Launch(const std::string& listen);

  ApiServerProcessOptions options_;
  std::string dir_;
  std::string kubeconfig_path_;
  std::string url_;
  pid_t pid_ = -1;
};

}  // namespace upkeep::testing
