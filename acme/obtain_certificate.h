// ObtainCertificate: the whole ACME issuance flow in one call, on top of AcmeClient's steps:
// order (new, or resumed from a stored URL) → for each pending authorization, present and
// accept the solver's challenge → poll until the authorizations are valid → finalize with the
// CSR → poll until the order is valid → download the chain.
//
// Polling waits on the injected clock, honours the server's Retry-After (capped), and never
// passes the deadline: when it would, the result is DeadlineExceeded naming the order URL and
// what was awaited, so a caller can resume that order later. Every challenge presented is
// cleaned up before returning, success or not. Thread-compatible: one flow per call; the
// client is thread-safe, the solver is called from this thread only.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <string>
#include <vector>

#include "acme/acme_client.h"
#include "acme/challenge_solver.h"
#include "controller/clock/clock.h"

namespace upkeep::acme {

struct ObtainRequest {
  std::vector<Identifier> identifiers{};  // for a new order; ignored when resuming
  std::string csr_der{};                  // the CSR for exactly these identifiers, DER
  std::string order_url{};                // "" = new order; else resume this order
  std::string replaces{};                 // ARI CertID of the certificate renewed; "" = none
  // The whole flow's bound, measured on the clock; default 5 minutes.
  controller::Clock::Duration timeout = std::chrono::minutes(5);
  // Without a Retry-After, the first poll of each thing waited for (an authorization, the
  // order) comes after first_poll_interval, and each next one after twice the wait before, up
  // to poll_interval: a CA that validates at once (pebble, or Let's Encrypt on a good day) is
  // not waited on for a whole second, a slow one is not polled more than once a second.
  controller::Clock::Duration first_poll_interval = std::chrono::milliseconds(100);
  // The longest wait between polls when the server sends no Retry-After; default 1 s.
  controller::Clock::Duration poll_interval = std::chrono::seconds(1);
  // The longest wait a Retry-After may ask for between polls; default 30 s.
  controller::Clock::Duration max_poll_interval = std::chrono::seconds(30);
};

struct IssuedCertificate {
  std::string order_url;
  std::string certificate_url;
  std::string certificate_chain_pem;  // leaf first
};

// Needs a client bound to an account. Errors are the failing step's status, with the
// identifier and the CA's reason when an authorization fails (PermissionDenied for a
// validation the CA rejected).
absl::StatusOr<IssuedCertificate> ObtainCertificate(AcmeClient& client, ChallengeSolver& solver,
                                                    const controller::Clock& clock,
                                                    const ObtainRequest& request);

}  // namespace upkeep::acme
