// The certificate identifier of ACME Renewal Information (RFC 9773 §4.1): base64url of the
// authority key identifier's keyIdentifier, ".", base64url of the serial number's DER content
// octets. It names a certificate in renewalInfo requests and in a new order's "replaces".
// Thread-safe (pure functions).
#pragma once

#include <absl/status/statusor.h>

#include <string>
#include <string_view>

namespace upkeep::acme {

// From a DER certificate. InvalidArgument if it does not parse or has no authority key
// identifier with a keyIdentifier.
absl::StatusOr<std::string> RenewalCertId(std::string_view certificate_der);

// From the parts: the keyIdentifier bytes and the serial's DER content octets (with the
// leading zero byte a positive serial with its high bit set carries).
std::string RenewalCertIdFromParts(std::string_view key_identifier,
                                   std::string_view serial_der_content);

}  // namespace upkeep::acme
