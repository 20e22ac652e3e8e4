#include "crypto/ip_address.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>

namespace upkeep::crypto {

absl::StatusOr<std::string> ParseIpAddress(std::string_view text) {
  // inet_pton is strict where OpenSSL's a2i_IPADDRESS is not: it refuses "1.2.3", "01.2.3.4"
  // and trailing text, so a typo in a spec cannot become a different address.
  const std::string nul_terminated(text);
  unsigned char octets[sizeof(in6_addr)];
  if (inet_pton(AF_INET, nul_terminated.c_str(), octets) == 1) {
    return std::string(reinterpret_cast<const char*>(octets), sizeof(in_addr));
  }
  if (inet_pton(AF_INET6, nul_terminated.c_str(), octets) == 1) {
    return std::string(reinterpret_cast<const char*>(octets), sizeof(in6_addr));
  }
  return absl::InvalidArgumentError(
      absl::StrCat("\"", nul_terminated, "\" is not an IPv4 or IPv6 address"));
}

absl::StatusOr<std::string> FormatIpAddress(std::string_view octets) {
  char text[INET6_ADDRSTRLEN];
  const int family = octets.size() == sizeof(in_addr)    ? AF_INET
                     : octets.size() == sizeof(in6_addr) ? AF_INET6
                                                         : AF_UNSPEC;
  if (family == AF_UNSPEC || inet_ntop(family, octets.data(), text, sizeof(text)) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("an IP address has 4 or 16 octets, not ", octets.size()));
  }
  return std::string(text);
}

absl::StatusOr<std::string> CanonicalIpAddress(std::string_view text) {
  absl::StatusOr<std::string> octets = ParseIpAddress(text);
  if (!octets.ok()) return octets.status();
  return FormatIpAddress(*octets);
}

}  // namespace upkeep::crypto
