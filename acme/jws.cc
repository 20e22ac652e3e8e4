#include "acme/jws.h"

#include <openssl/core_names.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

#include "acme/base64url.h"

namespace upkeep::acme {
namespace {

// The digest named by an HMAC JWS algorithm, or "" if it is not one.
std::string HmacDigest(const std::string& algorithm) {
  if (algorithm == "HS256") return "SHA256";
  if (algorithm == "HS384") return "SHA384";
  if (algorithm == "HS512") return "SHA512";
  return "";
}

absl::StatusOr<std::string> Hmac(const std::string& digest, const std::string& key,
                                 const std::string& data) {
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr),
                                                        &EVP_MAC_free);
  if (mac == nullptr) return absl::InternalError("OpenSSL has no HMAC implementation");
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> ctx(EVP_MAC_CTX_new(mac.get()),
                                                                &EVP_MAC_CTX_free);
  std::string digest_name = digest;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest_name.data(), 0),
      OSSL_PARAM_construct_end()};
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  if (ctx == nullptr ||
      EVP_MAC_init(ctx.get(), reinterpret_cast<const unsigned char*>(key.data()), key.size(),
                   params) != 1 ||
      EVP_MAC_update(ctx.get(), reinterpret_cast<const unsigned char*>(data.data()), data.size()) !=
          1 ||
      EVP_MAC_final(ctx.get(), out, &len, sizeof(out)) != 1) {
    ERR_clear_error();
    return absl::InternalError("computing the external account binding's " + digest + " HMAC");
  }
  return std::string(reinterpret_cast<const char*>(out), len);
}

}  // namespace

absl::StatusOr<nlohmann::json> SignJws(const AccountKey& key, const JwsHeader& header,
                                       const std::optional<nlohmann::json>& payload) {
  nlohmann::json protected_header = {
      {"alg", key.JwsAlgorithm()}, {"nonce", header.nonce}, {"url", header.url}};
  if (header.key_id.empty()) {
    protected_header["jwk"] = key.PublicJwk();
  } else {
    protected_header["kid"] = header.key_id;
  }
  std::string protected_b64 = Base64UrlEncode(protected_header.dump());
  std::string payload_b64 = payload.has_value() ? Base64UrlEncode(payload->dump()) : "";
  auto signature = key.Sign(protected_b64 + "." + payload_b64);
  if (!signature.ok()) return signature.status();
  return nlohmann::json{{"protected", protected_b64},
                        {"payload", payload_b64},
                        {"signature", Base64UrlEncode(*signature)}};
}

absl::StatusOr<nlohmann::json> SignExternalAccountBinding(const ExternalAccountBinding& binding,
                                                          const AccountKey& account_key,
                                                          const std::string& new_account_url) {
  std::string digest = HmacDigest(binding.algorithm);
  if (digest.empty()) {
    return absl::InvalidArgumentError("external account binding algorithm \"" + binding.algorithm +
                                      "\" is not HS256, HS384 or HS512");
  }
  if (binding.key_id.empty()) {
    return absl::InvalidArgumentError("external account binding has no key ID");
  }
  std::optional<std::string> mac_key = Base64UrlDecode(binding.mac_key_base64url);
  if (!mac_key.has_value() || mac_key->empty()) {
    return absl::InvalidArgumentError("the MAC key of external account binding \"" +
                                      binding.key_id + "\" is not base64url-encoded");
  }
  // No nonce: this inner JWS is never sent on its own (RFC 8555 §7.3.4).
  nlohmann::json protected_header = {
      {"alg", binding.algorithm}, {"kid", binding.key_id}, {"url", new_account_url}};
  std::string protected_b64 = Base64UrlEncode(protected_header.dump());
  std::string payload_b64 = Base64UrlEncode(account_key.PublicJwk().dump());
  auto mac = Hmac(digest, *mac_key, protected_b64 + "." + payload_b64);
  if (!mac.ok()) return mac.status();
  return nlohmann::json{
      {"protected", protected_b64}, {"payload", payload_b64}, {"signature", Base64UrlEncode(*mac)}};
}

}  // namespace upkeep::acme
