#include "crypto/subject_names.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>

#include "crypto/ip_address.h"

namespace upkeep::crypto {
namespace {

constexpr size_t kMaxCommonNameLength = 64;  // ub-common-name, RFC 5280 appendix A.1
constexpr size_t kMaxDnsNameLength = 253;
constexpr size_t kMaxDnsLabelLength = 63;

bool IsDnsLabel(absl::string_view label) {
  if (label.empty() || label.size() > kMaxDnsLabelLength) return false;
  for (char c : label) {
    if (!absl::ascii_isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  }
  return true;
}

bool IsDnsName(absl::string_view name) {
  if (name.size() > kMaxDnsNameLength) return false;
  // Only the whole leftmost label may be a wildcard: what CAs issue and TLS clients match.
  if (absl::StartsWith(name, "*.")) name.remove_prefix(2);
  if (name.empty()) return false;
  for (absl::string_view label : absl::StrSplit(name, '.')) {
    if (!IsDnsLabel(label)) return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateSubjectNames(const SubjectNames& names) {
  if (names.common_name.empty() && names.dns_names.empty() && names.ip_addresses.empty()) {
    return absl::InvalidArgumentError(
        "a certificate needs a common name, a DNS name or an IP address");
  }
  if (names.common_name.size() > kMaxCommonNameLength) {
    return absl::InvalidArgumentError(
        absl::StrCat("common name \"", names.common_name, "\" is longer than 64 characters"));
  }
  for (const std::string& name : names.dns_names) {
    if (!IsDnsName(name)) {
      return absl::InvalidArgumentError(absl::StrCat("\"", name, "\" is not a valid DNS name"));
    }
  }
  for (const std::string& address : names.ip_addresses) {
    if (absl::Status parsed = ParseIpAddress(address).status(); !parsed.ok()) return parsed;
  }
  return absl::OkStatus();
}

}  // namespace upkeep::crypto
