// The issuers that sign here, without a remote CA (API.md issuer.selfSigned and issuer.ca):
// SelfSignedIssuer has the subject sign its own certificate; CaIssuer signs with the CA
// certificate and key kept in a Secret of the CertRenewal's namespace (tls.crt, tls.key, and
// ca.crt when the CA is itself an intermediate). Validity starts at the request's `now` and
// lasts spec.duration (cut to the CA's own notAfter). Stateless; thread-safe.
#pragma once

#include "reconcilers/certs/certificate_issuer.h"

namespace upkeep::reconcilers::certs {

class SelfSignedIssuer final : public CertificateIssuer {
 public:
  absl::StatusOr<IssuedCertificate> Issue(const CertificateRequest& request,
                                          controller::KubeClient& client) override;
};

class CaIssuer final : public CertificateIssuer {
 public:
  // FailedPrecondition when the CA Secret is missing, lacks tls.crt or tls.key, or holds no
  // usable CA ("Secret internal-ca: tls.key: ...").
  absl::StatusOr<IssuedCertificate> Issue(const CertificateRequest& request,
                                          controller::KubeClient& client) override;
};

}  // namespace upkeep::reconcilers::certs
