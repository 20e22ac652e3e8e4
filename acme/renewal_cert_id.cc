#include "acme/renewal_cert_id.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "acme/base64url.h"

namespace upkeep::acme {

std::string RenewalCertIdFromParts(std::string_view key_identifier,
                                   std::string_view serial_der_content) {
  return Base64UrlEncode(key_identifier) + "." + Base64UrlEncode(serial_der_content);
}

absl::StatusOr<std::string> RenewalCertId(std::string_view certificate_der) {
  const auto* p = reinterpret_cast<const unsigned char*>(certificate_der.data());
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      d2i_X509(nullptr, &p, static_cast<long>(certificate_der.size())), &X509_free);
  if (cert == nullptr) {
    ERR_clear_error();
    return absl::InvalidArgumentError("the certificate for ARI is not a DER X.509 certificate");
  }
  const ASN1_OCTET_STRING* aki = X509_get0_authority_key_id(cert.get());
  if (aki == nullptr || ASN1_STRING_length(aki) == 0) {
    return absl::InvalidArgumentError(
        "the certificate has no authority key identifier, which ARI needs to name it");
  }
  // i2d gives tag, length and content octets; the CertID wants only the content, which keeps
  // the sign-preserving leading zero that ASN1_INTEGER's own data leaves out.
  const ASN1_INTEGER* serial = X509_get0_serialNumber(cert.get());
  unsigned char* der = nullptr;
  int der_len = i2d_ASN1_INTEGER(serial, &der);
  if (der_len <= 2) {
    OPENSSL_free(der);
    return absl::InvalidArgumentError("the certificate's serial number cannot be encoded");
  }
  std::string encoded(reinterpret_cast<const char*>(der), static_cast<size_t>(der_len));
  OPENSSL_free(der);
  // Skip the tag and the length octets (short form < 128, else 0x80|n followed by n octets).
  size_t header = 2;
  auto length_byte = static_cast<unsigned char>(encoded[1]);
  if (length_byte & 0x80) header += length_byte & 0x7F;
  return RenewalCertIdFromParts(
      std::string_view(reinterpret_cast<const char*>(ASN1_STRING_get0_data(aki)),
                       static_cast<size_t>(ASN1_STRING_length(aki))),
      std::string_view(encoded).substr(header));
}

}  // namespace upkeep::acme
