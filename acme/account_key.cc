#include "acme/account_key.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <vector>

#include "acme/base64url.h"

namespace upkeep::acme {
namespace {

// JWK coordinates of a P-256 key are always 32 bytes (RFC 7518 §6.2.1.2), leading zeros kept.
constexpr int kP256CoordinateBytes = 32;
constexpr int kMinRsaBits = 2048;

std::string OpenSslError() {
  unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

struct BnFree {
  void operator()(BIGNUM* bn) const { BN_free(bn); }
};
using BnPtr = std::unique_ptr<BIGNUM, BnFree>;

BnPtr GetBigNumber(EVP_PKEY* key, const char* name) {
  BIGNUM* bn = nullptr;
  if (EVP_PKEY_get_bn_param(key, name, &bn) != 1) return nullptr;
  return BnPtr(bn);
}

std::string BigNumberBytes(const BIGNUM* bn, int pad_to = 0) {
  int size = pad_to > 0 ? pad_to : BN_num_bytes(bn);
  std::string out(static_cast<size_t>(size), '\0');
  if (pad_to > 0) {
    BN_bn2binpad(bn, reinterpret_cast<unsigned char*>(out.data()), pad_to);
  } else {
    BN_bn2bin(bn, reinterpret_cast<unsigned char*>(out.data()));
  }
  return out;
}

// Never prompts on a terminal for an encrypted key: such a key is reported as unreadable.
int NoPassphrase(char*, int, int, void*) { return 0; }

}  // namespace

void AccountKey::Free::operator()(evp_pkey_st* key) const { EVP_PKEY_free(key); }

absl::StatusOr<AccountKey> AccountKey::Adopt(EVP_PKEY* key, std::string_view what) {
  std::shared_ptr<EVP_PKEY> owned(key, Free{});
  if (EVP_PKEY_is_a(key, "EC")) {
    char group[64] = {0};
    size_t len = 0;
    if (EVP_PKEY_get_utf8_string_param(key, OSSL_PKEY_PARAM_GROUP_NAME, group, sizeof(group),
                                       &len) != 1 ||
        std::string(group, len) != "prime256v1") {
      ERR_clear_error();
      return absl::InvalidArgumentError(std::string(what) + " is an EC key on curve \"" +
                                        std::string(group, len) +
                                        "\"; ACME account keys must use P-256 (ES256)");
    }
    return AccountKey(std::move(owned), KeyAlgorithm::kEs256);
  }
  if (EVP_PKEY_is_a(key, "RSA")) {
    int bits = EVP_PKEY_get_bits(key);
    if (bits < kMinRsaBits) {
      return absl::InvalidArgumentError(std::string(what) + " is a " + std::to_string(bits) +
                                        "-bit RSA key; at least 2048 bits are required");
    }
    return AccountKey(std::move(owned), KeyAlgorithm::kRs256);
  }
  return absl::InvalidArgumentError(std::string(what) + " is a " + EVP_PKEY_get0_type_name(key) +
                                    " key; ACME account keys must be ECDSA P-256 or RSA");
}

absl::StatusOr<AccountKey> AccountKey::Generate(KeyAlgorithm algorithm, int rsa_bits) {
  EVP_PKEY* key = nullptr;
  if (algorithm == KeyAlgorithm::kEs256) {
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  } else {
    if (rsa_bits < kMinRsaBits) {
      return absl::InvalidArgumentError("RSA account keys need at least 2048 bits, not " +
                                        std::to_string(rsa_bits));
    }
    key = EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(rsa_bits));
  }
  if (key == nullptr) return absl::InternalError("generating an account key: " + OpenSslError());
  return Adopt(key, "the generated key");
}

absl::StatusOr<AccountKey> AccountKey::FromPem(std::string_view pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  EVP_PKEY* key = PEM_read_bio_PrivateKey(bio.get(), nullptr, &NoPassphrase, nullptr);
  if (key == nullptr) {
    return absl::InvalidArgumentError("the account key is not an unencrypted PEM private key: " +
                                      OpenSslError());
  }
  return Adopt(key, "the account key");
}

std::string AccountKey::ToPem() const {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), &BIO_free);
  PEM_write_bio_PrivateKey(bio.get(), key_.get(), nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(len));
}

std::string AccountKey::JwsAlgorithm() const {
  return algorithm_ == KeyAlgorithm::kEs256 ? "ES256" : "RS256";
}

nlohmann::json AccountKey::PublicJwk() const {
  // Only the members RFC 7638 requires, so the thumbprint is computed from exactly this object.
  if (algorithm_ == KeyAlgorithm::kEs256) {
    BnPtr x = GetBigNumber(key_.get(), OSSL_PKEY_PARAM_EC_PUB_X);
    BnPtr y = GetBigNumber(key_.get(), OSSL_PKEY_PARAM_EC_PUB_Y);
    return {{"crv", "P-256"},
            {"kty", "EC"},
            {"x", Base64UrlEncode(BigNumberBytes(x.get(), kP256CoordinateBytes))},
            {"y", Base64UrlEncode(BigNumberBytes(y.get(), kP256CoordinateBytes))}};
  }
  BnPtr n = GetBigNumber(key_.get(), OSSL_PKEY_PARAM_RSA_N);
  BnPtr e = GetBigNumber(key_.get(), OSSL_PKEY_PARAM_RSA_E);
  return {{"e", Base64UrlEncode(BigNumberBytes(e.get()))},
          {"kty", "RSA"},
          {"n", Base64UrlEncode(BigNumberBytes(n.get()))}};
}

std::string AccountKey::Thumbprint() const { return JwkThumbprint(PublicJwk()); }

std::string JwkThumbprint(const nlohmann::json& jwk) {
  if (!jwk.is_object()) return "";
  auto member = [&](const char* key) {
    auto it = jwk.find(key);
    return it != jwk.end() && it->is_string() ? it->get<std::string>() : std::string();
  };
  std::string kty = member("kty");
  std::vector<const char*> members;
  if (kty == "EC") {
    members = {"crv", "kty", "x", "y"};
  } else if (kty == "RSA") {
    members = {"e", "kty", "n"};
  } else if (kty == "OKP") {
    members = {"crv", "kty", "x"};
  } else {
    return "";
  }
  nlohmann::json required = nlohmann::json::object();
  for (const char* m : members) required[m] = member(m);
  // nlohmann::json keeps object members sorted and dump() adds no whitespace: exactly the
  // canonical form of RFC 7638 §3.
  std::string canonical = required.dump();
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_Digest(canonical.data(), canonical.size(), digest, &len, EVP_sha256(), nullptr);
  return Base64UrlEncode(std::string_view(reinterpret_cast<const char*>(digest), len));
}

absl::StatusOr<std::string> AccountKey::Sign(std::string_view signing_input) const {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  size_t len = 0;
  const auto* data = reinterpret_cast<const unsigned char*>(signing_input.data());
  if (EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key_.get()) != 1 ||
      EVP_DigestSign(ctx.get(), nullptr, &len, data, signing_input.size()) != 1) {
    return absl::InternalError("signing a JWS: " + OpenSslError());
  }
  std::string der(len, '\0');
  if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char*>(der.data()), &len, data,
                     signing_input.size()) != 1) {
    return absl::InternalError("signing a JWS: " + OpenSslError());
  }
  der.resize(len);
  if (algorithm_ == KeyAlgorithm::kRs256) return der;

  // OpenSSL gives ECDSA signatures as a DER SEQUENCE of two INTEGERs; JWS wants the two
  // values as fixed-size big-endian numbers, concatenated (RFC 7518 §3.4).
  const auto* p = reinterpret_cast<const unsigned char*>(der.data());
  std::unique_ptr<ECDSA_SIG, decltype(&ECDSA_SIG_free)> sig(
      d2i_ECDSA_SIG(nullptr, &p, static_cast<long>(der.size())), &ECDSA_SIG_free);
  if (sig == nullptr) return absl::InternalError("decoding an ECDSA signature: " + OpenSslError());
  const BIGNUM* r = nullptr;
  const BIGNUM* s = nullptr;
  ECDSA_SIG_get0(sig.get(), &r, &s);
  return BigNumberBytes(r, kP256CoordinateBytes) + BigNumberBytes(s, kP256CoordinateBytes);
}

std::string KeyAuthorization(const AccountKey& key, std::string_view token) {
  return std::string(token) + "." + key.Thumbprint();
}

}  // namespace upkeep::acme
