// What a certificate says, read from PEM: the facts the renewal policy decides with (names,
// validity, serial, key) from a Secret's tls.crt, an ACME CA's chain or a CA's certificate.
//
// Thread safety: a value type and pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>

#include "crypto/private_key.h"

namespace upkeep::crypto {

struct CertificateInfo {
  std::string common_name{};                // the subject's CN; empty when there is none
  std::vector<std::string> dns_names{};     // subjectAltName dNSName entries, in order
  std::vector<std::string> ip_addresses{};  // subjectAltName iPAddress entries, canonical text
  std::chrono::system_clock::time_point not_before{};
  std::chrono::system_clock::time_point not_after{};
  // Lower-case hex, two digits per octet, no leading zero octets: `openssl x509 -noout
  // -serial` lower-cased ("serial=0A1B" is "0a1b").
  std::string serial_number{};
  std::string issuer_common_name{};  // the issuer's CN; empty when there is none
  bool is_ca = false;                // basicConstraints CA:TRUE
  std::string public_key_der{};      // DER SubjectPublicKeyInfo
  std::string der{};                 // the certificate itself
  std::string pem{};                 // the certificate alone, re-encoded as one PEM block
};

// Every certificate in `pem`, in order (for a TLS Secret: the leaf, then its issuers).
// InvalidArgument, naming the certificate's position, when there is none, when a PEM block is
// damaged or is not a "CERTIFICATE" (a private key pasted into tls.crt), or when its DER or a
// field the engine reads (times, subjectAltName) is malformed.
absl::StatusOr<std::vector<CertificateInfo>> ParseCertificateChainPem(std::string_view pem);

// Whether `key` is the private half of the certificate's public key: the check before a
// certificate and a key are written together, or kept together.
bool PublicKeyMatches(const CertificateInfo& certificate, const PrivateKey& key);

}  // namespace upkeep::crypto
