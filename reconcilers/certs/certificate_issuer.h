// CertificateIssuer: turns a certificate request (names, lifetime, the subject's key) into a
// signed chain. One implementation per issuer kind of API.md: selfSigned, ca (a CA kept in a
// Secret) and acme. The reconciler decides when to issue; an issuer only issues.
//
// Implementations are thread-safe: reconciles of different CertRenewals may issue at once.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>

#include <absl/status/statusor.h>

#include "controller/client/kube_client.h"
#include "crds/v1alpha1/cert_renewal.h"
#include "crypto/private_key.h"

namespace upkeep::reconcilers::certs {

struct CertificateRequest {
  const std::string& ns;                          // the CertRenewal's namespace
  const std::string& name;                        // the CertRenewal's name
  const std::string& uid;                         // the CertRenewal's uid (owner references)
  const api::v1alpha1::CertRenewalSpec& spec;
  const crypto::PrivateKey& key;                  // the subject's key
  std::chrono::system_clock::time_point now;      // from the reconciler's clock
};

struct IssuedCertificate {
  std::string chain_pem;         // leaf first, then intermediates
  std::string ca_pem;            // for ca.crt: the root or issuing CA; "" when unknown
  std::string acme_account_uri;  // ACME only
};

class CertificateIssuer {
 public:
  virtual ~CertificateIssuer() = default;
  // Errors say what failed in words an admin can act on ("Secret internal-ca has no
  // tls.key"); InvalidArgument / FailedPrecondition mean the spec or its inputs are wrong,
  // Unavailable that the CA could not be reached.
  virtual absl::StatusOr<IssuedCertificate> Issue(const CertificateRequest& request,
                                                  controller::KubeClient& client) = 0;

  // The CA's suggested renewal window for the certificate `leaf_der` it issued under `spec`
  // (ACME Renewal Information), or nullopt when there is none to follow: the decision then
  // uses renewBefore. Never an error: the window is advice.
  virtual std::optional<std::pair<std::chrono::system_clock::time_point,
                                  std::chrono::system_clock::time_point>>
  SuggestedRenewalWindow(const api::v1alpha1::CertRenewalSpec& /*spec*/,
                         const std::string& /*leaf_der*/) {
    return std::nullopt;
  }
};

}  // namespace upkeep::reconcilers::certs
