#include "cmd/upkeep/certificate_files.h"

#include "apiserver/api/base64.h"
#include "crypto/certificate_info.h"
#include "crypto/private_key.h"

namespace upkeep::cmd {
namespace {

// One data key of the Secret, decoded; nullopt when it is absent, or when it is there but is
// not base64 (then `error` says so).
std::optional<std::string> DataField(const nlohmann::json& secret, const std::string& key,
                                     absl::Status* error) {
  auto data = secret.find("data");
  if (data == secret.end() || !data->is_object()) return std::nullopt;
  auto it = data->find(key);
  if (it == data->end() || it->is_null()) return std::nullopt;
  std::optional<std::string> decoded;
  if (it->is_string()) decoded = apiserver::Base64Decode(it->get<std::string>());
  if (!decoded) {
    *error = absl::InvalidArgumentError(key + " is not base64 data");
    return std::nullopt;
  }
  return decoded;
}

absl::StatusOr<std::string> RequiredField(const nlohmann::json& secret, const std::string& key) {
  absl::Status error;
  std::optional<std::string> value = DataField(secret, key, &error);
  if (!error.ok()) return error;
  if (!value) return absl::InvalidArgumentError("it has no " + key);
  if (value->empty()) return absl::InvalidArgumentError(key + " is empty");
  return *value;
}

}  // namespace

absl::StatusOr<CertificateFiles> CertificateFilesFromTlsSecret(const nlohmann::json& secret) {
  absl::StatusOr<std::string> tls_crt = RequiredField(secret, "tls.crt");
  if (!tls_crt.ok()) return tls_crt.status();
  absl::StatusOr<std::string> tls_key = RequiredField(secret, "tls.key");
  if (!tls_key.ok()) return tls_key.status();

  auto chain = crypto::ParseCertificateChainPem(*tls_crt);
  if (!chain.ok()) {
    return absl::InvalidArgumentError("tls.crt: " + std::string(chain.status().message()));
  }
  auto key = crypto::PrivateKey::ParsePem(*tls_key);
  if (!key.ok()) {
    // The engine's messages name the problem, never the key's bytes.
    return absl::InvalidArgumentError("tls.key: " + std::string(key.status().message()));
  }
  const crypto::CertificateInfo& leaf = chain->front();
  if (!crypto::PublicKeyMatches(leaf, *key)) {
    return absl::InvalidArgumentError(
        "tls.key is not the private key of the certificate in tls.crt (serial " +
        leaf.serial_number + "): a server would refuse to start with this pair");
  }

  CertificateFiles files;
  files.cert_pem = leaf.pem;
  for (size_t i = 1; i < chain->size(); ++i) files.chain_pem += (*chain)[i].pem;
  files.fullchain_pem = *tls_crt;
  files.privkey_pem = *tls_key;
  files.serial_number = leaf.serial_number;
  files.not_after = leaf.not_after;

  absl::Status ca_error;
  std::optional<std::string> ca = DataField(secret, "ca.crt", &ca_error);
  if (!ca_error.ok()) return ca_error;
  // An empty ca.crt is what some tools write for "unknown": the same as none.
  if (ca && !ca->empty()) {
    auto ca_chain = crypto::ParseCertificateChainPem(*ca);
    if (!ca_chain.ok()) {
      return absl::InvalidArgumentError("ca.crt: " + std::string(ca_chain.status().message()));
    }
    files.ca_pem = *ca;
  }
  return files;
}

}  // namespace upkeep::cmd
