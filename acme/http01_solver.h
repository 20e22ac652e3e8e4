// Http01Solver: answers HTTP-01 challenges (RFC 8555 §8.3) itself, with a small HTTP server
// (cpprestsdk's http_listener) that serves GET /.well-known/acme-challenge/<token> with the
// token's key authorization as text/plain, and 404 for anything else. The CA must reach it on
// port 80 of every name in the order, directly or through an ingress or port forward.
//
// Thread-safe: Present and CleanUp may be called from any thread while the listener's
// threads serve requests.
#pragma once

#include <absl/status/statusor.h>

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "acme/challenge_solver.h"

namespace web::http::experimental::listener {
class http_listener;
}

namespace upkeep::acme {

class Http01Solver final : public ChallengeSolver {
 public:
  // Listens on `address` ("127.0.0.1", "0.0.0.0") and `port`; port 0 picks a free port,
  // reported by port(). Unavailable naming the address if it cannot listen.
  static absl::StatusOr<std::unique_ptr<Http01Solver>> Start(const std::string& address, int port);
  // Stops listening.
  ~Http01Solver() override;
  Http01Solver(const Http01Solver&) = delete;
  Http01Solver& operator=(const Http01Solver&) = delete;

  int port() const { return port_; }
  // Challenge requests answered with a key authorization so far (for tests and metrics).
  int served() const { return served_.load(); }

  std::string ChallengeType() const override { return "http-01"; }
  absl::Status Present(const std::string& token, const std::string& key_authorization) override;
  void CleanUp(const std::string& token) override;

 private:
  Http01Solver() = default;
  // The key authorization for a request path, or "" (unknown token or another path).
  std::string Lookup(const std::string& path) const;

  // Constant after Start.
  int port_ = 0;
  std::unique_ptr<web::http::experimental::listener::http_listener> listener_;

  std::atomic<int> served_{0};
  mutable std::mutex mu_;
  std::map<std::string, std::string> key_authorizations_;  // token → value; guarded by mu_
};

}  // namespace upkeep::acme
