// PEM text as a list of typed DER blocks ("CERTIFICATE", "PRIVATE KEY", ...), in both
// directions. Reading is generic so callers can say which block was wrong and what it was,
// instead of OpenSSL's typed readers silently skipping blocks of another type. Internal to
// crypto/.
//
// Thread safety: pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/status/statusor.h>

namespace upkeep::crypto::internal {

// One decoded block. The DER may be a private key, so it is wiped when the block goes away.
struct PemBlock {
  PemBlock() = default;
  PemBlock(std::string type, std::string der) : type(std::move(type)), der(std::move(der)) {}
  PemBlock(PemBlock&&) = default;
  PemBlock& operator=(PemBlock&&) = default;
  PemBlock(const PemBlock&) = delete;
  PemBlock& operator=(const PemBlock&) = delete;
  ~PemBlock();

  std::string type;  // the label between "-----BEGIN " and "-----"
  std::string der;
};

// Every block of `text`, in order; an input with none gives an empty list. Text outside the
// blocks is ignored (openssl writes "Bag Attributes" and "subject=" lines there). A damaged
// block (bad base64, missing END line) or one with RFC 1421 headers (the legacy "Proc-Type:
// 4,ENCRYPTED" form) is InvalidArgument naming `what` and the block's position.
absl::StatusOr<std::vector<PemBlock>> ReadPemBlocks(std::string_view text, std::string_view what);

// "-----BEGIN <type>-----", base64 in 64-column lines, "-----END <type>-----\n".
absl::StatusOr<std::string> WritePemBlock(std::string_view type, std::string_view der);

}  // namespace upkeep::crypto::internal
