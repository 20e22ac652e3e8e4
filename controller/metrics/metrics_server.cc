#include "controller/metrics/metrics_server.h"

#include "apiserver/http/http_server.h"
#include "controller/metrics/bind_address.h"

namespace upkeep::controller {

MetricsServer::MetricsServer(const Metrics& metrics, std::string bind_address)
    : metrics_(metrics), bind_address_(std::move(bind_address)) {}

MetricsServer::~MetricsServer() { Stop(); }

absl::Status MetricsServer::Start() {
  absl::StatusOr<BindAddress> address = ParseBindAddress(bind_address_);
  if (!address.ok()) return address.status();
  if (address->disabled) return absl::OkStatus();
  apiserver::HttpServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.io_threads = 1;
  auto server = std::make_unique<apiserver::HttpServer>(
      options, [this](const apiserver::HttpRequest& request) {
        apiserver::HttpResponse response;
        response.content_type = "text/plain; charset=utf-8";
        if (request.path != "/metrics") {
          response.status = 404;
          response.body = "404 page not found\n";
          return response;
        }
        response.content_type = kPrometheusTextContentType;
        response.body = metrics_.Render();
        return response;
      });
  if (absl::Status s = server->Start(); !s.ok()) return s;
  server_ = std::move(server);
  return absl::OkStatus();
}

void MetricsServer::Stop() {
  if (server_ != nullptr) server_->Stop();
}

uint16_t MetricsServer::port() const { return server_ != nullptr ? server_->port() : 0; }

}  // namespace upkeep::controller
