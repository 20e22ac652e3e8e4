#include "crypto/verify_chain.h"

#include <string>
#include <vector>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <absl/time/time.h>
#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "crypto/internal/certificate_pem.h"
#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"
#include "crypto/ip_address.h"

namespace upkeep::crypto {
namespace {

using internal::OpenSslInternalError;

// "CN=example.com,O=Example" (RFC 2253 order), or "an empty subject".
std::string SubjectOf(X509* certificate) {
  if (certificate == nullptr) return "an unknown certificate";
  internal::BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio ||
      X509_NAME_print_ex(bio.get(), X509_get_subject_name(certificate), 0, XN_FLAG_RFC2253) < 0) {
    ERR_clear_error();
    return "a certificate";
  }
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio.get(), &data);
  if (length <= 0) return "a certificate with an empty subject";
  return std::string(data, static_cast<size_t>(length));
}

absl::Status ConfigureHost(X509_VERIFY_PARAM* param, std::string_view host) {
  if (absl::StatusOr<std::string> ip = ParseIpAddress(host); ip.ok()) {
    if (X509_VERIFY_PARAM_set1_ip(param, reinterpret_cast<const unsigned char*>(ip->data()),
                                  ip->size()) != 1) {
      return OpenSslInternalError("setting the IP address to verify");
    }
    return absl::OkStatus();
  }
  X509_VERIFY_PARAM_set_hostflags(
      param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS | X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
  if (host.empty() || X509_VERIFY_PARAM_set1_host(param, host.data(), host.size()) != 1) {
    return internal::OpenSslInvalidArgument(
        absl::StrCat("\"", std::string(host), "\" is not a host name or IP address to verify"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status VerifyChain(std::string_view chain_pem, std::string_view trusted_roots_pem,
                         std::chrono::system_clock::time_point at,
                         std::optional<std::string_view> host) {
  absl::StatusOr<std::vector<internal::ParsedCertificate>> chain =
      internal::ReadCertificates(chain_pem, "certificate chain");
  if (!chain.ok()) return chain.status();
  absl::StatusOr<std::vector<internal::ParsedCertificate>> roots =
      internal::ReadCertificates(trusted_roots_pem, "trusted roots");
  if (!roots.ok()) return roots.status();

  internal::X509StorePtr store{X509_STORE_new()};
  if (!store) return OpenSslInternalError("allocating a certificate store");
  for (const internal::ParsedCertificate& root : *roots) {
    if (X509_STORE_add_cert(store.get(), root.x509.get()) != 1) {
      // A root listed twice is harmless; anything else is not.
      if (ERR_GET_REASON(ERR_peek_last_error()) != X509_R_CERT_ALREADY_IN_HASH_TABLE) {
        return OpenSslInternalError("adding a trusted root");
      }
      ERR_clear_error();
    }
  }
  internal::X509StackPtr untrusted{sk_X509_new_null()};
  if (!untrusted) return OpenSslInternalError("allocating the intermediate list");
  for (size_t i = 1; i < chain->size(); ++i) {
    if (sk_X509_push(untrusted.get(), (*chain)[i].x509.get()) == 0) {
      return OpenSslInternalError("adding an intermediate certificate");
    }
    (*chain)[i].x509.release();  // the stack owns it now
  }

  X509* leaf = chain->front().x509.get();
  internal::X509StoreCtxPtr ctx{X509_STORE_CTX_new()};
  if (!ctx || X509_STORE_CTX_init(ctx.get(), store.get(), leaf, untrusted.get()) != 1) {
    return OpenSslInternalError("preparing chain verification");
  }
  X509_VERIFY_PARAM* param = X509_STORE_CTX_get0_param(ctx.get());
  const auto seconds = std::chrono::floor<std::chrono::seconds>(at).time_since_epoch().count();
  X509_VERIFY_PARAM_set_time(param, static_cast<time_t>(seconds));  // sets USE_CHECK_TIME
  X509_VERIFY_PARAM_set_flags(param, X509_V_FLAG_PARTIAL_CHAIN);
  if (X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER) != 1) {
    return OpenSslInternalError("setting the verification purpose");
  }
  if (host.has_value()) {
    if (absl::Status configured = ConfigureHost(param, *host); !configured.ok()) {
      return configured;
    }
  }

  if (X509_verify_cert(ctx.get()) == 1) return absl::OkStatus();
  const int error = X509_STORE_CTX_get_error(ctx.get());
  ERR_clear_error();
  std::string message = absl::StrCat(
      "certificate chain does not verify at ",
      absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", absl::FromChrono(at), absl::UTCTimeZone()), ": ",
      X509_verify_cert_error_string(error), ": ",
      SubjectOf(X509_STORE_CTX_get_current_cert(ctx.get())));
  if (error == X509_V_ERR_HOSTNAME_MISMATCH || error == X509_V_ERR_IP_ADDRESS_MISMATCH) {
    absl::StrAppend(&message, " is not valid for \"", std::string(*host), "\"");
  }
  return absl::FailedPreconditionError(message);
}

}  // namespace upkeep::crypto
