#include "crypto/csr.h"

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/crypto.h>
#include <openssl/x509.h>

#include "crypto/internal/key_properties.h"
#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"
#include "crypto/internal/pem_blocks.h"
#include "crypto/internal/private_key_access.h"
#include "crypto/internal/x509_names.h"

namespace upkeep::crypto {
namespace {

using internal::OpenSslInternalError;
using internal::OpenSslInvalidArgument;

absl::StatusOr<std::string> ToDer(X509_REQ* request) {
  unsigned char* der = nullptr;
  const int length = i2d_X509_REQ(request, &der);
  if (length <= 0) return OpenSslInternalError("encoding the CSR");
  std::string result(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return result;
}

}  // namespace

absl::StatusOr<Csr> BuildCsr(const PrivateKey& key, const SubjectNames& names) {
  if (absl::Status valid = ValidateSubjectNames(names); !valid.ok()) return valid;
  EVP_PKEY* native_key = internal::PrivateKeyAccess::Native(key);
  internal::X509ReqPtr request{X509_REQ_new()};
  if (!request || X509_REQ_set_version(request.get(), X509_REQ_VERSION_1) != 1 ||
      X509_REQ_set_pubkey(request.get(), native_key) != 1) {
    return OpenSslInternalError("preparing the CSR");
  }
  absl::StatusOr<internal::X509NamePtr> subject = internal::BuildSubjectName(names);
  if (!subject.ok()) return subject.status();
  if (X509_REQ_set_subject_name(request.get(), subject->get()) != 1) {
    return OpenSslInternalError("setting the CSR subject");
  }
  absl::StatusOr<internal::X509ExtensionPtr> alt_names =
      internal::BuildSubjectAltNameExtension(names);
  if (!alt_names.ok()) return alt_names.status();
  if (*alt_names) {
    internal::ExtensionStackPtr extensions{sk_X509_EXTENSION_new_null()};
    if (!extensions || sk_X509_EXTENSION_push(extensions.get(), alt_names->get()) == 0) {
      return OpenSslInternalError("preparing the CSR extension request");
    }
    alt_names->release();  // the stack owns it now
    if (X509_REQ_add_extensions(request.get(), extensions.get()) != 1) {
      return OpenSslInternalError("adding the CSR extension request");
    }
  }
  if (X509_REQ_sign(request.get(), native_key, internal::SignatureDigestFor(key.spec())) <= 0) {
    return OpenSslInternalError("signing the CSR");
  }
  absl::StatusOr<std::string> der = ToDer(request.get());
  if (!der.ok()) return der.status();
  absl::StatusOr<std::string> pem = internal::WritePemBlock("CERTIFICATE REQUEST", *der);
  if (!pem.ok()) return pem.status();
  return Csr{.der = *std::move(der), .pem = *std::move(pem)};
}

absl::StatusOr<std::string> CsrPublicKeyDer(std::string_view csr_der) {
  const auto* data = reinterpret_cast<const unsigned char*>(csr_der.data());
  internal::X509ReqPtr request{d2i_X509_REQ(nullptr, &data, static_cast<long>(csr_der.size()))};
  if (!request) return OpenSslInvalidArgument("CSR is not valid DER");
  if (data != reinterpret_cast<const unsigned char*>(csr_der.data()) + csr_der.size()) {
    return absl::InvalidArgumentError("CSR has trailing bytes after its DER");
  }
  EVP_PKEY* public_key = X509_REQ_get0_pubkey(request.get());
  if (public_key == nullptr) return OpenSslInvalidArgument("CSR public key is malformed");
  if (X509_REQ_verify(request.get(), public_key) != 1) {
    return OpenSslInvalidArgument("CSR signature does not verify with its own public key");
  }
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(public_key, &der);
  if (length <= 0) return OpenSslInternalError("encoding the CSR public key");
  std::string result(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return result;
}

}  // namespace upkeep::crypto
