// AcmeTransport: HTTPS requests to an ACME server on cpprestsdk, one request per call.
//
// TLS is always verified: against the given CA bundle only (a private ACME server such as
// pebble or step-ca), or against the system trust store when the bundle is empty. Only
// https:// URLs are accepted (RFC 8555 §6.1). cpprestsdk's exceptions stop here and become
// Unavailable statuses naming the method and URL. It knows nothing of JWS, nonces or
// problem documents (acme_client_impl.cc does). Private to acme/. Thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace web::http::client {
class http_client;
}

namespace upkeep::acme {

struct TransportOptions {
  std::string ca_bundle_pem;  // PEM certificates to trust; "" = the system trust store
  std::string user_agent;     // "" = "upkeep-acme"
  // Bounds each network operation of a request (connect, send, each read); default 30 s.
  std::chrono::milliseconds timeout{std::chrono::seconds(30)};
};

struct HttpResponse {
  int code = 0;
  std::string body;
  std::string content_type;
  // The headers ACME uses, "" when absent.
  std::string location;
  std::string replay_nonce;
  std::string retry_after;
};

class AcmeTransport {
 public:
  // InvalidArgument if the CA bundle holds no PEM certificate.
  static absl::StatusOr<std::unique_ptr<AcmeTransport>> Create(TransportOptions options);
  ~AcmeTransport();
  AcmeTransport(const AcmeTransport&) = delete;
  AcmeTransport& operator=(const AcmeTransport&) = delete;

  // Sends one request; any HTTP status is a response. `content_type` "" sends no body.
  // InvalidArgument for a URL that is not https://; Unavailable when the server cannot be
  // reached, the TLS handshake fails or the response is cut off.
  absl::StatusOr<HttpResponse> Send(const std::string& method, const std::string& url,
                                    const std::string& body, const std::string& content_type,
                                    const std::string& accept);

 private:
  struct TlsTrust;
  AcmeTransport() = default;
  // The client for the URL's scheme://host:port, made on first use.
  absl::StatusOr<web::http::client::http_client*> ClientFor(const std::string& origin);

  // Constant after construction.
  TransportOptions options_;
  std::shared_ptr<const TlsTrust> trust_;

  std::mutex mu_;
  // http_client is thread-safe; one per origin keeps its connections pooled.
  std::map<std::string, std::unique_ptr<web::http::client::http_client>>
      clients_;  // guarded by mu_
};

}  // namespace upkeep::acme
