#include "crypto/internal/x509_names.h"

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/crypto.h>

#include "crypto/internal/openssl_error.h"
#include "crypto/ip_address.h"

namespace upkeep::crypto::internal {
namespace {

absl::Status AppendGeneralName(GENERAL_NAMES* names, int type, const std::string& value,
                               const std::string& shown_as) {
  GENERAL_NAME* name = GENERAL_NAME_new();
  ASN1_STRING* asn1 =
      ASN1_STRING_type_new(type == GEN_IPADD ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING);
  if (name == nullptr || asn1 == nullptr ||
      ASN1_STRING_set(asn1, value.data(), static_cast<int>(value.size())) != 1) {
    ASN1_STRING_free(asn1);
    GENERAL_NAME_free(name);
    return OpenSslInternalError(absl::StrCat("encoding subjectAltName ", shown_as));
  }
  GENERAL_NAME_set0_value(name, type, asn1);
  if (sk_GENERAL_NAME_push(names, name) == 0) {
    GENERAL_NAME_free(name);
    return OpenSslInternalError(absl::StrCat("adding subjectAltName ", shown_as));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<X509NamePtr> BuildSubjectName(const SubjectNames& names) {
  X509NamePtr subject{X509_NAME_new()};
  if (!subject) return OpenSslInternalError("allocating a subject name");
  if (!names.common_name.empty() &&
      X509_NAME_add_entry_by_NID(subject.get(), NID_commonName, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(names.common_name.data()),
                                 static_cast<int>(names.common_name.size()), -1, 0) != 1) {
    return OpenSslInvalidArgument(absl::StrCat("encoding common name \"", names.common_name, "\""));
  }
  return subject;
}

absl::StatusOr<X509ExtensionPtr> BuildSubjectAltNameExtension(const SubjectNames& names) {
  if (names.dns_names.empty() && names.ip_addresses.empty()) return X509ExtensionPtr();
  GeneralNamesPtr general_names{GENERAL_NAMES_new()};
  if (!general_names) return OpenSslInternalError("allocating subjectAltName");
  for (const std::string& dns_name : names.dns_names) {
    absl::Status added = AppendGeneralName(general_names.get(), GEN_DNS, dns_name, dns_name);
    if (!added.ok()) return added;
  }
  for (const std::string& address : names.ip_addresses) {
    absl::StatusOr<std::string> octets = ParseIpAddress(address);
    if (!octets.ok()) return octets.status();
    absl::Status added = AppendGeneralName(general_names.get(), GEN_IPADD, *octets, address);
    if (!added.ok()) return added;
  }
  const int critical = names.common_name.empty() ? 1 : 0;
  X509ExtensionPtr extension{X509V3_EXT_i2d(NID_subject_alt_name, critical, general_names.get())};
  if (!extension) return OpenSslInternalError("encoding subjectAltName");
  return extension;
}

absl::StatusOr<std::string> CommonNameOf(const X509_NAME* name) {
  const int index = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
  if (index < 0) return std::string();
  const ASN1_STRING* value = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index));
  unsigned char* utf8 = nullptr;
  const int length = ASN1_STRING_to_UTF8(&utf8, value);
  if (length < 0) return OpenSslInvalidArgument("malformed common name");
  std::string text(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return text;
}

absl::StatusOr<AltNames> SubjectAltNamesOf(const X509* certificate) {
  AltNames result;
  int critical = 0;
  GeneralNamesPtr names{static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, &critical, nullptr))};
  if (!names) {
    // -1: no such extension; -2: more than one, which RFC 5280 forbids; otherwise damaged.
    if (critical == -1) return result;
    return OpenSslInvalidArgument("malformed subjectAltName extension");
  }
  for (int i = 0; i < sk_GENERAL_NAME_num(names.get()); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names.get(), i);
    int type = 0;
    const auto* value = static_cast<const ASN1_STRING*>(GENERAL_NAME_get0_value(name, &type));
    const std::string_view bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(value)),
                                 static_cast<size_t>(ASN1_STRING_length(value)));
    if (type == GEN_DNS) {
      result.dns_names.emplace_back(bytes);
    } else if (type == GEN_IPADD) {
      absl::StatusOr<std::string> text = FormatIpAddress(bytes);
      if (!text.ok()) {
        return absl::InvalidArgumentError(
            absl::StrCat("malformed subjectAltName IP address: ", text.status().message()));
      }
      result.ip_addresses.push_back(*std::move(text));
    }
  }
  return result;
}

}  // namespace upkeep::crypto::internal
