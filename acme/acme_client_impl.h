// AcmeClientImpl: the AcmeClient that talks to a real ACME server over AcmeTransport: JWS
// signing, the nonce pool, badNonce retries and problem mapping. Private to acme/; callers
// use AcmeClient::Create. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "acme/acme_client.h"
#include "acme/acme_transport.h"
#include "acme/nonce_pool.h"

namespace upkeep::acme {

class AcmeClientImpl final : public AcmeClient {
 public:
  static absl::StatusOr<std::unique_ptr<AcmeClientImpl>> Create(AcmeClientOptions options,
                                                                const controller::Clock& clock);
  AcmeClientImpl(const AcmeClientImpl&) = delete;
  AcmeClientImpl& operator=(const AcmeClientImpl&) = delete;

  const Directory& directory() const override { return directory_; }
  absl::StatusOr<std::string> RegisterAccount(const AccountKey& key,
                                              const AccountOptions& options) override;
  absl::StatusOr<std::string> FindAccount(const AccountKey& key) override;
  void UseAccount(const AccountKey& key, std::string account_url) override;
  absl::StatusOr<Order> NewOrder(const NewOrderRequest& request) override;
  absl::StatusOr<Order> GetOrder(const std::string& order_url) override;
  absl::StatusOr<Authorization> GetAuthorization(const std::string& authorization_url) override;
  absl::StatusOr<std::string> KeyAuthorization(const std::string& token) const override;
  absl::StatusOr<Challenge> AcceptChallenge(const std::string& challenge_url) override;
  absl::StatusOr<Order> Finalize(const Order& order, const std::string& csr_der) override;
  absl::StatusOr<std::string> DownloadCertificate(const std::string& certificate_url) override;
  absl::StatusOr<RenewalInfo> GetRenewalInfo(const std::string& certificate_der) override;

 private:
  // The signer of a request: the account key, and the account URL ("" = embed the JWK).
  struct Signer {
    AccountKey key;
    std::string key_id;
  };

  AcmeClientImpl(AcmeClientOptions options, const controller::Clock& clock,
                 std::unique_ptr<AcmeTransport> transport);

  // A signed POST (`payload` nullopt = POST-as-GET); retries badNonce rejections. Returns
  // 2xx/3xx responses; error responses become statuses.
  absl::StatusOr<HttpResponse> Post(const std::string& url,
                                    const std::optional<nlohmann::json>& payload,
                                    const Signer& signer,
                                    const std::string& accept = "application/json");
  // One request through the transport, reported to options_.on_exchange.
  absl::StatusOr<HttpResponse> Exchange(const std::string& method, const std::string& url,
                                        const std::string& body, const std::string& content_type,
                                        const std::string& accept);
  // A nonce from the pool, or a fresh one from newNonce.
  absl::StatusOr<std::string> TakeNonce();
  // The status for an error response to `context` ("POST https://...").
  absl::Status ErrorFor(const HttpResponse& response, const std::string& context) const;
  std::optional<std::chrono::seconds> RetryAfter(const HttpResponse& response) const;
  absl::StatusOr<nlohmann::json> JsonBody(const HttpResponse& response,
                                          const std::string& context) const;
  // The bound account, or FailedPrecondition.
  absl::StatusOr<Signer> AccountSigner() const;
  // POSTs an account request signed with the JWK, checks the answer, binds the account.
  absl::StatusOr<std::string> AccountRequest(const AccountKey& key, const nlohmann::json& payload);

  // Constant after construction.
  const controller::Clock& clock_;
  const AcmeClientOptions options_;
  std::unique_ptr<AcmeTransport> transport_;
  Directory directory_;

  NoncePool nonces_;  // thread-safe on its own

  mutable std::mutex mu_;
  std::optional<AccountKey> account_key_;  // guarded by mu_
  std::string account_url_;                // guarded by mu_
};

}  // namespace upkeep::acme
