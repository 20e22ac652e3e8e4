// The names a certificate or certificate request is for: CertRenewal's commonName, dnsNames
// and ipAddresses. Shared by BuildCsr and IssueCertificate so both check names the same way.
//
// Thread safety: a value type; ValidateSubjectNames is pure and thread-safe.
#pragma once

#include <string>
#include <vector>

#include <absl/status/status.h>

namespace upkeep::crypto {

struct SubjectNames {
  // The subject's CN; empty means an empty subject, and then the subjectAltName extension is
  // marked critical (RFC 5280 section 4.2.1.6). At most 64 characters.
  std::string common_name{};
  // subjectAltName dNSName entries, in order. A leading "*." wildcard label is allowed.
  std::vector<std::string> dns_names{};
  // subjectAltName iPAddress entries, IPv4 or IPv6 text, in order.
  std::vector<std::string> ip_addresses{};
};

// OK when there is at least one name and each is well formed: the common name is 1-64 bytes
// when present; a DNS name is at most 253 characters of labels of 1-63 letters, digits, '-'
// or '_' (no trailing dot; internationalised names must be given as "xn--" A-labels); an IP
// address parses with ParseIpAddress. InvalidArgument names the offending entry.
absl::Status ValidateSubjectNames(const SubjectNames& names);

}  // namespace upkeep::crypto
