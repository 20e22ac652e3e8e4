// PEM text to OpenSSL certificate objects, with the errors ParseCertificateChainPem promises.
// Shared by the parser, the issuer (the CA's certificate) and the chain verifier. Internal to
// crypto/.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>

#include "crypto/internal/openssl_ptr.h"

namespace upkeep::crypto::internal {

struct ParsedCertificate {
  X509Ptr x509;
  std::string der;
};

// Every certificate in `pem`, in order. InvalidArgument starting with `what` ("certificate
// chain", "trusted roots") when there is none, a block is damaged or not a CERTIFICATE, or its
// DER is not exactly one certificate.
absl::StatusOr<std::vector<ParsedCertificate>> ReadCertificates(std::string_view pem,
                                                                std::string_view what);

}  // namespace upkeep::crypto::internal
