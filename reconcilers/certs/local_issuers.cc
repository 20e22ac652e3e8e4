#include "reconcilers/certs/local_issuers.h"

#include <chrono>

#include "controller/client/api_error.h"
#include "crypto/certificate_info.h"
#include "crypto/issue_certificate.h"
#include "reconcilers/certs/tls_secret.h"

namespace upkeep::reconcilers::certs {
namespace {

crypto::IssueRequest LeafRequest(const CertificateRequest& request) {
  crypto::IssueRequest r;
  r.subject_public_key_der = request.key.public_key_der();
  r.names.common_name = request.spec.common_name;
  r.names.dns_names = request.spec.dns_names;
  r.names.ip_addresses = request.spec.ip_addresses;
  r.not_before = request.now;
  r.not_after = request.now + std::chrono::duration_cast<std::chrono::system_clock::duration>(
                                  request.spec.duration);
  return r;
}

absl::Status CaProblem(const std::string& secret, const std::string& what) {
  return absl::FailedPreconditionError("CA Secret " + secret + ": " + what);
}

}  // namespace

absl::StatusOr<IssuedCertificate> SelfSignedIssuer::Issue(const CertificateRequest& request,
                                                          controller::KubeClient&) {
  auto pem = crypto::IssueCertificate(LeafRequest(request), crypto::Signer::SelfSigned(request.key));
  if (!pem.ok()) return pem.status();
  // A self-signed certificate is its own CA, as cert-manager writes ca.crt for it.
  return IssuedCertificate{*pem, *pem, ""};
}

absl::StatusOr<IssuedCertificate> CaIssuer::Issue(const CertificateRequest& request,
                                                  controller::KubeClient& client) {
  const auto& ca_spec = std::get<api::v1alpha1::CaIssuerSpec>(request.spec.issuer);
  const std::string& name = ca_spec.secret_name;
  auto secret = client.Get(controller::resources::Secrets(), request.ns, name);
  if (!secret.ok()) {
    if (controller::IsNotFound(secret.status())) return CaProblem(name, "not found");
    return secret.status();
  }
  TlsSecretData ca = ReadTlsSecretData(*secret);
  if (ca.certificate_chain_pem.empty()) return CaProblem(name, "has no tls.crt");
  if (ca.private_key_pem.empty()) return CaProblem(name, "has no tls.key");
  auto ca_key = crypto::PrivateKey::ParsePem(ca.private_key_pem);
  if (!ca_key.ok()) return CaProblem(name, "tls.key: " + std::string(ca_key.status().message()));
  auto ca_chain = crypto::ParseCertificateChainPem(ca.certificate_chain_pem);
  if (!ca_chain.ok()) {
    return CaProblem(name, "tls.crt: " + std::string(ca_chain.status().message()));
  }
  auto leaf = crypto::IssueCertificate(LeafRequest(request),
                                       crypto::Signer::Ca(*ca_key, ca.certificate_chain_pem));
  if (!leaf.ok()) {
    if (leaf.status().code() == absl::StatusCode::kFailedPrecondition) {
      return CaProblem(name, std::string(leaf.status().message()));
    }
    return leaf.status();
  }
  IssuedCertificate out;
  out.chain_pem = *leaf;
  for (const crypto::CertificateInfo& c : *ca_chain) out.chain_pem += c.pem;
  // ca.crt: the CA Secret's own ca.crt (the root above an intermediate), else the top of its
  // chain.
  out.ca_pem = !ca.ca_pem.empty() ? ca.ca_pem : ca_chain->back().pem;
  return out;
}

}  // namespace upkeep::reconcilers::certs
