// MetricsServer: serves Metrics::Render() on GET /metrics at --metrics-bind-address
// (default ":8080"; "0" disables it), for Prometheus to scrape.
//
// Thread-safe: Start and Stop from one thread; scrapes run on the server's I/O thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <absl/status/status.h>

#include "controller/metrics/metrics.h"

namespace upkeep::apiserver {
class HttpServer;
}

namespace upkeep::controller {

class MetricsServer {
 public:
  // `metrics` is borrowed and must outlive the server. The address is parsed by Start.
  MetricsServer(const Metrics& metrics, std::string bind_address = ":8080");
  ~MetricsServer();  // stops
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Listens and serves. OK without listening when the address disables the server;
  // InvalidArgument for a malformed address, Unavailable when it cannot listen.
  absl::Status Start();
  // Idempotent.
  void Stop();
  // The bound port (the real one for port 0); 0 when disabled or not started.
  uint16_t port() const;
  bool enabled() const { return server_ != nullptr; }

 private:
  // Constant after construction.
  const Metrics& metrics_;
  const std::string bind_address_;

  std::unique_ptr<apiserver::HttpServer> server_;  // set by Start
};

}  // namespace upkeep::controller
