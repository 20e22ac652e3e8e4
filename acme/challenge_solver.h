// ChallengeSolver: what makes a challenge answerable (RFC 8555 §8) while the CA validates it,
// e.g. an HTTP server answering /.well-known/acme-challenge/<token> (http01_solver.h), or, in
// the future, a DNS TXT record. ObtainCertificate presents every challenge of an order before
// accepting it and cleans all of them up afterwards, whatever the outcome. Implementations
// are called from the thread that runs the flow; thread safety is theirs to state.
#pragma once

#include <absl/status/status.h>

#include <string>

namespace upkeep::acme {

class ChallengeSolver {
 public:
  virtual ~ChallengeSolver() = default;

  // The challenge type this solver answers: "http-01".
  virtual std::string ChallengeType() const = 0;
  // Makes `key_authorization` available for `token`; the challenge is accepted only after
  // this returned OK. Presenting the same token again replaces the value.
  virtual absl::Status Present(const std::string& token, const std::string& key_authorization) = 0;
  // Withdraws `token`; unknown tokens are ignored.
  virtual void CleanUp(const std::string& token) = 0;
};

}  // namespace upkeep::acme
