// Which certificate does a TLS endpoint serve? The check behind CertRenewal's verifyServing:
// after a new certificate is written (and its consumers restarted), connect with the right
// SNI and read the leaf the server presents.
//
// The server's chain is deliberately not verified here: the question is whether it presents
// the certificate upkeep issued (the caller compares serials), not whether to trust it, and
// nothing is sent over the connection but the handshake.
//
// Thread safety: thread-safe; each call has its own connection.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::crypto {

// Connects to `address` ("host:port", "[::1]:443"), performs a TLS handshake sending
// `server_name` as SNI (not sent when empty or an IP address, as RFC 6066 requires), and
// returns the server's leaf certificate as PEM. `timeout` bounds connecting and the handshake
// together (name resolution uses the system resolver and its own limits).
// InvalidArgument for a malformed address; Unavailable when the host does not resolve, the
// connection is refused or the handshake fails; DeadlineExceeded on timeout.
absl::StatusOr<std::string> FetchServedCertificatePem(std::string_view address,
                                                      std::string_view server_name,
                                                      std::chrono::milliseconds timeout);

}  // namespace upkeep::crypto
