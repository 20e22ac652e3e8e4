#include "acme/acme_transport.h"

#include <cpprest/http_client.h>
#include <cpprest/uri.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <boost/asio/ssl.hpp>
#include <vector>

#include "controller/client/cpprest_thread_pool.h"

namespace upkeep::acme {
namespace {

namespace http = web::http;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

std::string HeaderValue(const http::http_headers& headers, const char* name) {
  auto it = headers.find(name);  // case-insensitive
  return it == headers.end() ? "" : it->second;
}

}  // namespace

// The trusted certificates, parsed once; every new connection's SSL context gets them.
struct AcmeTransport::TlsTrust {
  std::vector<X509Ptr> authorities;  // empty: the system trust store

  void Apply(boost::asio::ssl::context& ctx) const {
    ctx.set_options(boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                    boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    if (authorities.empty()) return;  // cpprestsdk loaded the system's default paths
    // The bundle replaces the system roots: a private CA's clients should trust only it.
    X509_STORE* store = X509_STORE_new();
    for (const auto& ca : authorities) X509_STORE_add_cert(store, ca.get());
    SSL_CTX_set_cert_store(ctx.native_handle(), store);  // takes ownership
  }
};

absl::StatusOr<std::unique_ptr<AcmeTransport>> AcmeTransport::Create(TransportOptions options) {
  std::unique_ptr<AcmeTransport> t(new AcmeTransport());
  auto trust = std::make_shared<TlsTrust>();
  if (!options.ca_bundle_pem.empty()) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(
        BIO_new_mem_buf(options.ca_bundle_pem.data(),
                        static_cast<int>(options.ca_bundle_pem.size())),
        &BIO_free);
    while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
      trust->authorities.emplace_back(x);
    }
    ERR_clear_error();  // the loop ends on a "no start line" error
    if (trust->authorities.empty()) {
      return absl::InvalidArgumentError("the ACME CA bundle holds no PEM certificate");
    }
  }
  if (options.user_agent.empty()) options.user_agent = "upkeep-acme";
  t->options_ = std::move(options);
  t->trust_ = std::move(trust);
  controller::InitializeCpprestThreadPool();
  return t;
}

AcmeTransport::~AcmeTransport() = default;

absl::StatusOr<http::client::http_client*> AcmeTransport::ClientFor(const std::string& origin) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& client = clients_[origin];
  if (client == nullptr) {
    http::client::http_client_config cfg;
    cfg.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(options_.timeout));
    cfg.set_validate_certificates(true);
    std::shared_ptr<const TlsTrust> trust = trust_;
    cfg.set_ssl_context_callback([trust](boost::asio::ssl::context& ctx) { trust->Apply(ctx); });
    try {
      client = std::make_unique<http::client::http_client>(web::uri(origin), cfg);
    } catch (const std::exception& e) {
      clients_.erase(origin);
      return absl::InvalidArgumentError("cannot make an HTTPS client for " + origin + ": " +
                                        e.what());
    }
  }
  return client.get();
}

absl::StatusOr<HttpResponse> AcmeTransport::Send(const std::string& method, const std::string& url,
                                                 const std::string& body,
                                                 const std::string& content_type,
                                                 const std::string& accept) {
  const std::string context = method + " " + url;
  web::uri uri;
  try {
    uri = web::uri(url);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError(context + ": not a valid URL: " + e.what());
  }
  if (uri.scheme() != "https") {
    return absl::InvalidArgumentError(context + ": ACME servers are reached over https only");
  }
  std::string origin = "https://" + uri.host();
  if (uri.port() > 0) origin += ":" + std::to_string(uri.port());
  auto client = ClientFor(origin);
  if (!client.ok()) return client.status();

  HttpResponse out;
  try {
    http::http_request req(method);
    req.set_request_uri(uri.resource());
    req.headers().add("User-Agent", options_.user_agent);
    if (!accept.empty()) req.headers().add("Accept", accept);
    if (!content_type.empty()) req.set_body(body, content_type);
    http::http_response response = (*client)->request(req).get();
    out.code = response.status_code();
    if (method != "HEAD")
      out.body = response.extract_utf8string(/*ignore_content_type=*/true).get();
    const auto& headers = response.headers();
    out.content_type = HeaderValue(headers, "Content-Type");
    out.location = HeaderValue(headers, "Location");
    out.replay_nonce = HeaderValue(headers, "Replay-Nonce");
    out.retry_after = HeaderValue(headers, "Retry-After");
  } catch (const std::exception& e) {
    std::string what = e.what();
    std::string trust =
        options_.ca_bundle_pem.empty() ? "the system trust store" : "the configured CA bundle";
    if (what.find("SSL") != std::string::npos || what.find("certificate") != std::string::npos ||
        what.find("handshake") != std::string::npos) {
      what += " (the server's certificate was checked against " + trust + ")";
    }
    return absl::UnavailableError(context + ": " + what);
  }
  return out;
}

}  // namespace upkeep::acme
