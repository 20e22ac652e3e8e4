#include "crypto/internal/certificate_pem.h"

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>

#include "crypto/internal/openssl_error.h"
#include "crypto/internal/pem_blocks.h"

namespace upkeep::crypto::internal {

absl::StatusOr<std::vector<ParsedCertificate>> ReadCertificates(std::string_view pem,
                                                                std::string_view what) {
  absl::StatusOr<std::vector<PemBlock>> blocks = ReadPemBlocks(pem, what);
  if (!blocks.ok()) return blocks.status();
  if (blocks->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(what), ": no PEM CERTIFICATE block found"));
  }
  std::vector<ParsedCertificate> certificates;
  for (size_t i = 0; i < blocks->size(); ++i) {
    PemBlock& block = (*blocks)[i];
    const size_t position = i + 1;
    if (block.type != "CERTIFICATE") {
      // Named by type only: the block may be a private key.
      return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": PEM block ", position,
                                                     " is ", block.type, ", not CERTIFICATE"));
    }
    const auto* data = reinterpret_cast<const unsigned char*>(block.der.data());
    X509Ptr x509{d2i_X509(nullptr, &data, static_cast<long>(block.der.size()))};
    if (!x509) {
      return OpenSslInvalidArgument(absl::StrCat(std::string(what), ": certificate ", position,
                                                 " is damaged (not X.509 DER)"));
    }
    if (data != reinterpret_cast<const unsigned char*>(block.der.data()) + block.der.size()) {
      return absl::InvalidArgumentError(absl::StrCat(std::string(what), ": certificate ", position,
                                                     " has trailing bytes after its DER"));
    }
    certificates.push_back(ParsedCertificate{std::move(x509), std::move(block.der)});
  }
  return certificates;
}

}  // namespace upkeep::crypto::internal
