// AcmeIssuer: issues through an ACME CA (RFC 8555; Let's Encrypt in production, pebble in
// tests). The account key lives in the Secret spec.issuer.acme.accountKeySecretRef names and
// is created there (before any registration, so a crash never orphans an account) when
// missing; the account is found again with that key after a restart, not re-registered.
// Control of each name is proven with HTTP-01, answered by upkeep's own solver listening on
// spec.issuer.acme.solver.http01.port (one listener per port, shared by every issuance);
// with solver.http01.ingress, an Ingress routes the challenge path to it while the order is
// open (http01_route.h).
//
// Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "acme/acme_client.h"
#include "acme/http01_solver.h"
#include "controller/clock/clock.h"
#include "reconcilers/certs/certificate_issuer.h"
#include "reconcilers/certs/certificate_metrics.h"
#include "reconcilers/certs/renewal_info_cache.h"

namespace upkeep::reconcilers::certs {

struct AcmeIssuerOptions {
  // Where the HTTP-01 solver listens: "0.0.0.0" in a cluster (an Ingress routes to it),
  // "127.0.0.1" for tests and single hosts behind a local proxy. Default "0.0.0.0".
  std::string solver_address = "0.0.0.0";
  // This pod's IP (POD_IP), where a challenge's Service sends the CA when the spec asks for
  // an Ingress without naming a Service; "" when unknown.
  std::string solver_pod_ip;
  // The whole flow's bound for one issuance; default 5 minutes.
  std::chrono::seconds timeout{300};
};

class AcmeIssuer final : public CertificateIssuer {
 public:
  // `clock` paces the order polling; `metrics` (may be null) counts ACME requests.
  AcmeIssuer(const controller::Clock& clock, CertificateMetrics* metrics,
             AcmeIssuerOptions options = {});
  ~AcmeIssuer() override;

  absl::StatusOr<IssuedCertificate> Issue(const CertificateRequest& request,
                                          controller::KubeClient& client) override;
  // With useARI, the CA's renewalInfo for the certificate, kept as renewal_info_cache.h says.
  std::optional<RenewalWindow> SuggestedRenewalWindow(
      const api::v1alpha1::CertRenewalSpec& spec, const std::string& leaf_der) override;

 private:
  // An ACME client bound to the account, kept between issuances: one directory fetch and one
  // account lookup per CA and account, not per certificate.
  struct BoundClient {
    std::string cache_key;
    std::shared_ptr<acme::AcmeClient> client;
    std::string account_url;
    bool reused = false;  // kept from an earlier issuance
  };
  absl::StatusOr<BoundClient> ClientFor(const api::v1alpha1::AcmeIssuerSpec& spec,
                                        const acme::AccountKey& account_key,
                                        const std::optional<acme::ExternalAccountBinding>& eab);
  void ForgetClient(const std::string& cache_key);
  // An account-less client for renewalInfo, one per CA (server and CA bundle).
  absl::StatusOr<std::shared_ptr<acme::AcmeClient>> RenewalInfoClientFor(
      const api::v1alpha1::AcmeIssuerSpec& spec);
  absl::StatusOr<acme::Http01Solver*> SolverOn(int port);
  acme::AcmeClientOptions ClientOptions(const api::v1alpha1::AcmeIssuerSpec& spec) const;

  // Constant after construction.
  const controller::Clock& clock_;
  CertificateMetrics* const metrics_;
  const AcmeIssuerOptions options_;

  RenewalInfoCache renewal_info_;

  std::mutex mu_;
  std::map<int, std::unique_ptr<acme::Http01Solver>> solvers_;  // guarded by mu_
  std::map<std::string, BoundClient> clients_;                    // guarded by mu_
  std::map<std::string, std::shared_ptr<acme::AcmeClient>> renewal_info_clients_;  // mu_
};

}  // namespace upkeep::reconcilers::certs
