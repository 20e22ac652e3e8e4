#include "controller/client/http_transport.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <algorithm>
#include <mutex>
#include <vector>

#include <boost/asio/ssl.hpp>
#include <cpprest/uri.h>

#include "controller/client/api_error.h"
#include "controller/client/cpprest_thread_pool.h"

namespace upkeep::controller {
namespace {

namespace http = web::http;

// Read size while streaming; events are read as soon as any bytes arrive.
constexpr size_t kStreamReadChunk = 16 * 1024;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

absl::StatusOr<std::vector<X509Ptr>> ParseCertificates(const std::string& pem,
                                                       const std::string& what) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(),
                                                                static_cast<int>(pem.size())),
                                                &BIO_free);
  std::vector<X509Ptr> certs;
  while (X509* x = PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr)) {
    certs.emplace_back(x);
  }
  ERR_clear_error();  // the loop ends on a "no start line" error
  if (certs.empty()) return absl::InvalidArgumentError(what + " holds no PEM certificate");
  return certs;
}

// cpprestsdk's error text says which step failed; these steps never reach the server.
bool FailedBeforeSending(const std::string& what) {
  return what.find("connect") != std::string::npos || what.find("resolv") != std::string::npos ||
         what.find("SSL handshake") != std::string::npos;
}

// `source` names the client config, for TLS failures (whose CA or name is wrong).
HttpReply FailureReply(const std::exception& e, const std::string& source) {
  HttpReply reply;
  std::string what = e.what();
  reply.request_sent = !FailedBeforeSending(what);
  if (what.find("SSL") != std::string::npos || what.find("certificate") != std::string::npos) {
    reply.error = TlsError(what + " (the server's certificate was checked against the CA and "
                                  "server name of " + source + ")",
                           "");
  } else {
    reply.error = TransportError(what, "");
  }
  return reply;
}

}  // namespace

// The PEM material parsed once; each new connection's SSL context gets it.
struct HttpTransport::TlsMaterial {
  std::vector<X509Ptr> authorities;  // empty: the system roots
  std::string client_certificate_pem;
  std::string client_key_pem;

  void Apply(boost::asio::ssl::context& ctx) const {
    ctx.set_options(boost::asio::ssl::context::no_sslv2 | boost::asio::ssl::context::no_sslv3 |
                    boost::asio::ssl::context::no_tlsv1 | boost::asio::ssl::context::no_tlsv1_1);
    if (!authorities.empty()) {
      // Only the configured CA: a kubeconfig's CA replaces the system roots, as in client-go.
      X509_STORE* store = X509_STORE_new();
      for (const auto& ca : authorities) X509_STORE_add_cert(store, ca.get());
      SSL_CTX_set_cert_store(ctx.native_handle(), store);  // takes ownership
    }
    if (!client_certificate_pem.empty()) {
      boost::system::error_code ec;  // checked in Create(); cannot fail here
      ctx.use_certificate_chain(boost::asio::buffer(client_certificate_pem), ec);
      ctx.use_private_key(boost::asio::buffer(client_key_pem), boost::asio::ssl::context::pem,
                          ec);
    }
  }
};

HttpLineStream::HttpLineStream(http::http_response response,
                               pplx::cancellation_token_source cancel,
                               std::shared_ptr<void> owner)
    : owner_(std::move(owner)),
      response_(std::move(response)),
      cancel_(std::move(cancel)),
      body_(response_.body().streambuf()),
      chunk_(kStreamReadChunk) {}

HttpLineStream::~HttpLineStream() {
  // Closes the connection if the body is still coming, so it is not read in the background
  // nor put back in the pool half-read.
  Cancel();
}

void HttpLineStream::Cancel() { cancel_.cancel(); }

absl::StatusOr<std::optional<std::string>> HttpLineStream::ReadLine() {
  size_t scanned = 0;
  while (true) {
    size_t newline = pending_.find('\n', scanned);
    if (newline != std::string::npos) {
      std::string line = pending_.substr(0, newline);
      pending_.erase(0, newline + 1);
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return std::optional<std::string>(std::move(line));
    }
    scanned = pending_.size();
    size_t read = 0;
    try {
      // Whatever has arrived, or wait for one byte: getn waits for the full count.
      size_t want = std::clamp<size_t>(body_.in_avail(), 1, chunk_.size());
      read = body_.getn(chunk_.data(), want).get();
    } catch (const std::exception& e) {
      return TransportError(std::string("reading the stream: ") + e.what(), "");
    }
    if (read > 0) {
      pending_.append(reinterpret_cast<const char*>(chunk_.data()), read);
      continue;
    }
    // The body ended: normally, or with the error the response was completed with.
    try {
      response_.content_ready().get();
    } catch (const std::exception& e) {
      return TransportError(std::string("reading the stream: ") + e.what(), "");
    }
    if (!pending_.empty()) {
      std::string line = std::move(pending_);
      pending_.clear();
      return std::optional<std::string>(std::move(line));
    }
    return std::optional<std::string>();
  }
}

absl::StatusOr<std::unique_ptr<HttpTransport>> HttpTransport::Create(
    const ClientConfig& config, std::chrono::milliseconds timeout, std::string user_agent) {
  if (config.server.empty()) {
    return absl::InvalidArgumentError("client config from " + config.source + " has no server");
  }
  std::unique_ptr<HttpTransport> t(new HttpTransport());
  t->server_ = config.server;
  t->source_ = config.source.empty() ? "the client config" : config.source;
  t->user_agent_ = std::move(user_agent);
  t->tls_server_name_ = config.tls_server_name;
  t->insecure_ = config.insecure_skip_tls_verify;
  web::uri uri;
  try {
    uri = web::uri(config.server);
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError("server URL \"" + config.server + "\" from " +
                                      config.source + " is not valid: " + e.what());
  }
  if (uri.scheme() != "https" && uri.scheme() != "http") {
    return absl::InvalidArgumentError("server URL \"" + config.server + "\" from " +
                                      config.source + " must start with https:// or http://");
  }
  int port = uri.port() > 0 ? uri.port() : (uri.scheme() == "https" ? 443 : 80);
  t->host_ = uri.host() + ":" + std::to_string(port);

  auto tls = std::make_shared<TlsMaterial>();
  if (!config.certificate_authority_pem.empty()) {
    auto cas = ParseCertificates(config.certificate_authority_pem,
                                 "the certificate authority of " + config.source);
    if (!cas.ok()) return cas.status();
    tls->authorities = std::move(*cas);
  }
  if (!config.client_certificate_pem.empty()) {
    boost::asio::ssl::context check(boost::asio::ssl::context::tls_client);
    boost::system::error_code ec;
    check.use_certificate_chain(boost::asio::buffer(config.client_certificate_pem), ec);
    if (ec) {
      return absl::InvalidArgumentError("the client certificate of " + config.source +
                                        " is not a valid PEM certificate: " + ec.message());
    }
    check.use_private_key(boost::asio::buffer(config.client_key_pem),
                          boost::asio::ssl::context::pem, ec);
    if (ec || SSL_CTX_check_private_key(check.native_handle()) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError("the client key of " + config.source +
                                        " is not a valid PEM key matching its certificate");
    }
    tls->client_certificate_pem = config.client_certificate_pem;
    tls->client_key_pem = config.client_key_pem;
  }
  t->tls_ = std::move(tls);
  t->token_ = std::make_unique<BearerTokenSource>(config.bearer_token, config.bearer_token_file);

  InitializeCpprestThreadPool();
  try {
    t->client_ = std::make_unique<http::client::http_client>(
        uri, t->ClientConfigWithTimeout(timeout));
  } catch (const std::exception& e) {
    return absl::InvalidArgumentError("cannot make an HTTP client for " + config.server + ": " +
                                      e.what());
  }
  return t;
}

HttpTransport::~HttpTransport() = default;

http::client::http_client_config HttpTransport::ClientConfigWithTimeout(
    std::chrono::milliseconds timeout) const {
  http::client::http_client_config cfg;
  cfg.set_timeout(std::chrono::duration_cast<std::chrono::microseconds>(timeout));
  cfg.set_validate_certificates(!insecure_);
  std::shared_ptr<const TlsMaterial> tls = tls_;
  cfg.set_ssl_context_callback([tls](boost::asio::ssl::context& ctx) { tls->Apply(ctx); });
  return cfg;
}

absl::StatusOr<http::http_request> HttpTransport::BuildRequest(const HttpCall& call) {
  auto token = token_->Token();
  if (!token.ok()) return token.status();
  http::http_request req(call.method);
  req.set_request_uri(web::uri(call.path_and_query));
  req.headers().add("Accept", "application/json");
  req.headers().add("User-Agent", user_agent_);
  if (!token->empty()) req.headers().add("Authorization", "Bearer " + *token);
  // cpprestsdk verifies the certificate against the Host header when one is set.
  if (!tls_server_name_.empty()) req.headers().add("Host", tls_server_name_);
  if (!call.content_type.empty()) req.set_body(call.body, call.content_type);
  return req;
}

HttpReply HttpTransport::Send(const HttpCall& call) {
  HttpReply reply;
  try {
    auto req = BuildRequest(call);
    if (!req.ok()) {
      reply.error = req.status();
      reply.request_sent = false;
      return reply;
    }
    http::http_response response = client_->request(*req).get();
    reply.code = response.status_code();
    reply.body = response.extract_utf8string(/*ignore_content_type=*/true).get();
    auto retry_after = response.headers().find("Retry-After");
    if (retry_after != response.headers().end()) reply.retry_after = retry_after->second;
  } catch (const std::exception& e) {
    return FailureReply(e, source_);
  }
  return reply;
}

HttpTransport::Opened HttpTransport::Open(const HttpCall& call,
                                          std::chrono::milliseconds idle_timeout,
                                          pplx::cancellation_token_source cancel) {
  Opened opened;
  try {
    auto req = BuildRequest(call);
    if (!req.ok()) {
      opened.reply.error = req.status();
      opened.reply.request_sent = false;
      return opened;
    }
    // Its own client: the idle timeout differs from the request timeout, and a streamed
    // connection is not shared anyway.
    auto client = std::make_shared<http::client::http_client>(
        web::uri(server_), ClientConfigWithTimeout(idle_timeout));
    http::http_response response = client->request(*req, cancel.get_token()).get();
    opened.reply.code = response.status_code();
    if (opened.reply.code / 100 == 2) {
      opened.stream = std::make_unique<HttpLineStream>(std::move(response), std::move(cancel),
                                                         std::move(client));
    } else {
      opened.reply.body = response.extract_utf8string(/*ignore_content_type=*/true).get();
      auto retry_after = response.headers().find("Retry-After");
      if (retry_after != response.headers().end()) opened.reply.retry_after = retry_after->second;
    }
  } catch (const std::exception& e) {
    opened.reply = FailureReply(e, source_);
  }
  return opened;
}

}  // namespace upkeep::controller
