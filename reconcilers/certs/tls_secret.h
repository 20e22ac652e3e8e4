// The kubernetes.io/tls Secret a CertRenewal keeps (cert-manager's layout): tls.crt is the
// chain, leaf first; tls.key the private key; ca.crt the CA that issued it, when known.
// Annotations record what the Secret was issued for, so the next reconcile can tell a
// changed issuer or a new upkeep.dev/run-now value without any other state.
//
// Pure functions over JSON; thread-safe. The private key passes through only as Secret data.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "crds/v1alpha1/cert_renewal.h"

namespace upkeep::reconcilers::certs {

inline constexpr char kIssuerAnnotation[] = "upkeep.dev/issuer";
inline constexpr char kIssuedForRunNowAnnotation[] = "upkeep.dev/issued-for-run-now";
inline constexpr char kCertificateNameAnnotation[] = "upkeep.dev/certificate-name";

struct TlsSecretData {
  std::string certificate_chain_pem;  // tls.crt
  std::string private_key_pem;        // tls.key
  std::string ca_pem;                 // ca.crt; "" = left out
};

// The Secret as upkeep applies it (server-side apply, so labels and annotations others add
// are kept): secretTemplate's labels and annotations, app.kubernetes.io/managed-by: upkeep,
// and the annotations above.
nlohmann::json BuildTlsSecret(const std::string& ns, const api::v1alpha1::CertRenewalSpec& spec,
                              const std::string& certificate_name,
                              const std::string& issuer_identity, const std::string& run_now,
                              const TlsSecretData& data);

// The three data fields of a Secret, decoded ("" when absent or not base64).
TlsSecretData ReadTlsSecretData(const nlohmann::json& secret);

// An annotation of an object, or "".
std::string Annotation(const nlohmann::json& object, const std::string& key);

}  // namespace upkeep::reconcilers::certs
