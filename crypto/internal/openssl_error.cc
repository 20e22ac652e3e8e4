#include "crypto/internal/openssl_error.h"

#include <algorithm>
#include <string>
#include <vector>

#include <absl/strings/str_join.h>
#include <openssl/err.h>

namespace upkeep::crypto::internal {

absl::Status OpenSslError(absl::StatusCode code, std::string_view what) {
  std::vector<std::string> reasons;
  while (unsigned long error = ERR_get_error()) {
    // The reason string alone ("bad base64 decode"); the library and function parts of
    // ERR_error_string_n only add noise for a reader of a Ready condition. The ASN.1 decoder
    // repeats "nested asn1 error" once per level; once is enough.
    const char* reason = ERR_reason_error_string(error);
    std::string text = reason != nullptr ? reason : "unknown OpenSSL error";
    if (std::find(reasons.begin(), reasons.end(), text) == reasons.end()) {
      reasons.push_back(std::move(text));
    }
  }
  std::string message(what);
  if (!reasons.empty()) message += ": " + absl::StrJoin(reasons, "; ");
  return absl::Status(code, message);
}

}  // namespace upkeep::crypto::internal
