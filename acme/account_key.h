// AccountKey: the key pair an ACME account is known by (RFC 8555 §7.3), with what the protocol
// needs of it: its public JWK (RFC 7517), the JWK thumbprint (RFC 7638) that key
// authorizations are built from, and JWS signatures in JOSE's own encoding.
//
// ECDSA P-256 (ES256, the default, what certbot and cert-manager use) and RSA of 2048 bits or
// more (RS256) are supported. The key is kept in PKCS#8 PEM (a Secret's `tls.key`-style
// field) and loaded back from it, so an account survives restarts. Immutable after creation:
// copies share the underlying OpenSSL key; thread-safe.
#pragma once

#include <absl/status/statusor.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

struct evp_pkey_st;  // OpenSSL's EVP_PKEY, kept out of this header

namespace upkeep::acme {

enum class KeyAlgorithm {
  kEs256,  // ECDSA P-256 with SHA-256
  kRs256,  // RSASSA-PKCS1-v1_5 with SHA-256
};

class AccountKey {
 public:
  // A new random key: P-256 for kEs256, `rsa_bits` (default 2048, at least 2048) for kRs256.
  static absl::StatusOr<AccountKey> Generate(KeyAlgorithm algorithm = KeyAlgorithm::kEs256,
                                             int rsa_bits = 2048);
  // A PEM private key (PKCS#8 "PRIVATE KEY", or the traditional "EC PRIVATE KEY" / "RSA
  // PRIVATE KEY"); InvalidArgument naming what is wrong with it otherwise.
  static absl::StatusOr<AccountKey> FromPem(std::string_view pem);

  // The private key as PKCS#8 PEM, unencrypted (it is stored in a Secret).
  std::string ToPem() const;

  KeyAlgorithm algorithm() const { return algorithm_; }
  // "ES256" or "RS256": the JWS "alg" header value.
  std::string JwsAlgorithm() const;
  // The public key as a JWK: {"crv","kty":"EC","x","y"} or {"e","kty":"RSA","n"}.
  nlohmann::json PublicJwk() const;
  // base64url(SHA-256(the JWK's RFC 7638 canonical JSON)).
  std::string Thumbprint() const;
  // The JWS signature of `signing_input` (RFC 7518 §3): for ES256 the 64 bytes r||s, for RS256
  // the PKCS#1 v1.5 signature. Raw bytes, not yet base64url-encoded.
  absl::StatusOr<std::string> Sign(std::string_view signing_input) const;

  // The OpenSSL key, for callers that need it (e.g. tests verifying signatures). Borrowed.
  evp_pkey_st* native_handle() const { return key_.get(); }

 private:
  struct Free {
    void operator()(evp_pkey_st* key) const;
  };
  AccountKey(std::shared_ptr<evp_pkey_st> key, KeyAlgorithm algorithm)
      : key_(std::move(key)), algorithm_(algorithm) {}
  static absl::StatusOr<AccountKey> Adopt(evp_pkey_st* key, std::string_view what);

  std::shared_ptr<evp_pkey_st> key_;
  KeyAlgorithm algorithm_;
};

// The RFC 7638 thumbprint of a public JWK: base64url(SHA-256) of its required members (EC:
// crv, kty, x, y; RSA: e, kty, n; OKP: crv, kty, x) as compact JSON in lexicographic order.
// Other members ("alg", "kid") do not count. "" for a JWK of an unknown "kty".
std::string JwkThumbprint(const nlohmann::json& jwk);

// The key authorization of a challenge token (RFC 8555 §8.1): token "." thumbprint.
std::string KeyAuthorization(const AccountKey& key, std::string_view token);

}  // namespace upkeep::acme
