// HttpTransport: one API server's HTTP(S) connection setup on cpprestsdk: TLS with the
// config's CA and client certificate (from memory), the bearer token on every request, and
// cpprestsdk's exceptions turned into Status values. It knows nothing of Kubernetes verbs,
// retries or rate limits (rest_kube_client.cc); it sends one request and reports what came
// back. Private to controller/client. Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <cpprest/http_client.h>
#include <pplx/pplxtasks.h>

#include "controller/client/bearer_token_source.h"
#include "controller/client/client_config.h"

namespace upkeep::controller {

struct HttpCall {
  std::string method;          // "GET", "POST", ...
  std::string path_and_query;  // "/api/v1/namespaces/default/configmaps?limit=10"
  std::string body;            // sent only when content_type is set
  std::string content_type;
};

// The outcome of one attempt: a response (any status code) or a failure below HTTP.
struct HttpReply {
  absl::Status error;          // a TransportError/TlsError; code and body unset then
  bool request_sent = true;    // false when it failed before a byte reached the server
  int code = 0;
  std::string body;
  std::string retry_after;     // the Retry-After header, "" if none
};

// A response being streamed (a watch), read line by line.
class HttpLineStream {
 public:
  // `owner` keeps whatever produced the response (its http_client) alive while reading.
  HttpLineStream(web::http::http_response response, pplx::cancellation_token_source cancel,
                 std::shared_ptr<void> owner);
  ~HttpLineStream();
  HttpLineStream(const HttpLineStream&) = delete;
  HttpLineStream& operator=(const HttpLineStream&) = delete;

  // The next line without its '\n'; nullopt when the server ended the body; an error when
  // the connection failed or was cancelled. Blocks until a whole line arrived.
  absl::StatusOr<std::optional<std::string>> ReadLine();
  // Aborts the connection (from any thread); a blocked ReadLine returns an error promptly.
  void Cancel();

 private:
  std::shared_ptr<void> owner_;
  web::http::http_response response_;
  pplx::cancellation_token_source cancel_;
  concurrency::streams::streambuf<uint8_t> body_;
  std::vector<uint8_t> chunk_;  // read buffer
  std::string pending_;         // bytes read past the last returned line
};

class HttpTransport {
 public:
  // Checks the config's PEM data and server URL; `timeout` bounds each request (cpprestsdk
  // measures it per network operation, so it is an idle timeout).
  static absl::StatusOr<std::unique_ptr<HttpTransport>> Create(const ClientConfig& config,
                                                               std::chrono::milliseconds timeout,
                                                               std::string user_agent);
  ~HttpTransport();
  HttpTransport(const HttpTransport&) = delete;
  HttpTransport& operator=(const HttpTransport&) = delete;

  // Sends one request and reads the whole response.
  HttpReply Send(const HttpCall& call);
  // Sends one request whose response body is read with the returned stream when the code is
  // 2xx (for other codes `body` holds the whole response). `idle_timeout` replaces the
  // request timeout: a quiet stream is closed after it. `cancel` aborts the request.
  struct Opened {
    HttpReply reply;                         // code set, body only when not 2xx
    std::unique_ptr<HttpLineStream> stream;  // set for 2xx
  };
  Opened Open(const HttpCall& call, std::chrono::milliseconds idle_timeout,
              pplx::cancellation_token_source cancel);

  // "host:port" of the server.
  const std::string& host() const { return host_; }

 private:
  struct TlsMaterial;
  HttpTransport() = default;
  web::http::client::http_client_config ClientConfigWithTimeout(
      std::chrono::milliseconds timeout) const;
  absl::StatusOr<web::http::http_request> BuildRequest(const HttpCall& call);

  // Constant after construction.
  std::string server_;
  std::string source_;  // ClientConfig::source, for error messages
  std::string host_;
  std::string user_agent_;
  std::string tls_server_name_;
  bool insecure_ = false;
  std::shared_ptr<const TlsMaterial> tls_;
  std::unique_ptr<web::http::client::http_client> client_;  // thread-safe per cpprestsdk
  std::unique_ptr<BearerTokenSource> token_;                // thread-safe
};

}  // namespace upkeep::controller
