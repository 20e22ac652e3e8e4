// Certificate serial numbers: drawn at random, read from and written as hexadecimal text.
// Internal to crypto/.
//
// Thread safety: thread-safe (RAND_bytes is).
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>
#include <openssl/asn1.h>

#include "crypto/internal/openssl_ptr.h"

namespace upkeep::crypto::internal {

// A positive 128-bit number from RAND_bytes, as cert-manager draws them: unique without
// coordination, and well under RFC 5280's 20-octet limit.
absl::StatusOr<BignumPtr> RandomSerialNumber();

// Hex digits in either case (an optional "0x" is not accepted: it is not what openssl or
// Kubernetes status fields show). InvalidArgument unless it is 1-20 octets and positive.
absl::StatusOr<BignumPtr> ParseSerialNumber(std::string_view hex);

// Two lower-case hex digits per octet of the magnitude, no leading zero octets: what
// `openssl x509 -noout -serial` prints, lower-cased. A negative serial (which RFC 5280 forbids
// but old certificates have) is prefixed with "-".
absl::StatusOr<std::string> FormatSerialNumber(const ASN1_INTEGER* serial);

}  // namespace upkeep::crypto::internal
