// `openssl verify` as a test's independent judge of an issued chain: the real CLI, not the
// code under test, says whether the leaf chains to the CA and is valid for the host.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace upkeep::testing {

struct OpensslVerifyResult {
  int exit_code = -1;  // 0: verified
  std::string output;  // stdout and stderr, for failure messages
};

// Verifies the leaf of `chain_pem` (leaf first, intermediates after) against the trust anchor
// `ca_pem` for `host`, at `at` (a simulated clock's time) or now. The files live in a temp
// directory removed before returning.
OpensslVerifyResult OpensslVerify(
    const std::string& ca_pem, const std::string& chain_pem, const std::string& host,
    std::optional<std::chrono::system_clock::time_point> at = std::nullopt);

}  // namespace upkeep::testing
