// Private keys for certificates: generated to CertRenewal's spec.privateKey, and read from and
// written to a TLS Secret's tls.key in the encodings cert-manager writes.
//
// A private key is secret. Nothing here logs it or puts any of it into a Status message; ToPem
// is the only way it leaves the object, and the engine's temporary buffers are wiped.
//
// Thread safety: a PrivateKey does not change after construction, so its const methods may be
// called from several threads at once. It is move-only: one owner, no accidental copies of
// secret material.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY; kept out of callers' includes.

namespace upkeep::crypto {

namespace internal {
struct PrivateKeyAccess;
}  // namespace internal

enum class KeyAlgorithm { kRsa, kEcdsa, kEd25519 };

// "RSA", "ECDSA", "Ed25519": the spellings of the API, for messages.
const char* KeyAlgorithmName(KeyAlgorithm algorithm);

struct KeySpec {
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsa;
  // RSA: modulus bits, 2048, 3072 or 4096. ECDSA: the NIST curve, 256 (P-256), 384 (P-384)
  // or 521 (P-521). Ed25519: 0, its size is fixed. Default: ECDSA P-256, as the API's.
  int size = 256;

  friend bool operator==(const KeySpec&, const KeySpec&) = default;
};

enum class KeyEncoding {
  // The algorithm's own structure, as cert-manager's "PKCS1": "RSA PRIVATE KEY" (PKCS#1) for
  // RSA, "EC PRIVATE KEY" (SEC 1, named curve) for ECDSA. Ed25519 has none.
  kPkcs1,
  // "PRIVATE KEY" (PKCS#8 PrivateKeyInfo, unencrypted), for every algorithm.
  kPkcs8,
};

class PrivateKey {
 public:
  // A fresh key from OpenSSL's default random generator. InvalidArgument for a size the
  // algorithm does not have (see KeySpec).
  static absl::StatusOr<PrivateKey> Generate(const KeySpec& spec);

  // Reads the one private key in `pem`: "RSA PRIVATE KEY", "EC PRIVATE KEY" or "PRIVATE KEY";
  // an "EC PARAMETERS" block (openssl ecparam -genkey writes one) is skipped. InvalidArgument
  // when there is no key, more than one, a block of another type ("CERTIFICATE"), an encrypted
  // key, damaged PEM or DER, or an algorithm or curve KeySpec cannot describe (DSA, RSA-PSS,
  // secp256k1, ...). Messages name the block, never its contents.
  static absl::StatusOr<PrivateKey> ParsePem(std::string_view pem);

  PrivateKey(PrivateKey&& other) noexcept;
  PrivateKey& operator=(PrivateKey&& other) noexcept;
  PrivateKey(const PrivateKey&) = delete;
  PrivateKey& operator=(const PrivateKey&) = delete;
  ~PrivateKey();

  // The key as PEM text, for a Secret's tls.key. The result is secret: the caller owns it and
  // must not log it. InvalidArgument for kPkcs1 with an Ed25519 key.
  absl::StatusOr<std::string> ToPem(KeyEncoding encoding) const;

  // Algorithm and size, to compare with the spec when deciding whether to keep the key.
  const KeySpec& spec() const { return spec_; }

  // The public half as DER SubjectPublicKeyInfo: what a certificate or CSR carries, and what
  // IssueRequest takes. Not secret.
  const std::string& public_key_der() const { return public_key_der_; }

 private:
  friend struct internal::PrivateKeyAccess;

  PrivateKey(evp_pkey_st* key, KeySpec spec, std::string public_key_der);

  evp_pkey_st* key_;  // owned; null only after a move
  KeySpec spec_;
  std::string public_key_der_;
};

}  // namespace upkeep::crypto
