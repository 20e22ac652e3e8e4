#include "crypto/issue_certificate.h"

#include <algorithm>
#include <vector>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/internal/asn1_time.h"
#include "crypto/internal/certificate_pem.h"
#include "crypto/internal/key_properties.h"
#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"
#include "crypto/internal/pem_blocks.h"
#include "crypto/internal/private_key_access.h"
#include "crypto/internal/serial_number.h"
#include "crypto/internal/x509_names.h"

namespace upkeep::crypto {
namespace {

using internal::OpenSslInternalError;
using TimePoint = std::chrono::system_clock::time_point;

// `what` continues "CA certificate ...".
absl::Status CaProblem(absl::string_view what) {
  return absl::FailedPreconditionError(absl::StrCat("CA certificate ", what));
}

// OK, with the CA's notAfter, when `ca` may sign with `ca_key` from `not_before` on.
absl::StatusOr<TimePoint> CheckCanSign(X509* ca, EVP_PKEY* ca_key, TimePoint not_before) {
  const uint32_t flags = X509_get_extension_flags(ca);
  if (flags & EXFLAG_INVALID) return CaProblem("has a malformed X.509v3 extension");
  if ((flags & EXFLAG_CA) == 0) {
    return CaProblem("is not a CA (its basicConstraints do not say CA:TRUE)");
  }
  // X509_get_key_usage answers "all usages" when there is no keyUsage extension.
  if ((X509_get_key_usage(ca) & KU_KEY_CERT_SIGN) == 0) {
    return CaProblem("may not sign certificates (its keyUsage lacks keyCertSign)");
  }
  if (EVP_PKEY_eq(X509_get0_pubkey(ca), ca_key) != 1) {
    ERR_clear_error();
    return CaProblem("does not match the CA private key");
  }
  absl::StatusOr<TimePoint> ca_not_after = internal::FromAsn1Time(X509_get0_notAfter(ca));
  if (!ca_not_after.ok()) return CaProblem(absl::StrCat("has a ", ca_not_after.status().message()));
  if (*ca_not_after <= not_before) {
    return CaProblem("expires before the requested notBefore");
  }
  return *ca_not_after;
}

absl::Status AddExtension(X509* certificate, int nid, int critical, void* value) {
  if (X509_add1_ext_i2d(certificate, nid, value, critical, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslInternalError(absl::StrCat("adding the ", OBJ_nid2ln(nid), " extension"));
  }
  return absl::OkStatus();
}

// SHA-1 of the subjectPublicKey BIT STRING, RFC 5280 section 4.2.1.2 method 1.
absl::StatusOr<internal::Asn1OctetStringPtr> KeyIdentifier(const X509* certificate) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  internal::Asn1OctetStringPtr id{ASN1_OCTET_STRING_new()};
  if (!id || X509_pubkey_digest(certificate, EVP_sha1(), digest, &length) != 1 ||
      ASN1_OCTET_STRING_set(id.get(), digest, static_cast<int>(length)) != 1) {
    return OpenSslInternalError("computing a key identifier");
  }
  return id;
}

absl::Status AddKeyIdentifiers(X509* certificate, X509* ca) {
  absl::StatusOr<internal::Asn1OctetStringPtr> subject_key_id = KeyIdentifier(certificate);
  if (!subject_key_id.ok()) return subject_key_id.status();
  if (absl::Status added =
          AddExtension(certificate, NID_subject_key_identifier, 0, subject_key_id->get());
      !added.ok()) {
    return added;
  }
  internal::AuthorityKeyIdPtr authority_key_id{AUTHORITY_KEYID_new()};
  if (!authority_key_id) return OpenSslInternalError("allocating authorityKeyIdentifier");
  // The CA's own subjectKeyIdentifier when it has one, so chains built by matching the two
  // work whatever method the CA's maker used; otherwise computed like ours.
  const ASN1_OCTET_STRING* ca_key_id = ca != nullptr ? X509_get0_subject_key_id(ca) : nullptr;
  if (ca_key_id != nullptr) {
    authority_key_id->keyid = ASN1_OCTET_STRING_dup(ca_key_id);
  } else if (ca != nullptr) {
    absl::StatusOr<internal::Asn1OctetStringPtr> computed = KeyIdentifier(ca);
    if (!computed.ok()) return computed.status();
    authority_key_id->keyid = computed->release();
  } else {
    authority_key_id->keyid = ASN1_OCTET_STRING_dup(subject_key_id->get());
  }
  if (authority_key_id->keyid == nullptr) {
    return OpenSslInternalError("copying the authority key identifier");
  }
  return AddExtension(certificate, NID_authority_key_identifier, 0, authority_key_id.get());
}

absl::Status AddUsageExtensions(X509* certificate, const IssueRequest& request,
                                const KeySpec& subject_spec) {
  internal::BasicConstraintsPtr basic_constraints{BASIC_CONSTRAINTS_new()};
  if (!basic_constraints) return OpenSslInternalError("allocating basicConstraints");
  basic_constraints->ca = request.is_ca ? 0xFF : 0;
  if (absl::Status added =
          AddExtension(certificate, NID_basic_constraints, 1, basic_constraints.get());
      !added.ok()) {
    return added;
  }

  // Positions in the keyUsage BIT STRING, RFC 5280 section 4.2.1.3.
  constexpr int kDigitalSignature = 0, kKeyEncipherment = 2, kKeyCertSign = 5, kCrlSign = 6;
  std::vector<int> usages = {kDigitalSignature};
  // Key transport (TLS 1.2 RSA key exchange) exists for RSA keys only.
  if (subject_spec.algorithm == KeyAlgorithm::kRsa) usages.push_back(kKeyEncipherment);
  if (request.is_ca) usages.insert(usages.end(), {kKeyCertSign, kCrlSign});
  internal::Asn1BitStringPtr key_usage{ASN1_BIT_STRING_new()};
  if (!key_usage) return OpenSslInternalError("allocating keyUsage");
  for (int bit : usages) {
    if (ASN1_BIT_STRING_set_bit(key_usage.get(), bit, 1) != 1) {
      return OpenSslInternalError("encoding keyUsage");
    }
  }
  if (absl::Status added = AddExtension(certificate, NID_key_usage, 1, key_usage.get());
      !added.ok()) {
    return added;
  }

  if (request.is_ca) return absl::OkStatus();
  internal::ExtendedKeyUsagePtr extended_key_usage{EXTENDED_KEY_USAGE_new()};
  if (!extended_key_usage ||
      sk_ASN1_OBJECT_push(extended_key_usage.get(), OBJ_nid2obj(NID_server_auth)) == 0 ||
      sk_ASN1_OBJECT_push(extended_key_usage.get(), OBJ_nid2obj(NID_client_auth)) == 0) {
    return OpenSslInternalError("encoding extendedKeyUsage");
  }
  return AddExtension(certificate, NID_ext_key_usage, 0, extended_key_usage.get());
}

absl::StatusOr<internal::PkeyPtr> DecodeSubjectKey(const std::string& der) {
  const auto* data = reinterpret_cast<const unsigned char*>(der.data());
  internal::PkeyPtr key{d2i_PUBKEY(nullptr, &data, static_cast<long>(der.size()))};
  if (!key || data != reinterpret_cast<const unsigned char*>(der.data()) + der.size()) {
    return internal::OpenSslInvalidArgument("subject public key is not a DER SubjectPublicKeyInfo");
  }
  return key;
}

absl::StatusOr<std::string> ToPem(X509* certificate) {
  unsigned char* der = nullptr;
  const int length = i2d_X509(certificate, &der);
  if (length <= 0) return OpenSslInternalError("encoding the certificate");
  const std::string_view view(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  absl::StatusOr<std::string> pem = internal::WritePemBlock("CERTIFICATE", view);
  OPENSSL_free(der);
  return pem;
}

}  // namespace

absl::StatusOr<std::string> IssueCertificate(const IssueRequest& request, const Signer& signer) {
  if (absl::Status valid = ValidateSubjectNames(request.names); !valid.ok()) return valid;
  if (request.not_after <= request.not_before) {
    return absl::InvalidArgumentError("certificate notAfter must be later than notBefore");
  }
  absl::StatusOr<internal::PkeyPtr> subject_key = DecodeSubjectKey(request.subject_public_key_der);
  if (!subject_key.ok()) return subject_key.status();
  absl::StatusOr<KeySpec> subject_spec = internal::KeySpecOf(subject_key->get());
  if (!subject_spec.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("subject public key: ", subject_spec.status().message()));
  }
  absl::StatusOr<internal::BignumPtr> serial =
      request.serial_number.empty() ? internal::RandomSerialNumber()
                                    : internal::ParseSerialNumber(request.serial_number);
  if (!serial.ok()) return serial.status();

  EVP_PKEY* signing_key = internal::PrivateKeyAccess::Native(signer.key());
  TimePoint not_after = request.not_after;
  internal::X509Ptr ca;
  if (signer.self_signed()) {
    if (EVP_PKEY_eq(subject_key->get(), signing_key) != 1) {
      ERR_clear_error();
      return absl::InvalidArgumentError(
          "a self-signed certificate must certify the signing key; the subject public key is "
          "another key");
    }
  } else {
    absl::StatusOr<std::vector<internal::ParsedCertificate>> ca_chain =
        internal::ReadCertificates(signer.ca_certificate_pem(), "CA certificate");
    if (!ca_chain.ok()) return absl::FailedPreconditionError(ca_chain.status().message());
    ca = std::move(ca_chain->front().x509);
    absl::StatusOr<TimePoint> ca_not_after =
        CheckCanSign(ca.get(), signing_key, request.not_before);
    if (!ca_not_after.ok()) return ca_not_after.status();
    not_after = std::min(not_after, *ca_not_after);
  }

  internal::X509Ptr certificate{X509_new()};
  if (!certificate || X509_set_version(certificate.get(), X509_VERSION_3) != 1 ||
      BN_to_ASN1_INTEGER(serial->get(), X509_get_serialNumber(certificate.get())) == nullptr ||
      X509_set_pubkey(certificate.get(), subject_key->get()) != 1) {
    return OpenSslInternalError("preparing the certificate");
  }
  absl::StatusOr<internal::X509NamePtr> subject = internal::BuildSubjectName(request.names);
  if (!subject.ok()) return subject.status();
  const X509_NAME* issuer_name = ca ? X509_get_subject_name(ca.get()) : subject->get();
  if (X509_set_subject_name(certificate.get(), subject->get()) != 1 ||
      X509_set_issuer_name(certificate.get(), issuer_name) != 1) {
    return OpenSslInternalError("setting the certificate names");
  }
  if (absl::Status set =
          internal::SetAsn1Time(X509_getm_notBefore(certificate.get()), request.not_before);
      !set.ok()) {
    return set;
  }
  if (absl::Status set = internal::SetAsn1Time(X509_getm_notAfter(certificate.get()), not_after);
      !set.ok()) {
    return set;
  }

  if (absl::Status added = AddUsageExtensions(certificate.get(), request, *subject_spec);
      !added.ok()) {
    return added;
  }
  if (absl::Status added = AddKeyIdentifiers(certificate.get(), ca.get()); !added.ok()) {
    return added;
  }
  absl::StatusOr<internal::X509ExtensionPtr> alt_names =
      internal::BuildSubjectAltNameExtension(request.names);
  if (!alt_names.ok()) return alt_names.status();
  if (*alt_names && X509_add_ext(certificate.get(), alt_names->get(), -1) != 1) {
    return OpenSslInternalError("adding the subjectAltName extension");
  }

  if (X509_sign(certificate.get(), signing_key,
                internal::SignatureDigestFor(signer.key().spec())) <= 0) {
    return OpenSslInternalError("signing the certificate");
  }
  return ToPem(certificate.get());
}

}  // namespace upkeep::crypto
