#include "crypto/private_key.h"

#include <utility>

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/decoder.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>
#include <openssl/x509.h>

#include "crypto/internal/key_properties.h"
#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"
#include "crypto/internal/pem_blocks.h"

namespace upkeep::crypto {
namespace {

using internal::OpenSslInternalError;
using internal::OpenSslInvalidArgument;
using internal::PkeyCtxPtr;
using internal::PkeyPtr;

struct DecoderCtxFree {
  void operator()(OSSL_DECODER_CTX* ctx) const { OSSL_DECODER_CTX_free(ctx); }
};
struct EncoderCtxFree {
  void operator()(OSSL_ENCODER_CTX* ctx) const { OSSL_ENCODER_CTX_free(ctx); }
};

// The structure names of OpenSSL 3's decoders and encoders for each PEM label.
constexpr char kTypeSpecific[] = "type-specific";     // PKCS#1, SEC 1
constexpr char kPrivateKeyInfo[] = "PrivateKeyInfo";  // PKCS#8

absl::Status CheckGeneratable(const KeySpec& spec) {
  bool ok = false;
  switch (spec.algorithm) {
    case KeyAlgorithm::kRsa:
      ok = spec.size == 2048 || spec.size == 3072 || spec.size == 4096;
      break;
    case KeyAlgorithm::kEcdsa:
      ok = spec.size == 256 || spec.size == 384 || spec.size == 521;
      break;
    case KeyAlgorithm::kEd25519:
      ok = spec.size == 0;
      break;
  }
  if (ok) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(KeyAlgorithmName(spec.algorithm), " keys cannot have size ", spec.size,
                   spec.algorithm == KeyAlgorithm::kRsa     ? "; use 2048, 3072 or 4096"
                   : spec.algorithm == KeyAlgorithm::kEcdsa ? "; use 256, 384 or 521"
                                                            : "; Ed25519 keys have size 0"));
}

absl::StatusOr<PkeyPtr> GenerateNative(const KeySpec& spec) {
  const char* algorithm = spec.algorithm == KeyAlgorithm::kRsa     ? "RSA"
                          : spec.algorithm == KeyAlgorithm::kEcdsa ? "EC"
                                                                   : "ED25519";
  PkeyCtxPtr ctx{EVP_PKEY_CTX_new_from_name(nullptr, algorithm, nullptr)};
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1) {
    return OpenSslInternalError(absl::StrCat("preparing ", algorithm, " key generation"));
  }
  size_t rsa_bits = static_cast<size_t>(spec.size);
  char curve[8] = {};
  OSSL_PARAM params[2] = {OSSL_PARAM_construct_end(), OSSL_PARAM_construct_end()};
  if (spec.algorithm == KeyAlgorithm::kRsa) {
    params[0] = OSSL_PARAM_construct_size_t(OSSL_PKEY_PARAM_RSA_BITS, &rsa_bits);
  } else if (spec.algorithm == KeyAlgorithm::kEcdsa) {
    const std::string name = absl::StrCat("P-", spec.size);
    name.copy(curve, sizeof(curve) - 1);
    params[0] = OSSL_PARAM_construct_utf8_string(OSSL_PKEY_PARAM_GROUP_NAME, curve, 0);
  }
  EVP_PKEY* key = nullptr;
  if (EVP_PKEY_CTX_set_params(ctx.get(), params) != 1 || EVP_PKEY_generate(ctx.get(), &key) != 1) {
    return OpenSslInternalError(
        absl::StrCat("generating ", KeyAlgorithmName(spec.algorithm), " ", spec.size, " key"));
  }
  return PkeyPtr{key};
}

absl::StatusOr<std::string> PublicKeyDerOf(EVP_PKEY* key) {
  unsigned char* der = nullptr;
  const int length = i2d_PUBKEY(key, &der);
  if (length <= 0) return OpenSslInternalError("encoding the public key");
  std::string result(reinterpret_cast<const char*>(der), static_cast<size_t>(length));
  OPENSSL_free(der);
  return result;
}

// Decodes one PEM block's DER. `structure` and `key_type` narrow OpenSSL's decoder search so
// an "RSA PRIVATE KEY" label cannot smuggle in an EC key.
absl::StatusOr<PkeyPtr> DecodePrivateKey(const internal::PemBlock& block, const char* structure,
                                         const char* key_type) {
  EVP_PKEY* key = nullptr;
  std::unique_ptr<OSSL_DECODER_CTX, DecoderCtxFree> ctx{OSSL_DECODER_CTX_new_for_pkey(
      &key, "DER", structure, key_type, EVP_PKEY_KEYPAIR, nullptr, nullptr)};
  if (!ctx || OSSL_DECODER_CTX_get_num_decoders(ctx.get()) == 0) {
    return OpenSslInternalError(absl::StrCat("preparing to decode ", block.type));
  }
  const auto* data = reinterpret_cast<const unsigned char*>(block.der.data());
  size_t remaining = block.der.size();
  if (OSSL_DECODER_from_data(ctx.get(), &data, &remaining) != 1 || key == nullptr) {
    EVP_PKEY_free(key);
    return OpenSslInvalidArgument(absl::StrCat("private key: the ", block.type,
                                               " block is damaged or holds another kind of key"));
  }
  PkeyPtr owned{key};
  if (remaining != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("private key: the ", block.type, " block has trailing bytes"));
  }
  return owned;
}

absl::StatusOr<PkeyPtr> DecodePrivateKeyBlock(const internal::PemBlock& block) {
  if (block.type == "RSA PRIVATE KEY") return DecodePrivateKey(block, kTypeSpecific, "RSA");
  if (block.type == "EC PRIVATE KEY") return DecodePrivateKey(block, kTypeSpecific, "EC");
  if (block.type == "PRIVATE KEY") return DecodePrivateKey(block, kPrivateKeyInfo, nullptr);
  if (block.type == "ENCRYPTED PRIVATE KEY") {
    return absl::InvalidArgumentError(
        "private key: encrypted private keys are not supported; store it unencrypted");
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "private key: expected an RSA PRIVATE KEY, EC PRIVATE KEY or PRIVATE KEY PEM block, "
      "found ",
      block.type));
}

}  // namespace

const char* KeyAlgorithmName(KeyAlgorithm algorithm) {
  switch (algorithm) {
    case KeyAlgorithm::kRsa:
      return "RSA";
    case KeyAlgorithm::kEcdsa:
      return "ECDSA";
    case KeyAlgorithm::kEd25519:
      return "Ed25519";
  }
  return "unknown";
}

PrivateKey::PrivateKey(evp_pkey_st* key, KeySpec spec, std::string public_key_der)
    : key_(key), spec_(spec), public_key_der_(std::move(public_key_der)) {}

PrivateKey::PrivateKey(PrivateKey&& other) noexcept
    : key_(std::exchange(other.key_, nullptr)),
      spec_(other.spec_),
      public_key_der_(std::move(other.public_key_der_)) {}

PrivateKey& PrivateKey::operator=(PrivateKey&& other) noexcept {
  if (this != &other) {
    EVP_PKEY_free(key_);
    key_ = std::exchange(other.key_, nullptr);
    spec_ = other.spec_;
    public_key_der_ = std::move(other.public_key_der_);
  }
  return *this;
}

// EVP_PKEY_free wipes the private numbers (BN_clear_free) before releasing them.
PrivateKey::~PrivateKey() { EVP_PKEY_free(key_); }

absl::StatusOr<PrivateKey> PrivateKey::Generate(const KeySpec& spec) {
  if (absl::Status ok = CheckGeneratable(spec); !ok.ok()) return ok;
  absl::StatusOr<PkeyPtr> key = GenerateNative(spec);
  if (!key.ok()) return key.status();
  absl::StatusOr<std::string> public_key_der = PublicKeyDerOf(key->get());
  if (!public_key_der.ok()) return public_key_der.status();
  return PrivateKey(key->release(), spec, *std::move(public_key_der));
}

absl::StatusOr<PrivateKey> PrivateKey::ParsePem(std::string_view pem) {
  absl::StatusOr<std::vector<internal::PemBlock>> blocks =
      internal::ReadPemBlocks(pem, "private key");
  if (!blocks.ok()) return blocks.status();
  PkeyPtr key;
  for (const internal::PemBlock& block : *blocks) {
    if (block.type == "EC PARAMETERS") continue;  // the curve is named in the key too
    absl::StatusOr<PkeyPtr> decoded = DecodePrivateKeyBlock(block);
    if (!decoded.ok()) return decoded.status();
    if (key) {
      return absl::InvalidArgumentError("private key: the PEM holds more than one private key");
    }
    key = *std::move(decoded);
  }
  if (!key) return absl::InvalidArgumentError("private key: no PEM private key block found");
  absl::StatusOr<KeySpec> spec = internal::KeySpecOf(key.get());
  if (!spec.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("private key: ", spec.status().message()));
  }
  absl::StatusOr<std::string> public_key_der = PublicKeyDerOf(key.get());
  if (!public_key_der.ok()) return public_key_der.status();
  return PrivateKey(key.release(), *spec, *std::move(public_key_der));
}

absl::StatusOr<std::string> PrivateKey::ToPem(KeyEncoding encoding) const {
  if (encoding == KeyEncoding::kPkcs1 && spec_.algorithm == KeyAlgorithm::kEd25519) {
    return absl::InvalidArgumentError(
        "Ed25519 keys have no PKCS#1 or SEC 1 form; use the PKCS8 encoding");
  }
  const char* structure = encoding == KeyEncoding::kPkcs1 ? kTypeSpecific : kPrivateKeyInfo;
  std::unique_ptr<OSSL_ENCODER_CTX, EncoderCtxFree> ctx{
      OSSL_ENCODER_CTX_new_for_pkey(key_, EVP_PKEY_KEYPAIR, "PEM", structure, nullptr)};
  if (!ctx || OSSL_ENCODER_CTX_get_num_encoders(ctx.get()) == 0) {
    return OpenSslInternalError(absl::StrCat(
        "preparing to encode a ", KeyAlgorithmName(spec_.algorithm), " key as ", structure));
  }
  unsigned char* data = nullptr;
  size_t length = 0;
  if (OSSL_ENCODER_to_data(ctx.get(), &data, &length) != 1) {
    return OpenSslInternalError(
        absl::StrCat("encoding a ", KeyAlgorithmName(spec_.algorithm), " key as ", structure));
  }
  std::string pem(reinterpret_cast<const char*>(data), length);
  OPENSSL_clear_free(data, length);
  return pem;
}

}  // namespace upkeep::crypto
