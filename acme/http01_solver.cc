#include "acme/http01_solver.h"

#include <arpa/inet.h>
#include <cpprest/http_listener.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "controller/client/cpprest_thread_pool.h"

namespace upkeep::acme {
namespace {

namespace http = web::http;
using web::http::experimental::listener::http_listener;

constexpr char kChallengePrefix[] = "/.well-known/acme-challenge/";
// http_listener cannot report the port it bound for port 0, so a free port is picked first;
// another process may take it in between, hence a few attempts.
constexpr int kPortAttempts = 5;

// A TCP port on `address` that was free a moment ago, or 0.
int PickFreePort(const std::string& address) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return 0;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  if (inet_pton(AF_INET, address.c_str(), &addr.sin_addr) != 1) addr.sin_addr.s_addr = INADDR_ANY;
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Http01Solver>> Http01Solver::Start(const std::string& address,
                                                                  int port) {
  controller::InitializeCpprestThreadPool();
  std::string last_error;
  for (int attempt = 0; attempt < (port == 0 ? kPortAttempts : 1); ++attempt) {
    int try_port = port != 0 ? port : PickFreePort(address);
    if (try_port == 0) {
      last_error = "no free port";
      continue;
    }
    std::unique_ptr<Http01Solver> solver(new Http01Solver());
    std::string url = "http://" + address + ":" + std::to_string(try_port) + "/";
    try {
      solver->listener_ = std::make_unique<http_listener>(web::uri(url));
      Http01Solver* self = solver.get();
      solver->listener_->support([self](http::http_request request) {
        // Validation servers send GET; anything else gets no key authorization.
        std::string value;
        if (request.method() == http::methods::GET)
          value = self->Lookup(request.relative_uri().path());
        if (value.empty()) {
          request.reply(http::status_codes::NotFound, "not found\n", "text/plain")
              .then([](pplx::task<void> t) {
                try {
                  t.get();
                } catch (const std::exception&) {  // the CA hung up; nothing to do
                }
              });
          return;
        }
        ++self->served_;
        request.reply(http::status_codes::OK, value, "text/plain").then([](pplx::task<void> t) {
          try {
            t.get();
          } catch (const std::exception&) {
          }
        });
      });
      solver->listener_->open().wait();
    } catch (const std::exception& e) {
      last_error = e.what();
      solver->listener_.reset();
      continue;
    }
    solver->port_ = try_port;
    return solver;
  }
  return absl::UnavailableError("the HTTP-01 solver cannot listen on " + address + ":" +
                                std::to_string(port) + ": " + last_error);
}

Http01Solver::~Http01Solver() {
  if (listener_ == nullptr) return;
  try {
    listener_->close().wait();
  } catch (const std::exception&) {
    // Closing a listener whose socket already failed; nothing left to release.
  }
}

absl::Status Http01Solver::Present(const std::string& token, const std::string& key_authorization) {
  if (token.empty() || token.find('/') != std::string::npos) {
    return absl::InvalidArgumentError("HTTP-01 token \"" + token + "\" is not a path segment");
  }
  std::lock_guard<std::mutex> lock(mu_);
  key_authorizations_[token] = key_authorization;
  return absl::OkStatus();
}

void Http01Solver::CleanUp(const std::string& token) {
  std::lock_guard<std::mutex> lock(mu_);
  key_authorizations_.erase(token);
}

std::string Http01Solver::Lookup(const std::string& path) const {
  const std::string prefix = kChallengePrefix;
  if (path.compare(0, prefix.size(), prefix) != 0) return "";
  std::string token = path.substr(prefix.size());
  std::lock_guard<std::mutex> lock(mu_);
  auto it = key_authorizations_.find(token);
  return it == key_authorizations_.end() ? "" : it->second;
}

}  // namespace upkeep::acme
