// Certificate validity times (ASN.1 UTCTime / GeneralizedTime) as
// std::chrono::system_clock::time_point, in both directions. Internal to crypto/.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <chrono>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <openssl/asn1.h>

namespace upkeep::crypto::internal {

// Interprets the time in UTC. InvalidArgument when it is malformed.
absl::StatusOr<std::chrono::system_clock::time_point> FromAsn1Time(const ASN1_TIME* time);

// Writes `t` truncated (towards the past) to whole seconds; UTCTime for 1950-2049 and
// GeneralizedTime otherwise, as RFC 5280 requires.
absl::Status SetAsn1Time(ASN1_TIME* target, std::chrono::system_clock::time_point t);

}  // namespace upkeep::crypto::internal
