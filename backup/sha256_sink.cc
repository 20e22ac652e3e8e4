#include "backup/sha256_sink.h"

#include <openssl/evp.h>

namespace upkeep::backup {
namespace {

std::string Hex(const unsigned char* bytes, unsigned int size) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(size * 2);
  for (unsigned int i = 0; i < size; ++i) {
    out += kDigits[bytes[i] >> 4];
    out += kDigits[bytes[i] & 0xf];
  }
  return out;
}

}  // namespace

struct Sha256Sink::Digest {
  Digest() : ctx(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr); }
  ~Digest() { EVP_MD_CTX_free(ctx); }
  EVP_MD_CTX* ctx;
};

Sha256Sink::Sha256Sink(ByteSink& next) : next_(next), digest_(std::make_unique<Digest>()) {}
Sha256Sink::~Sha256Sink() = default;

absl::Status Sha256Sink::Write(std::string_view data) {
  if (EVP_DigestUpdate(digest_->ctx, data.data(), data.size()) != 1) {
    return absl::InternalError("OpenSSL failed to hash the artifact");
  }
  size_bytes_ += data.size();
  return next_.Write(data);
}

absl::Status Sha256Sink::Finish() {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (EVP_DigestFinal_ex(digest_->ctx, digest, &size) != 1) {
    return absl::InternalError("OpenSSL failed to hash the artifact");
  }
  if (absl::Status finished = next_.Finish(); !finished.ok()) return finished;
  hex_digest_ = Hex(digest, size);
  return absl::OkStatus();
}

std::string Sha256Hex(std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(data.data(), data.size(), digest, &size, EVP_sha256(), nullptr);
  return Hex(digest, size);
}

}  // namespace upkeep::backup
