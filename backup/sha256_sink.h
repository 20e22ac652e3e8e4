// Sha256Sink: the pipeline stage that checksums the artifact as it passes to the destination,
// so the manifest's sha256 and size describe exactly the bytes stored, without reading them
// back. Passes every byte on unchanged.
//
// Thread-compatible.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "backup/byte_sink.h"

namespace upkeep::backup {

class Sha256Sink final : public ByteSink {
 public:
  explicit Sha256Sink(ByteSink& next);
  ~Sha256Sink() override;
  Sha256Sink(const Sha256Sink&) = delete;
  Sha256Sink& operator=(const Sha256Sink&) = delete;

  absl::Status Write(std::string_view data) override;
  absl::Status Finish() override;

  // Lowercase hex of the SHA-256 of everything written; valid after a successful Finish.
  const std::string& hex_digest() const { return hex_digest_; }
  uint64_t size_bytes() const { return size_bytes_; }

 private:
  struct Digest;
  ByteSink& next_;
  std::unique_ptr<Digest> digest_;
  uint64_t size_bytes_ = 0;
  std::string hex_digest_;
};

// The SHA-256 of `data`, lowercase hex (for small things: manifests, tests).
std::string Sha256Hex(std::string_view data);

}  // namespace upkeep::backup
