// Fixed times and a small PKI (root CA, intermediate CA, leaf) for the crypto engine's tests.
// Failures throw absl::BadStatusOrAccess from .value(), which GoogleTest reports as a failed
// test with the status.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "crypto/issue_certificate.h"
#include "crypto/private_key.h"

namespace upkeep::crypto::testing {

using TimePoint = std::chrono::system_clock::time_point;

// A 90-day certificate and an instant inside it; the CAs' validity covers it.
inline const TimePoint kNotBefore =
    TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 1 / 1));
inline const TimePoint kNotAfter =
    TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 4 / 1));
inline const TimePoint kDuringValidity =
    TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 2 / 1));
inline const TimePoint kCaNotBefore =
    TimePoint(std::chrono::sys_days(std::chrono::year(2025) / 1 / 1));
inline const TimePoint kCaNotAfter =
    TimePoint(std::chrono::sys_days(std::chrono::year(2035) / 1 / 1));

// For `openssl verify -attime`: the tool would otherwise check against today's date.
inline std::string EpochSeconds(TimePoint t) {
  return std::to_string(std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count());
}

inline const KeySpec kP256{.algorithm = KeyAlgorithm::kEcdsa, .size = 256};
inline const KeySpec kP384{.algorithm = KeyAlgorithm::kEcdsa, .size = 384};
inline const KeySpec kRsa2048{.algorithm = KeyAlgorithm::kRsa, .size = 2048};
inline const KeySpec kEd25519{.algorithm = KeyAlgorithm::kEd25519, .size = 0};

inline PrivateKey GenerateKey(const KeySpec& spec) { return PrivateKey::Generate(spec).value(); }

// A leaf for `names`, valid kNotBefore..kNotAfter.
inline IssueRequest LeafRequest(const PrivateKey& key, SubjectNames names) {
  return IssueRequest{.subject_public_key_der = key.public_key_der(),
                      .names = std::move(names),
                      .not_before = kNotBefore,
                      .not_after = kNotAfter};
}

// A CA named `common_name`, valid kCaNotBefore..kCaNotAfter.
inline IssueRequest CaRequest(const PrivateKey& key, std::string common_name) {
  return IssueRequest{.subject_public_key_der = key.public_key_der(),
                      .names = {.common_name = std::move(common_name)},
                      .not_before = kCaNotBefore,
                      .not_after = kCaNotAfter,
                      .is_ca = true};
}

// root (self-signed CA) -> intermediate (CA) -> leaf for example.com, www.example.com and
// 192.0.2.10.
struct TestPki {
  TestPki()
      : root_key(GenerateKey(kP256)),
        intermediate_key(GenerateKey(kP384)),
        leaf_key(GenerateKey(kRsa2048)) {
    root_pem =
        IssueCertificate(CaRequest(root_key, "Test Root CA"), Signer::SelfSigned(root_key)).value();
    intermediate_pem = IssueCertificate(CaRequest(intermediate_key, "Test Intermediate CA"),
                                        Signer::Ca(root_key, root_pem))
                           .value();
    leaf_pem =
        IssueCertificate(LeafRequest(leaf_key, {.common_name = "example.com",
                                                .dns_names = {"example.com", "www.example.com"},
                                                .ip_addresses = {"192.0.2.10"}}),
                         Signer::Ca(intermediate_key, intermediate_pem))
            .value();
  }

  PrivateKey root_key;
  PrivateKey intermediate_key;
  PrivateKey leaf_key;
  std::string root_pem;
  std::string intermediate_pem;
  std::string leaf_pem;
};

}  // namespace upkeep::crypto::testing
