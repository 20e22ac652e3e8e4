#include "apiserver/server.h"

#include <fstream>
#include <sys/stat.h>

#include <boost/asio/ssl.hpp>

#include "apiserver/gc/garbage_collector.h"
#include "apiserver/http/http_server.h"
#include "apiserver/registry/resource_registry.h"
#include "apiserver/rest/api_handler.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/watch_hub.h"
#include "apiserver/store/object_store.h"
#include "apiserver/store/sqlite_backend.h"
#include "apiserver/tls/tls_credentials.h"

namespace upkeep::apiserver {
namespace {

absl::Status SplitHostPort(const std::string& listen, std::string* host, uint16_t* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    return absl::InvalidArgumentError("--listen must be HOST:PORT, got \"" + listen + "\"");
  }
  *host = listen.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  if (host->empty()) *host = "127.0.0.1";
  std::string p = listen.substr(colon + 1);
  char* end = nullptr;
  long value = std::strtol(p.c_str(), &end, 10);
  if (p.empty() || *end != '\0' || value < 0 || value > 65535) {
    return absl::InvalidArgumentError("--listen port must be 0-65535, got \"" + p + "\"");
  }
  *port = static_cast<uint16_t>(value);
  return absl::OkStatus();
}

absl::Status WriteFileAtomically(const std::string& path, const std::string& text) {
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return absl::UnavailableError("cannot write " + tmp);
    out << text;
    if (!out.flush()) return absl::UnavailableError("cannot write " + tmp);
  }
  chmod(tmp.c_str(), 0600);  // a kubeconfig may hold a bearer token
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    return absl::UnavailableError("cannot rename " + tmp + " to " + path);
  }
  return absl::OkStatus();
}

}  // namespace

struct ApiServer::Parts {
  std::unique_ptr<ObjectStore> store;
  std::unique_ptr<ResourceRegistry> registry;
  std::unique_ptr<WatchHub> watches;
  std::unique_ptr<ResourceHandler> resources;
  std::unique_ptr<ApiHandler> api;
  std::unique_ptr<GarbageCollector> collector;
  std::unique_ptr<HttpServer> http;
  std::optional<TlsCredentials> credentials;
  std::string host;
  uint16_t port = 0;
};

ApiServer::ApiServer(ApiServerOptions options) : options_(std::move(options)) {}

ApiServer::~ApiServer() { Stop(); }

absl::Status ApiServer::Start() {
  auto parts = std::make_unique<Parts>();
  uint16_t port = 0;
  if (absl::Status st = SplitHostPort(options_.listen, &parts->host, &port); !st.ok()) return st;

  std::unique_ptr<StorageBackend> backend;
  if (!options_.data_dir.empty()) {
    auto sqlite = SqliteBackend::Open(options_.data_dir);
    if (!sqlite.ok()) return sqlite.status();
    backend = std::move(*sqlite);
  }
  ObjectStore::Options store_options;
  store_options.history_capacity = options_.watch_history;
  parts->store = std::make_unique<ObjectStore>(std::move(backend), store_options);
  if (absl::Status st = parts->store->Load(); !st.ok()) return st;
  parts->registry = std::make_unique<ResourceRegistry>();
  parts->watches = std::make_unique<WatchHub>(
      *parts->store, std::chrono::milliseconds(options_.bookmark_interval_ms));
  parts->resources = std::make_unique<ResourceHandler>(*parts->store, *parts->registry,
                                                       *parts->watches, ResourceHandlerOptions{});
  parts->resources->ServeStoredCustomResourceDefinitions();
  if (absl::Status st = parts->resources->EnsureSystemNamespaces(); !st.ok()) return st;

  HttpServerOptions http_options;
  http_options.host = parts->host;
  http_options.port = port;
  http_options.io_threads = options_.io_threads;
  ApiHandlerOptions api_options;
  if (options_.tls) {
    std::vector<std::string> sans;
    if (parts->host != "127.0.0.1" && parts->host != "::1" && parts->host != "0.0.0.0") {
      sans.push_back(parts->host);
    }
    auto creds = options_.data_dir.empty()
                     ? GenerateTlsCredentials(sans)
                     : LoadOrCreateTlsCredentials(options_.data_dir + "/tls", sans);
    if (!creds.ok()) return creds.status();
    parts->credentials = *creds;
    auto ctx = std::make_shared<boost::asio::ssl::context>(boost::asio::ssl::context::tls_server);
    ctx->set_options(boost::asio::ssl::context::default_workarounds |
                     boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                     boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    boost::system::error_code ec;
    ctx->use_certificate_chain(boost::asio::buffer(creds->server_cert_pem), ec);
    if (!ec) ctx->use_private_key(boost::asio::buffer(creds->server_key_pem),
                                  boost::asio::ssl::context::pem, ec);
    if (ec) return absl::InternalError("cannot load the generated TLS key pair: " + ec.message());
    http_options.tls = ctx;
    api_options.bearer_token = creds->bearer_token;
  }
  // The handler needs the real address, known only after binding; it reads it lazily.
  auto address = std::make_shared<std::string>();
  parts->http = std::make_unique<HttpServer>(
      http_options, [p = parts.get()](const HttpRequest& req) { return p->api->Handle(req); });
  if (absl::Status st = parts->http->Start(); !st.ok()) return st;
  parts->port = parts->http->port();
  std::string host = parts->host.find(':') != std::string::npos ? "[" + parts->host + "]" : parts->host;
  api_options.server_address = host + ":" + std::to_string(parts->port);
  parts->api = std::make_unique<ApiHandler>(*parts->store, *parts->registry, *parts->watches,
                                            *parts->resources, api_options);
  parts->collector = std::make_unique<GarbageCollector>(*parts->store, *parts->registry,
                                                        *parts->resources);
  parts_ = std::move(parts);
  if (!options_.kubeconfig_out.empty()) {
    if (absl::Status st = WriteFileAtomically(options_.kubeconfig_out, Kubeconfig()); !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

void ApiServer::Stop() {
  if (!parts_) return;
  parts_->http->Stop();
  parts_->collector.reset();
  parts_.reset();
}

std::string ApiServer::Url() const {
  if (!parts_) return "";
  std::string host = parts_->host == "0.0.0.0" ? "127.0.0.1" : parts_->host;
  if (host.find(':') != std::string::npos) host = "[" + host + "]";
  return std::string(options_.tls ? "https" : "http") + "://" + host + ":" +
         std::to_string(parts_->port);
}

std::string ApiServer::Kubeconfig() const {
  std::string cluster = "    server: " + Url() + "\n";
  std::string user = "  user: {}\n";
  if (parts_ && parts_->credentials) {
    cluster += "    certificate-authority-data: " + Base64Encode(parts_->credentials->ca_cert_pem) + "\n";
    user = "  user:\n    token: " + parts_->credentials->bearer_token + "\n";
  }
  return "apiVersion: v1\n"
         "kind: Config\n"
         "clusters:\n"
         "- name: upkeep\n"
         "  cluster:\n" +
         cluster +
         "contexts:\n"
         "- name: upkeep\n"
         "  context:\n"
         "    cluster: upkeep\n"
         "    user: upkeep\n"
         "    namespace: default\n"
         "current-context: upkeep\n"
         "users:\n"
         "- name: upkeep\n" +
         user;
}

}  // namespace upkeep::apiserver
