// Credentials for `upkeep apiserver --tls`: a private CA, a server certificate it signs, and
// a bearer token, in the shape a kubeconfig needs (certificate-authority-data + token).
//
// The CA is the server's own: clients trust it through the kubeconfig the server writes, not
// through the system trust store. LoadOrCreateTlsCredentials keeps the CA and token across
// restarts (when given a data directory) so kubeconfigs handed out earlier keep working; only
// what is missing, damaged or close to expiry is replaced.
//
// Thread safety: all functions are free functions without shared state and may be called
// from any thread. LoadOrCreateTlsCredentials must not run concurrently on the same
// directory (from threads or processes); the server calls it once at startup.
#pragma once

#include "apiserver/api/base64.h"  // Base64Encode, for certificate-authority-data

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>

namespace upkeep::apiserver {

struct TlsCredentials {
  // Self-signed CA: ECDSA P-256, CN "upkeep-apiserver-ca", valid 10 years,
  // basicConstraints CA:TRUE (critical), keyUsage keyCertSign, cRLSign (critical).
  std::string ca_cert_pem;
  std::string ca_key_pem;  // PKCS#8, unencrypted
  // Signed by the CA: ECDSA P-256, CN "upkeep-apiserver", valid 1 year (never past the CA),
  // SANs DNS:localhost, IP:127.0.0.1, IP:::1 plus the extra SANs, extendedKeyUsage serverAuth.
  std::string server_cert_pem;
  std::string server_key_pem;  // PKCS#8, unencrypted
  // 32 bytes from RAND_bytes as 64 lowercase hex characters.
  std::string bearer_token;
};

// Certificates whose remaining validity is shorter than this are replaced on load, so a
// server that restarts now and then never serves an expired certificate.
inline constexpr std::chrono::hours kTlsRenewBefore{24 * 30};

// Generates fresh credentials. Each extra SAN is an IP address (v4 or v6) when it parses as
// one and a DNS name otherwise; an empty or malformed entry is InvalidArgument. `now` is the
// start of validity (injected so tests can make certificates that are about to expire).
absl::StatusOr<TlsCredentials> GenerateTlsCredentials(const std::vector<std::string>& extra_sans);
absl::StatusOr<TlsCredentials> GenerateTlsCredentials(const std::vector<std::string>& extra_sans,
                                                      std::chrono::system_clock::time_point now);

// Loads <dir>/ca.crt, ca.key, server.crt, server.key and token, keeping each part that is
// still good and replacing the rest:
//   - the CA pair is kept if both files parse, the key matches, it is a CA and it stays valid
//     for kTlsRenewBefore; otherwise a new CA is made (and with it a new server certificate);
//   - the token is kept if it is 64 hex characters (a trailing newline is tolerated);
//   - the server pair is kept if the key matches, the certificate verifies against the CA for
//     TLS server use, stays valid for kTlsRenewBefore and names localhost, 127.0.0.1, ::1 and
//     every extra SAN; otherwise a new one is issued by the (possibly kept) CA.
// If anything was replaced all five files are rewritten (each 0600, via a temporary file and
// rename). `dir` and missing parents are created; `dir` itself is set to 0700 since it holds
// the CA key. Errors name the file or step that failed.
absl::StatusOr<TlsCredentials> LoadOrCreateTlsCredentials(
    const std::string& dir, const std::vector<std::string>& extra_sans);
absl::StatusOr<TlsCredentials> LoadOrCreateTlsCredentials(
    const std::string& dir, const std::vector<std::string>& extra_sans,
    std::chrono::system_clock::time_point now);


}  // namespace upkeep::apiserver
