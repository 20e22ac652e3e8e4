// Does a certificate chain verify, as a TLS client would check a server's? For the
// reconciler's "is what the Secret holds (or what the server serves) still good" and for
// tests.
//
// Time is an input (the caller's injected clock); nothing here reads the system clock, and the
// system trust store is never consulted: the caller names the roots.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include <absl/status/status.h>

namespace upkeep::crypto {

// Verifies `chain_pem` (the leaf first, then any intermediates, as in tls.crt) against the
// certificates of `trusted_roots_pem` (as in ca.crt), at time `at`:
//   - each trusted certificate is an anchor, even an intermediate CA, so a chain can be
//     checked against the CA that signed it directly (OpenSSL's partial-chain mode);
//   - the leaf must be fit for TLS server use (extendedKeyUsage, when present, allows
//     serverAuth; CAs on the path may sign certificates);
//   - with `host`, the leaf must name it: a DNS name, matched against dNSName entries with
//     single-label wildcards (never the subject CN, as browsers and Go do not either), or an
//     IP address, matched against iPAddress entries.
// InvalidArgument when a PEM input is damaged or holds no certificate; FailedPrecondition when
// the chain does not verify, saying why and for which certificate ("certificate has expired:
// CN=example.com").
absl::Status VerifyChain(std::string_view chain_pem, std::string_view trusted_roots_pem,
                         std::chrono::system_clock::time_point at,
                         std::optional<std::string_view> host = std::nullopt);

}  // namespace upkeep::crypto
