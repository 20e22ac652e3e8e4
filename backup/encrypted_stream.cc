#include "backup/encrypted_stream.h"

#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/crypto.h>

#include <algorithm>
#include <cstring>

namespace upkeep::backup {
namespace {

constexpr char kMagic[8] = {'u', 'p', 'k', 'e', 'e', 'p', 0x00, 0x01};
constexpr size_t kFingerprintSize = 8;
constexpr size_t kNoncePrefixSize = 7;
constexpr size_t kNonceSize = 12;
constexpr size_t kMaxChunkSize = 16 * 1024 * 1024;

struct CipherCtxDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxDeleter>;

std::string RawFingerprint(std::string_view key) {
  static constexpr char kDomain[] = "upkeep backup key fingerprint v1";
  std::string input(kDomain, sizeof kDomain);  // with its NUL, as a separator
  input.append(key);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(input.data(), input.size(), digest, &size, EVP_sha256(), nullptr);
  OPENSSL_cleanse(input.data(), input.size());
  return std::string(reinterpret_cast<const char*>(digest), kFingerprintSize);
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

absl::Status CheckKey(std::string_view key) {
  if (key.size() != kEncryptionKeySize) {
    return absl::InvalidArgumentError(
        "the encryption key is " + std::to_string(key.size()) +
        " bytes; AES-256-GCM needs exactly 32 (head -c 32 /dev/urandom)");
  }
  return absl::OkStatus();
}

void PutU32(std::string& out, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out += static_cast<char>((v >> shift) & 0xff);
}

uint32_t GetU32(std::string_view in) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(in[i]);
  return v;
}

void ChunkNonce(std::string_view prefix, uint32_t index, bool last, unsigned char* nonce) {
  std::memcpy(nonce, prefix.data(), kNoncePrefixSize);
  for (int i = 0; i < 4; ++i) nonce[kNoncePrefixSize + i] = (index >> (24 - 8 * i)) & 0xff;
  nonce[kNonceSize - 1] = last ? 1 : 0;
}

CipherCtx NewContext(std::string_view key, bool encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx) return ctx;
  const auto* k = reinterpret_cast<const unsigned char*>(key.data());
  int ok = encrypt ? EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, nullptr)
                   : EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k, nullptr);
  if (ok != 1) ctx.reset();
  return ctx;
}

}  // namespace

absl::StatusOr<std::string> KeyFingerprint(std::string_view key) {
  if (absl::Status ok = CheckKey(key); !ok.ok()) return ok;
  return Hex(RawFingerprint(key));
}

// --- EncryptingSink ---

struct EncryptingSink::State {
  ByteSink* next = nullptr;
  size_t chunk_size = 0;
  CipherCtx ctx;
  std::string header;  // also each chunk's associated data
  std::string nonce_prefix;
  uint32_t index = 0;
  std::string plaintext;  // the chunk being filled
  std::string sealed;     // reused output buffer
  bool finished = false;
};

EncryptingSink::EncryptingSink(std::unique_ptr<State> state) : state_(std::move(state)) {}
EncryptingSink::~EncryptingSink() = default;

absl::StatusOr<std::unique_ptr<EncryptingSink>> EncryptingSink::Create(std::string_view key,
                                                                       ByteSink& next,
                                                                       size_t chunk_size) {
  if (absl::Status ok = CheckKey(key); !ok.ok()) return ok;
  if (chunk_size == 0 || chunk_size > kMaxChunkSize) {
    return absl::InvalidArgumentError("chunk size must be 1 byte to 16 MiB");
  }
  auto state = std::make_unique<State>();
  state->next = &next;
  state->chunk_size = chunk_size;
  state->ctx = NewContext(key, /*encrypt=*/true);
  if (!state->ctx) return absl::InternalError("OpenSSL could not set up AES-256-GCM");
  state->nonce_prefix.resize(kNoncePrefixSize);
  if (RAND_bytes(reinterpret_cast<unsigned char*>(state->nonce_prefix.data()),
                 kNoncePrefixSize) != 1) {
    return absl::InternalError("OpenSSL's random generator failed");
  }
  state->header.assign(kMagic, sizeof kMagic);
  PutU32(state->header, static_cast<uint32_t>(chunk_size));
  state->header += RawFingerprint(key);
  state->header += state->nonce_prefix;
  state->plaintext.reserve(chunk_size);
  if (absl::Status wrote = next.Write(state->header); !wrote.ok()) return wrote;
  return std::unique_ptr<EncryptingSink>(new EncryptingSink(std::move(state)));
}

absl::Status EncryptingSink::Write(std::string_view data) {
  State& s = *state_;
  if (s.finished) return absl::FailedPreconditionError("write after Finish");
  while (!data.empty()) {
    // A full chunk is sealed only once more data follows: the last chunk must be marked.
    if (s.plaintext.size() == s.chunk_size) {
      if (absl::Status ok = SealChunk(s.plaintext, false); !ok.ok()) return ok;
      s.plaintext.clear();
    }
    size_t take = std::min(s.chunk_size - s.plaintext.size(), data.size());
    s.plaintext.append(data.substr(0, take));
    data.remove_prefix(take);
  }
  return absl::OkStatus();
}

absl::Status EncryptingSink::Finish() {
  State& s = *state_;
  if (s.finished) return absl::FailedPreconditionError("Finish called twice");
  s.finished = true;
  if (absl::Status ok = SealChunk(s.plaintext, true); !ok.ok()) return ok;
  s.plaintext.clear();
  return s.next->Finish();
}

absl::Status EncryptingSink::SealChunk(std::string_view plaintext, bool last) {
  State& s = *state_;
  if (s.index == UINT32_MAX) return absl::OutOfRangeError("artifact too large to encrypt");
  unsigned char nonce[kNonceSize];
  ChunkNonce(s.nonce_prefix, s.index, last, nonce);
  s.sealed.resize(plaintext.size() + kChunkTagSize);
  auto* out = reinterpret_cast<unsigned char*>(s.sealed.data());
  int len = 0;
  int total = 0;
  bool ok =
      EVP_EncryptInit_ex(s.ctx.get(), nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_EncryptUpdate(s.ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(s.header.data()),
                        static_cast<int>(s.header.size())) == 1 &&
      EVP_EncryptUpdate(s.ctx.get(), out, &len,
                        reinterpret_cast<const unsigned char*>(plaintext.data()),
                        static_cast<int>(plaintext.size())) == 1;
  total = len;
  ok = ok && EVP_EncryptFinal_ex(s.ctx.get(), out + total, &len) == 1;
  total += len;
  ok = ok && EVP_CIPHER_CTX_ctrl(s.ctx.get(), EVP_CTRL_GCM_GET_TAG, kChunkTagSize,
                                 out + total) == 1;
  if (!ok) return absl::InternalError("OpenSSL failed to encrypt a chunk");
  ++s.index;
  return s.next->Write(s.sealed);
}

// --- DecryptingSink ---

struct DecryptingSink::State {
  ByteSink* next = nullptr;
  CipherCtx ctx;
  std::string fingerprint;  // of the key given
  std::string header;       // once read
  size_t chunk_size = 0;
  uint32_t index = 0;
  std::string pending;  // bytes not yet decrypted
  std::string opened;   // reused output buffer
  bool finished = false;
};

DecryptingSink::DecryptingSink(std::unique_ptr<State> state) : state_(std::move(state)) {}
DecryptingSink::~DecryptingSink() = default;

absl::StatusOr<std::unique_ptr<DecryptingSink>> DecryptingSink::Create(std::string_view key,
                                                                       ByteSink& next) {
  if (absl::Status ok = CheckKey(key); !ok.ok()) return ok;
  auto state = std::make_unique<State>();
  state->next = &next;
  state->ctx = NewContext(key, /*encrypt=*/false);
  if (!state->ctx) return absl::InternalError("OpenSSL could not set up AES-256-GCM");
  state->fingerprint = RawFingerprint(key);
  return std::unique_ptr<DecryptingSink>(new DecryptingSink(std::move(state)));
}

absl::Status DecryptingSink::Write(std::string_view data) {
  State& s = *state_;
  if (s.finished) return absl::FailedPreconditionError("write after Finish");
  s.pending.append(data);
  size_t consumed = 0;
  if (s.header.empty()) {
    if (s.pending.size() < kEncryptedHeaderSize) return absl::OkStatus();
    if (absl::Status ok = ReadHeader(); !ok.ok()) return ok;
    consumed = kEncryptedHeaderSize;
  }
  // A full sealed chunk with more bytes after it is not the last one.
  const size_t sealed_size = s.chunk_size + kChunkTagSize;
  while (s.pending.size() - consumed > sealed_size) {
    std::string_view chunk(s.pending.data() + consumed, sealed_size);
    if (absl::Status ok = OpenChunk(chunk, false); !ok.ok()) return ok;
    consumed += sealed_size;
  }
  s.pending.erase(0, consumed);
  return absl::OkStatus();
}

absl::Status DecryptingSink::Finish() {
  State& s = *state_;
  if (s.finished) return absl::FailedPreconditionError("Finish called twice");
  s.finished = true;
  if (s.header.empty()) {
    return absl::DataLossError("the artifact is truncated: " + std::to_string(s.pending.size()) +
                               " bytes, shorter than its header");
  }
  if (s.pending.size() < kChunkTagSize) {
    return absl::DataLossError("the artifact is truncated after chunk " +
                               std::to_string(s.index) + ": its last chunk is missing");
  }
  if (absl::Status ok = OpenChunk(s.pending, true); !ok.ok()) return ok;
  s.pending.clear();
  return s.next->Finish();
}

absl::Status DecryptingSink::ReadHeader() {
  State& s = *state_;
  std::string_view header(s.pending.data(), kEncryptedHeaderSize);
  if (header.substr(0, 6) != std::string_view(kMagic, 6)) {
    return absl::InvalidArgumentError("not an upkeep encrypted artifact (no upkeep header)");
  }
  if (header.substr(0, sizeof kMagic) != std::string_view(kMagic, sizeof kMagic)) {
    return absl::InvalidArgumentError("unsupported upkeep encryption format version " +
                                      std::to_string(static_cast<unsigned char>(header[7])));
  }
  const uint32_t chunk_size = GetU32(header.substr(8, 4));
  if (chunk_size == 0 || chunk_size > kMaxChunkSize) {
    return absl::DataLossError("the artifact's header is damaged (chunk size " +
                               std::to_string(chunk_size) + ")");
  }
  std::string_view fingerprint = header.substr(12, kFingerprintSize);
  if (fingerprint != s.fingerprint) {
    return absl::InvalidArgumentError(
        "the artifact was encrypted with the key with fingerprint " + Hex(fingerprint) +
        "; the key given has fingerprint " + Hex(s.fingerprint));
  }
  s.chunk_size = chunk_size;
  s.header = std::string(header);
  return absl::OkStatus();
}

absl::Status DecryptingSink::OpenChunk(std::string_view sealed, bool last) {
  State& s = *state_;
  if (s.index == UINT32_MAX) return absl::DataLossError("the artifact has too many chunks");
  unsigned char nonce[kNonceSize];
  ChunkNonce(std::string_view(s.header).substr(12 + kFingerprintSize, kNoncePrefixSize), s.index,
             last, nonce);
  const size_t text_size = sealed.size() - kChunkTagSize;
  s.opened.resize(text_size);
  auto* out = reinterpret_cast<unsigned char*>(s.opened.data());
  unsigned char tag[kChunkTagSize];
  std::memcpy(tag, sealed.data() + text_size, kChunkTagSize);
  int len = 0;
  bool ok =
      EVP_DecryptInit_ex(s.ctx.get(), nullptr, nullptr, nullptr, nonce) == 1 &&
      EVP_DecryptUpdate(s.ctx.get(), nullptr, &len,
                        reinterpret_cast<const unsigned char*>(s.header.data()),
                        static_cast<int>(s.header.size())) == 1 &&
      EVP_DecryptUpdate(s.ctx.get(), out, &len,
                        reinterpret_cast<const unsigned char*>(sealed.data()),
                        static_cast<int>(text_size)) == 1 &&
      EVP_CIPHER_CTX_ctrl(s.ctx.get(), EVP_CTRL_GCM_SET_TAG, kChunkTagSize, tag) == 1;
  int final_len = 0;
  ok = ok && EVP_DecryptFinal_ex(s.ctx.get(), out + len, &final_len) == 1;
  if (!ok) {
    return absl::DataLossError(
        "chunk " + std::to_string(s.index) +
        " of the artifact fails authentication: it was altered, truncated or extended");
  }
  ++s.index;
  return s.next->Write(s.opened);
}

}  // namespace upkeep::backup
