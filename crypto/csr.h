// PKCS#10 certificate signing requests: what an ACME order is finalized with (RFC 8555
// section 7.4), and one way to hand a public key to IssueCertificate.
//
// Thread safety: pure functions; thread-safe (one PrivateKey may sign several CSRs at once).
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

#include "crypto/private_key.h"
#include "crypto/subject_names.h"

namespace upkeep::crypto {

struct Csr {
  std::string der{};  // what ACME's finalize takes, base64url-encoded
  std::string pem{};  // "CERTIFICATE REQUEST", for people and openssl
};

// A CSR for `names`, signed by `key`: subject CN=<common_name> (empty subject without one),
// the DNS names and IP addresses in a subjectAltName extension request (critical when the
// subject is empty). The signature uses SHA-256 for RSA and P-256 keys, SHA-384 for P-384,
// SHA-512 for P-521, and Ed25519's own hashing. InvalidArgument (from ValidateSubjectNames)
// names a bad name.
absl::StatusOr<Csr> BuildCsr(const PrivateKey& key, const SubjectNames& names);

// The public key (DER SubjectPublicKeyInfo) of a DER CSR, after checking the CSR's signature
// with it: proof the requester holds the private key. InvalidArgument for damaged DER or a
// bad signature.
absl::StatusOr<std::string> CsrPublicKeyDer(std::string_view csr_der);

}  // namespace upkeep::crypto
