#include "crypto/certificate_info.h"

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/internal/asn1_time.h"
#include "crypto/internal/certificate_pem.h"
#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"
#include "crypto/internal/pem_blocks.h"
#include "crypto/internal/private_key_access.h"
#include "crypto/internal/serial_number.h"
#include "crypto/internal/x509_names.h"

namespace upkeep::crypto {
namespace {

// Prefixes a field's error with the certificate it came from.
absl::Status InCertificate(size_t position, const absl::Status& status) {
  return absl::Status(status.code(), absl::StrCat("certificate chain: certificate ", position, ": ",
                                                  status.message()));
}

absl::StatusOr<CertificateInfo> Describe(X509* certificate) {
  CertificateInfo info;
  absl::StatusOr<std::string> common_name =
      internal::CommonNameOf(X509_get_subject_name(certificate));
  if (!common_name.ok()) return common_name.status();
  info.common_name = *std::move(common_name);
  absl::StatusOr<std::string> issuer = internal::CommonNameOf(X509_get_issuer_name(certificate));
  if (!issuer.ok()) return issuer.status();
  info.issuer_common_name = *std::move(issuer);

  absl::StatusOr<internal::AltNames> alt_names = internal::SubjectAltNamesOf(certificate);
  if (!alt_names.ok()) return alt_names.status();
  info.dns_names = std::move(alt_names->dns_names);
  info.ip_addresses = std::move(alt_names->ip_addresses);

  absl::StatusOr<std::chrono::system_clock::time_point> not_before =
      internal::FromAsn1Time(X509_get0_notBefore(certificate));
  if (!not_before.ok()) return not_before.status();
  info.not_before = *not_before;
  absl::StatusOr<std::chrono::system_clock::time_point> not_after =
      internal::FromAsn1Time(X509_get0_notAfter(certificate));
  if (!not_after.ok()) return not_after.status();
  info.not_after = *not_after;

  absl::StatusOr<std::string> serial =
      internal::FormatSerialNumber(X509_get0_serialNumber(certificate));
  if (!serial.ok()) return serial.status();
  info.serial_number = *std::move(serial);

  // X509_get_extension_flags parses the extensions once and records whether any was invalid.
  const uint32_t flags = X509_get_extension_flags(certificate);
  if (flags & EXFLAG_INVALID) {
    ERR_clear_error();
    return absl::InvalidArgumentError("malformed or duplicated X.509v3 extension");
  }
  info.is_ca = (flags & EXFLAG_CA) != 0;

  unsigned char* public_key = nullptr;
  const int length = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(certificate), &public_key);
  if (length <= 0) return internal::OpenSslInvalidArgument("malformed public key");
  info.public_key_der.assign(reinterpret_cast<const char*>(public_key),
                             static_cast<size_t>(length));
  OPENSSL_free(public_key);
  return info;
}

}  // namespace

absl::StatusOr<std::vector<CertificateInfo>> ParseCertificateChainPem(std::string_view pem) {
  absl::StatusOr<std::vector<internal::ParsedCertificate>> certificates =
      internal::ReadCertificates(pem, "certificate chain");
  if (!certificates.ok()) return certificates.status();
  std::vector<CertificateInfo> chain;
  for (size_t i = 0; i < certificates->size(); ++i) {
    internal::ParsedCertificate& certificate = (*certificates)[i];
    absl::StatusOr<CertificateInfo> info = Describe(certificate.x509.get());
    if (!info.ok()) return InCertificate(i + 1, info.status());
    absl::StatusOr<std::string> single_pem =
        internal::WritePemBlock("CERTIFICATE", certificate.der);
    if (!single_pem.ok()) return single_pem.status();
    info->pem = *std::move(single_pem);
    info->der = std::move(certificate.der);
    chain.push_back(*std::move(info));
  }
  return chain;
}

bool PublicKeyMatches(const CertificateInfo& certificate, const PrivateKey& key) {
  // Compared as keys, not as bytes: the same EC key may be encoded with explicit curve
  // parameters or a compressed point by whoever made the certificate.
  const auto* data = reinterpret_cast<const unsigned char*>(certificate.public_key_der.data());
  internal::PkeyPtr public_key{
      d2i_PUBKEY(nullptr, &data, static_cast<long>(certificate.public_key_der.size()))};
  if (!public_key) {
    ERR_clear_error();
    return false;
  }
  const bool matches = EVP_PKEY_eq(public_key.get(), internal::PrivateKeyAccess::Native(key)) == 1;
  ERR_clear_error();  // EVP_PKEY_eq reports different key types as an error, not just "no"
  return matches;
}

}  // namespace upkeep::crypto
