// Streamed AES-256-GCM for backup artifacts, in authenticated chunks, so a backup of any size
// is encrypted and decrypted in constant memory and a truncated, reordered or altered artifact
// is detected (the construction of Tink's streaming AEAD and age's STREAM):
//
//   header  "upkeep" 0x00 0x01 | chunk size (u32 BE) | key fingerprint (8) | nonce prefix (7)
//   chunks  AES-256-GCM(plaintext chunk), 16-byte tag each; every chunk holds `chunk size`
//           bytes but the last, which holds 0..chunk size
//
// Chunk i's nonce is the random prefix, i (u32 BE) and a byte that is 1 only on the last
// chunk; the header is every chunk's associated data. So a chunk cannot move, a stream cut at
// a chunk boundary lacks its last chunk, and a changed header fails every chunk.
//
// The key is 32 bytes (API.md: `head -c 32 /dev/urandom`). Its fingerprint, a domain-separated
// SHA-256, names the key in manifests and error messages without revealing it.
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

#include "backup/byte_sink.h"

namespace upkeep::backup {

inline constexpr size_t kEncryptionKeySize = 32;
inline constexpr size_t kDefaultChunkSize = 64 * 1024;
inline constexpr size_t kEncryptedHeaderSize = 8 + 4 + 8 + 7;
inline constexpr size_t kChunkTagSize = 16;

// The key's fingerprint, 16 hex digits. InvalidArgument when the key is not 32 bytes.
absl::StatusOr<std::string> KeyFingerprint(std::string_view key);

// Encrypts what is written to it into `next` (borrowed; Finish finishes it).
class EncryptingSink final : public ByteSink {
 public:
  // InvalidArgument when the key is not 32 bytes (the message gives the size, not the key).
  static absl::StatusOr<std::unique_ptr<EncryptingSink>> Create(
      std::string_view key, ByteSink& next, size_t chunk_size = kDefaultChunkSize);
  ~EncryptingSink() override;

  absl::Status Write(std::string_view data) override;
  absl::Status Finish() override;

 private:
  struct State;
  explicit EncryptingSink(std::unique_ptr<State> state);
  absl::Status SealChunk(std::string_view plaintext, bool last);
  std::unique_ptr<State> state_;
};

// Decrypts an artifact written to it into `next`, passing on each chunk only once it is
// authenticated. DataLoss for a truncated, altered or extended artifact; InvalidArgument for
// a key other than the one it was encrypted with (both fingerprints in the message).
class DecryptingSink final : public ByteSink {
 public:
  static absl::StatusOr<std::unique_ptr<DecryptingSink>> Create(std::string_view key,
                                                               ByteSink& next);
  ~DecryptingSink() override;

  absl::Status Write(std::string_view data) override;
  absl::Status Finish() override;

 private:
  struct State;
  explicit DecryptingSink(std::unique_ptr<State> state);
  absl::Status ReadHeader();
  absl::Status OpenChunk(std::string_view sealed, bool last);
  std::unique_ptr<State> state_;
};

}  // namespace upkeep::backup
