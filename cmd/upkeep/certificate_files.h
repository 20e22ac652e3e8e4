// The files certbot keeps in live/<name>/, which nginx, HAProxy, Postfix and most servers on
// one host are configured with, cut from a kubernetes.io/tls Secret (reconcilers/certs/
// tls_secret.h): `upkeep certs export` decides them here, before it touches any file.
//
// Pure function; thread-safe. The private key passes through as text and is never put into
// a Status message.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

namespace upkeep::cmd {

struct CertificateFiles {
  std::string cert_pem;               // cert.pem: the leaf alone
  std::string chain_pem;              // chain.pem: the certificates after the leaf; "" when
                                      // tls.crt holds only the leaf (self-signed)
  std::string fullchain_pem;          // fullchain.pem: tls.crt as it is
  std::string privkey_pem;            // privkey.pem: tls.key as it is; secret
  std::optional<std::string> ca_pem;  // ca.pem: ca.crt, when the Secret has one
  // The leaf's, for the line the command prints: lower-case hex as `openssl x509 -serial`.
  std::string serial_number;
  std::chrono::system_clock::time_point not_after;
};

// Checks the Secret as a server would need it and returns its files: tls.crt is a chain of
// certificates, tls.key one private key, the key is the leaf's, and ca.crt (when present)
// holds certificates. InvalidArgument otherwise, saying which key is missing, not base64 or
// damaged, or that the key does not match; the caller names the Secret.
absl::StatusOr<CertificateFiles> CertificateFilesFromTlsSecret(const nlohmann::json& secret);

}  // namespace upkeep::cmd
