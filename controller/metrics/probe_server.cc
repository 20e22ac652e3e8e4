#include "controller/metrics/probe_server.h"

#include <absl/strings/str_cat.h>

#include "apiserver/http/http_server.h"
#include "controller/metrics/bind_address.h"

namespace upkeep::controller {
namespace {

using apiserver::HttpRequest;
using apiserver::HttpResponse;

HttpResponse TextResponse(int status, std::string body) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.body = std::move(body);
  return response;
}

// One endpoint's aggregate answer over `checks`.
HttpResponse RunChecks(const std::map<std::string, ProbeServer::Check>& checks,
                       const HttpRequest& request) {
  const std::string& excluded = request.Query("exclude");
  bool excluded_found = false;
  bool failed = false;
  std::string listing;
  for (const auto& [name, check] : checks) {
    if (!excluded.empty() && name == excluded) {
      excluded_found = true;
      absl::StrAppend(&listing, "[+]", name, " excluded: ok\n");
    } else if (!check().ok()) {
      failed = true;
      absl::StrAppend(&listing, "[-]", name, " failed: reason withheld\n");
    } else {
      absl::StrAppend(&listing, "[+]", name, " ok\n");
    }
  }
  if (!excluded.empty() && !excluded_found) {
    absl::StrAppend(&listing, "warn: some health checks cannot be excluded: no matches for \"",
                    excluded, "\"\n");
  }
  if (failed) return TextResponse(500, absl::StrCat(listing, "healthz check failed\n"));
  if (!request.HasQuery("verbose")) return TextResponse(200, "ok");
  return TextResponse(200, absl::StrCat(listing, "healthz check passed\n"));
}

HttpResponse RunOneCheck(const ProbeServer::Check& check) {
  absl::Status s = check();
  if (s.ok()) return TextResponse(200, "ok");
  return TextResponse(500, absl::StrCat("internal server error: ", s.message(), "\n"));
}

absl::Status AlwaysOk() { return absl::OkStatus(); }

}  // namespace

ProbeServer::ProbeServer(std::string bind_address) : bind_address_(std::move(bind_address)) {}

ProbeServer::~ProbeServer() { Stop(); }

absl::Status ProbeServer::AddHealthCheck(const std::string& name, Check check) {
  return AddCheck(health_checks_, name, std::move(check));
}

absl::Status ProbeServer::AddReadyCheck(const std::string& name, Check check) {
  return AddCheck(ready_checks_, name, std::move(check));
}

absl::Status ProbeServer::AddCheck(Checks& checks, const std::string& name, Check check) {
  if (name.empty() || name.find('/') != std::string::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid check name \"", name, "\": want a non-empty name without '/'"));
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!checks.emplace(name, std::move(check)).second) {
    return absl::AlreadyExistsError(absl::StrCat("a check named \"", name, "\" already exists"));
  }
  return absl::OkStatus();
}

HttpResponse ProbeServer::Serve(const HttpRequest& request) const {
  // "/readyz" or "/readyz/<check>".
  const std::string& path = request.path;
  const size_t slash = path.find('/', 1);
  const std::string endpoint = path.substr(0, slash);
  const std::string check_name = slash == std::string::npos ? "" : path.substr(slash + 1);
  Checks checks;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (endpoint == "/healthz" || endpoint == "/livez") {
      checks = health_checks_;
    } else if (endpoint == "/readyz") {
      checks = ready_checks_;
    } else {
      return TextResponse(404, "404 page not found\n");
    }
  }
  // Checks run outside mu_: a slow check must not hold up AddCheck.
  if (checks.empty()) checks.emplace("ping", AlwaysOk);
  if (slash == std::string::npos) return RunChecks(checks, request);
  auto it = checks.find(check_name);
  if (it == checks.end()) return TextResponse(404, "404 page not found\n");
  return RunOneCheck(it->second);
}

absl::Status ProbeServer::Start() {
  absl::StatusOr<BindAddress> address = ParseBindAddress(bind_address_);
  if (!address.ok()) return address.status();
  if (address->disabled) return absl::OkStatus();
  apiserver::HttpServerOptions options;
  options.host = address->host;
  options.port = address->port;
  options.io_threads = 1;
  auto server = std::make_unique<apiserver::HttpServer>(
      options, [this](const HttpRequest& request) { return Serve(request); });
  if (absl::Status s = server->Start(); !s.ok()) return s;
  server_ = std::move(server);
  return absl::OkStatus();
}

void ProbeServer::Stop() {
  if (server_ != nullptr) server_->Stop();
}

uint16_t ProbeServer::port() const { return server_ != nullptr ? server_->port() : 0; }

}  // namespace upkeep::controller
