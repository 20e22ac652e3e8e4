#include "reconcilers/certs/secret_inspection.h"

#include "crypto/certificate_info.h"
#include "crypto/private_key.h"
#include "reconcilers/certs/tls_secret.h"

namespace upkeep::reconcilers::certs {
namespace {

api::v1alpha1::KeyAlgorithm ApiAlgorithm(crypto::KeyAlgorithm a) {
  switch (a) {
    case crypto::KeyAlgorithm::kRsa:
      return api::v1alpha1::KeyAlgorithm::kRsa;
    case crypto::KeyAlgorithm::kEcdsa:
      return api::v1alpha1::KeyAlgorithm::kEcdsa;
    case crypto::KeyAlgorithm::kEd25519:
      return api::v1alpha1::KeyAlgorithm::kEd25519;
  }
  return api::v1alpha1::KeyAlgorithm::kEcdsa;
}

}  // namespace

SecretState InspectTlsSecret(const std::optional<nlohmann::json>& secret) {
  SecretState state;
  if (!secret) return state;  // kMissing
  state.issuer = Annotation(*secret, kIssuerAnnotation);
  state.issued_for_run_now = Annotation(*secret, kIssuedForRunNowAnnotation);
  TlsSecretData data = ReadTlsSecretData(*secret);
  if (data.certificate_chain_pem.empty() || data.private_key_pem.empty()) {
    state.kind = SecretState::Kind::kNoData;
    return state;
  }
  auto chain = crypto::ParseCertificateChainPem(data.certificate_chain_pem);
  if (!chain.ok()) {
    state.kind = SecretState::Kind::kDamaged;
    state.damage = "tls.crt: " + std::string(chain.status().message());
    return state;
  }
  auto key = crypto::PrivateKey::ParsePem(data.private_key_pem);
  if (!key.ok()) {
    state.kind = SecretState::Kind::kDamaged;
    // The engine's messages name the problem, never the key's bytes.
    state.damage = "tls.key: " + std::string(key.status().message());
    return state;
  }
  const crypto::CertificateInfo& leaf = chain->front();
  state.kind = SecretState::Kind::kPresent;
  state.facts.common_name = leaf.common_name;
  state.facts.dns_names = leaf.dns_names;
  state.facts.ip_addresses = leaf.ip_addresses;
  state.facts.not_before = leaf.not_before;
  state.facts.not_after = leaf.not_after;
  state.facts.serial_number = leaf.serial_number;
  state.facts.der = leaf.der;
  state.facts.key_matches = crypto::PublicKeyMatches(leaf, *key);
  state.facts.key_algorithm = ApiAlgorithm(key->spec().algorithm);
  state.facts.key_size = key->spec().algorithm == crypto::KeyAlgorithm::kEd25519 ? 0
                                                                                 : key->spec().size;
  return state;
}

}  // namespace upkeep::reconcilers::certs
