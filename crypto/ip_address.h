// IP addresses as certificates carry them: 4 or 16 octets in a subjectAltName, text everywhere
// else (CertRenewal's spec.ipAddresses, what the reconciler compares). One canonical text form
// lets "::1" and "0:0:0:0:0:0:0:1" compare equal.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::crypto {

// Dotted-quad IPv4 or RFC 4291 IPv6 text to its 4 or 16 octets. No zone ("%eth0"), no
// prefix length, no surrounding brackets or spaces: InvalidArgument naming the text.
absl::StatusOr<std::string> ParseIpAddress(std::string_view text);

// 4 or 16 octets to canonical text: dotted quad, or RFC 5952 IPv6 (lower case, longest run of
// zeros compressed). InvalidArgument for any other length.
absl::StatusOr<std::string> FormatIpAddress(std::string_view octets);

// FormatIpAddress(ParseIpAddress(text)): what ParseCertificateChainPem reports for that name.
absl::StatusOr<std::string> CanonicalIpAddress(std::string_view text);

}  // namespace upkeep::crypto
