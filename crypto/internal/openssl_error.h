// Turns a failed OpenSSL call into an absl::Status that says what the engine was doing and
// what OpenSSL reported. Internal to crypto/.
//
// Thread safety: OpenSSL's error queue is thread-local, so each thread drains its own.
#pragma once

#include <string_view>

#include <absl/status/status.h>

namespace upkeep::crypto::internal {

// Drains the calling thread's OpenSSL error queue into the message ("what: reason; reason"),
// so a later failure never reports this one's leftovers. OpenSSL's reasons name algorithms and
// ASN.1 structures, never key material.
absl::Status OpenSslError(absl::StatusCode code, std::string_view what);

inline absl::Status OpenSslInternalError(std::string_view what) {
  return OpenSslError(absl::StatusCode::kInternal, what);
}

inline absl::Status OpenSslInvalidArgument(std::string_view what) {
  return OpenSslError(absl::StatusCode::kInvalidArgument, what);
}

}  // namespace upkeep::crypto::internal
