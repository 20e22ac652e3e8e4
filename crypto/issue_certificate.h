// Issuing certificates here rather than at a remote CA: CertRenewal's selfSigned issuer (the
// subject signs its own certificate) and ca issuer (a CA whose certificate and key sit in a
// Secret signs it). The certificate carries the extensions cert-manager gives its certificates.
//
// Time is an input: the caller passes validity times from its injected clock; nothing here
// reads the system clock. The only other input from the environment is OpenSSL's random
// generator, for a serial number when none is given.
//
// Thread safety: pure functions over keys that are only read; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include <absl/status/statusor.h>

#include "crypto/private_key.h"
#include "crypto/subject_names.h"

namespace upkeep::crypto {

struct IssueRequest {
  // The certified key as DER SubjectPublicKeyInfo: PrivateKey::public_key_der(), or
  // CsrPublicKeyDer() of a CSR someone else made.
  std::string subject_public_key_der{};
  SubjectNames names;
  // Truncated to whole seconds. not_after must be later than not_before.
  std::chrono::system_clock::time_point not_before{};
  std::chrono::system_clock::time_point not_after{};
  // A CA certificate (basicConstraints CA:TRUE, keyCertSign and cRLSign) rather than a TLS
  // server/client certificate. Default: a leaf.
  bool is_ca = false;
  // Hex, either case, 1-20 octets, positive. Empty (the default): a random positive 128-bit
  // number.
  std::string serial_number{};
};

// Who signs: the subject itself, or a CA. Borrows the key, which must outlive the Signer.
class Signer {
 public:
  // The subject signs its own certificate; `key` must be the subject's key.
  static Signer SelfSigned(const PrivateKey& key) { return Signer(key, true, ""); }
  // A CA signs: `ca_certificate_pem` as in the CA Secret's tls.crt (the first certificate is
  // the CA's; any after it are ignored) and `ca_key` its tls.key.
  static Signer Ca(const PrivateKey& ca_key, std::string ca_certificate_pem) {
    return Signer(ca_key, false, std::move(ca_certificate_pem));
  }

  const PrivateKey& key() const { return *key_; }
  bool self_signed() const { return self_signed_; }
  const std::string& ca_certificate_pem() const { return ca_certificate_pem_; }  // "" if self

 private:
  Signer(const PrivateKey& key, bool self_signed, std::string ca_certificate_pem)
      : key_(&key), self_signed_(self_signed), ca_certificate_pem_(std::move(ca_certificate_pem)) {}

  const PrivateKey* key_;  // borrowed, never null
  bool self_signed_;
  std::string ca_certificate_pem_;
};

// The new certificate as one PEM "CERTIFICATE" block (the leaf alone; the caller appends the
// CA's chain for tls.crt). Version 3, with:
//   - subject CN=<common_name> (empty subject without one); issuer: the CA's subject, or the
//     subject's own when self-signed;
//   - basicConstraints, critical: CA:TRUE when is_ca, else CA:FALSE;
//   - keyUsage, critical: digitalSignature, plus keyEncipherment for an RSA subject key, plus
//     keyCertSign and cRLSign when is_ca;
//   - extendedKeyUsage serverAuth, clientAuth, for a leaf only;
//   - subjectKeyIdentifier and authorityKeyIdentifier (RFC 5280 method 1, SHA-1 of the key);
//   - subjectAltName with the DNS names and IP addresses, critical when the subject is empty;
//   - signed with the signer's key: SHA-256 for RSA and P-256, SHA-384 for P-384, SHA-512 for
//     P-521, Ed25519 as is.
// A CA-signed certificate never outlives its CA: not_after is cut to the CA's notAfter, as
// cert-manager's CA issuer does; read the result's not_after back with
// ParseCertificateChainPem.
//
// InvalidArgument for a bad request (names, times, serial, subject key; a self-signed request
// whose subject key is not the signing key). FailedPrecondition when the CA cannot sign: its
// certificate is damaged, is not a CA (basicConstraints CA:TRUE, and keyCertSign when it has a
// keyUsage), does not match the CA key, or expires before not_before.
absl::StatusOr<std::string> IssueCertificate(const IssueRequest& request, const Signer& signer);

}  // namespace upkeep::crypto
