// AcmeClient: an ACME (RFC 8555) client, one call per protocol step.
//
// The steps are separate so a reconciler can persist what it learned (the account URL, the
// order URL) and resume after a restart: find or register the account, create an order,
// answer its authorizations' challenges, finalize with a CSR, download the chain. For the
// whole flow in one call, see obtain_certificate.h. The client keeps a pool of nonces, retries
// a request the server rejects with badNonce (up to `max_bad_nonce_retries` times, each with
// the fresh nonce the rejection carried), and turns every error into an absl::Status
// (problem.h: the ACME error type and detail in the message; Unavailable for transport
// failures and server errors, naming the URL; ResourceExhausted with the Retry-After for rate
// limits).
//
// An abstract class so reconciler tests can stand in a fake; Create() makes the real one.
// Thread-safe: all methods may be called concurrently; the account is whatever was bound
// last by RegisterAccount, FindAccount or UseAccount.
#pragma once

#include <absl/status/statusor.h>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "acme/account_key.h"
#include "acme/jws.h"
#include "acme/resources.h"
#include "controller/clock/clock.h"

namespace upkeep::acme {

// One HTTP exchange with the ACME server, as reported to AcmeClientOptions::on_exchange.
struct AcmeExchange {
  std::string method{};  // "GET", "HEAD", "POST"
  std::string url{};
  int http_code = 0;              // 0: no response (connection refused, TLS failure, timeout)
  std::string acme_error_type{};  // the problem document's type for an error response, or ""
};

struct AcmeClientOptions {
  std::string directory_url{};  // required, https://
  std::string ca_bundle_pem{};  // PEM CA certificates to trust; "" = system trust store
  std::string user_agent{};     // "" = "upkeep-acme"
  // Bounds each network operation of one request (cpprestsdk's idle timeout); default 30 s.
  std::chrono::milliseconds request_timeout{std::chrono::seconds(30)};
  // Retries of a request rejected with badNonce; default 5.
  int max_bad_nonce_retries = 5;
  // Called after every exchange, on the calling thread (e.g. to count
  // upkeep_acme_requests_total{status}); must be thread-safe if the client is shared. Default
  // none.
  std::function<void(const AcmeExchange&)> on_exchange{};
};

struct AccountOptions {
  std::string email{};  // sent as a "mailto:" contact; "" = no contact
  // Must be true when the directory's meta names terms of service the operator accepted.
  bool terms_of_service_agreed = false;
  // Required when directory().external_account_required.
  std::optional<ExternalAccountBinding> external_account_binding{};
};

struct NewOrderRequest {
  std::vector<Identifier> identifiers{};  // at least one
  // ARI (RFC 9773 §5): the CertID (RenewalCertId) of the certificate this order renews, so
  // the CA can exempt it from rate limits; "" = none. Sent only if the directory has ARI.
  std::string replaces{};
};

class AcmeClient {
 public:
  // Loads the directory (InvalidArgument for bad options; Unavailable, naming the URL, when
  // the server cannot be reached). `clock` converts Retry-After dates and must outlive the
  // client.
  static absl::StatusOr<std::unique_ptr<AcmeClient>> Create(AcmeClientOptions options,
                                                            const controller::Clock& clock);
  virtual ~AcmeClient() = default;

  virtual const Directory& directory() const = 0;

  // Creates the account for `key` (or returns the one the key already has) and binds the
  // client to it. Returns the account URL, the "kid" of every later request.
  // FailedPrecondition with externalAccountRequired when the CA needs an EAB.
  virtual absl::StatusOr<std::string> RegisterAccount(const AccountKey& key,
                                                      const AccountOptions& options) = 0;
  // The existing account of `key` (onlyReturnExisting), bound like RegisterAccount; NotFound
  // (accountDoesNotExist) if the key has none.
  virtual absl::StatusOr<std::string> FindAccount(const AccountKey& key) = 0;
  // Binds an account known from earlier (a stored account URL) without asking the server.
  virtual void UseAccount(const AccountKey& key, std::string account_url) = 0;

  // The calls below need a bound account (FailedPrecondition otherwise).
  virtual absl::StatusOr<Order> NewOrder(const NewOrderRequest& request) = 0;
  virtual absl::StatusOr<Order> GetOrder(const std::string& order_url) = 0;
  virtual absl::StatusOr<Authorization> GetAuthorization(const std::string& authorization_url) = 0;
  // token "." thumbprint of the bound account key (RFC 8555 §8.1).
  virtual absl::StatusOr<std::string> KeyAuthorization(const std::string& token) const = 0;
  // Tells the CA to validate the challenge (after the solver presented it).
  virtual absl::StatusOr<Challenge> AcceptChallenge(const std::string& challenge_url) = 0;
  // Sends the CSR (DER) of a ready order; returns the order, usually "processing" or "valid".
  virtual absl::StatusOr<Order> Finalize(const Order& order, const std::string& csr_der) = 0;
  // The PEM chain of a valid order's certificate, leaf first.
  virtual absl::StatusOr<std::string> DownloadCertificate(const std::string& certificate_url) = 0;

  // ARI (RFC 9773): the CA's suggested renewal window for a certificate (DER) it issued; no
  // account needed.
  // Unimplemented when the directory has no renewalInfo (the CA does not offer ARI);
  // InvalidArgument when the certificate has no authority key identifier.
  virtual absl::StatusOr<RenewalInfo> GetRenewalInfo(const std::string& certificate_der) = 0;
};

}  // namespace upkeep::acme
