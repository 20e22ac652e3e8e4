// SubjectNames to and from their X.509 form: the subject's CN and the subjectAltName
// extension. Internal to crypto/; used by the CSR builder, the issuer and the parser.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/internal/openssl_ptr.h"
#include "crypto/subject_names.h"

namespace upkeep::crypto::internal {

// The subject: CN=<common_name> as a UTF8String, or an empty name when there is none.
absl::StatusOr<X509NamePtr> BuildSubjectName(const SubjectNames& names);

// The subjectAltName extension (DNS names, then IP addresses), critical when the subject is
// empty; null when there are no alternative names. Names must have passed
// ValidateSubjectNames.
absl::StatusOr<X509ExtensionPtr> BuildSubjectAltNameExtension(const SubjectNames& names);

// The first CN of `name`, as UTF-8; empty when there is none.
absl::StatusOr<std::string> CommonNameOf(const X509_NAME* name);

// The dNSName and iPAddress (canonical text) entries of a certificate's subjectAltName, in
// order; other kinds of entry are skipped.
struct AltNames {
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
};
absl::StatusOr<AltNames> SubjectAltNamesOf(const X509* certificate);

}  // namespace upkeep::crypto::internal
