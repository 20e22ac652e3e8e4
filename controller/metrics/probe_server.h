// ProbeServer: the liveness and readiness endpoints at --health-probe-bind-address
// (default ":8081"; "0" disables it), answering as controller-runtime and kube do:
//   GET /healthz, /livez  health checks;  GET /readyz  ready checks;
//   GET /<endpoint>/<check>  one check: 200 "ok", or 500 "internal server error: <reason>".
// All pass: 200 "ok" ("[+]name ok" lines and "healthz check passed" with ?verbose).
// Any fails: 500 with every check listed, failures as "[-]name failed: reason withheld" (the
// aggregate endpoints are unauthenticated; the per-check path tells the reason), ending
// "healthz check failed". ?exclude=name skips one check. With no checks registered an
// endpoint has the always-passing "ping" check.
//
// Checks run on the server's I/O thread at each request and must be quick. Thread-safe:
// checks may be added before or after Start, from any thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include <absl/status/status.h>

namespace upkeep::apiserver {
class HttpServer;
struct HttpRequest;
struct HttpResponse;
}  // namespace upkeep::apiserver

namespace upkeep::controller {

class ProbeServer {
 public:
  using Check = std::function<absl::Status()>;

  explicit ProbeServer(std::string bind_address = ":8081");
  ~ProbeServer();  // stops
  ProbeServer(const ProbeServer&) = delete;
  ProbeServer& operator=(const ProbeServer&) = delete;

  // AlreadyExists when a check of that name is registered; InvalidArgument for an empty
  // name or one with '/'.
  absl::Status AddHealthCheck(const std::string& name, Check check);
  absl::Status AddReadyCheck(const std::string& name, Check check);

  // As MetricsServer::Start.
  absl::Status Start();
  void Stop();            // idempotent
  uint16_t port() const;  // 0 when disabled or not started
  bool enabled() const { return server_ != nullptr; }

 private:
  using Checks = std::map<std::string, Check>;  // by name, the order they are listed in

  absl::Status AddCheck(Checks& checks, const std::string& name, Check check);
  apiserver::HttpResponse Serve(const apiserver::HttpRequest& request) const;

  // Constant after construction.
  const std::string bind_address_;

  mutable std::mutex mu_;
  Checks health_checks_;  // guarded by mu_
  Checks ready_checks_;   // guarded by mu_

  std::unique_ptr<apiserver::HttpServer> server_;  // set by Start
};

}  // namespace upkeep::controller
