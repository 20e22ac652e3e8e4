#include "acme/jws.h"

#include <gtest/gtest.h>
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>

#include <memory>

#include "acme/base64url.h"

namespace upkeep::acme {
namespace {

nlohmann::json DecodeJson(const nlohmann::json& b64) {
  auto text = Base64UrlDecode(b64.get<std::string>());
  EXPECT_TRUE(text.has_value());
  return nlohmann::json::parse(text.value_or("null"));
}

// Verifies a JWS signature with OpenSSL directly, converting ES256's r||s back to DER the
// way a server's JOSE library reads it.
bool VerifiesWithOpenSsl(const AccountKey& key, const nlohmann::json& jws) {
  std::string input = jws["protected"].get<std::string>() + "." + jws["payload"].get<std::string>();
  std::string signature = Base64UrlDecode(jws["signature"].get<std::string>()).value_or("");
  std::string der = signature;
  if (key.algorithm() == KeyAlgorithm::kEs256) {
    if (signature.size() != 64) return false;
    const auto* raw = reinterpret_cast<const unsigned char*>(signature.data());
    ECDSA_SIG* sig = ECDSA_SIG_new();
    ECDSA_SIG_set0(sig, BN_bin2bn(raw, 32, nullptr), BN_bin2bn(raw + 32, 32, nullptr));
    unsigned char* out = nullptr;
    int len = i2d_ECDSA_SIG(sig, &out);
    der.assign(reinterpret_cast<char*>(out), static_cast<size_t>(len));
    OPENSSL_free(out);
    ECDSA_SIG_free(sig);
  }
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  return EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha256(), nullptr, key.native_handle()) ==
             1 &&
         EVP_DigestVerify(ctx.get(), reinterpret_cast<const unsigned char*>(der.data()), der.size(),
                          reinterpret_cast<const unsigned char*>(input.data()), input.size()) == 1;
}

class JwsTest : public ::testing::TestWithParam<KeyAlgorithm> {};

TEST_P(JwsTest, SignatureVerifiesWithOpenSsl) {
  auto key = AccountKey::Generate(GetParam());
  ASSERT_TRUE(key.ok()) << key.status();
  auto jws = SignJws(*key, {"nonce-1", "https://ca.test/new-order", "https://ca.test/acct/1"},
                     nlohmann::json{{"identifiers", {{{"type", "dns"}, {"value", "a.test"}}}}});
  ASSERT_TRUE(jws.ok()) << jws.status();
  EXPECT_TRUE(VerifiesWithOpenSsl(*key, *jws));

  // A changed payload no longer verifies.
  nlohmann::json tampered = *jws;
  tampered["payload"] = Base64UrlEncode("{}");
  EXPECT_FALSE(VerifiesWithOpenSsl(*key, tampered));
}

TEST_P(JwsTest, Es256SignaturesAreRawRAndS) {
  auto key = AccountKey::Generate(GetParam());
  ASSERT_TRUE(key.ok());
  auto jws = SignJws(*key, {"n", "https://ca.test/x", "kid"}, std::nullopt);
  ASSERT_TRUE(jws.ok());
  size_t size = Base64UrlDecode((*jws)["signature"].get<std::string>())->size();
  EXPECT_EQ(size, GetParam() == KeyAlgorithm::kEs256 ? 64u : 256u);
}

INSTANTIATE_TEST_SUITE_P(Algorithms, JwsTest,
                         ::testing::Values(KeyAlgorithm::kEs256, KeyAlgorithm::kRs256),
                         [](const auto& info) {
                           return info.param == KeyAlgorithm::kEs256 ? std::string("ES256")
                                                                     : std::string("RS256");
                         });

TEST(SignJwsTest, ProtectedHeaderCarriesKidOnceTheAccountExists) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  auto jws = SignJws(*key, {"abc", "https://ca.test/order/1", "https://ca.test/acct/7"},
                     nlohmann::json::object());
  ASSERT_TRUE(jws.ok());
  nlohmann::json header = DecodeJson((*jws)["protected"]);
  EXPECT_EQ(header, (nlohmann::json{{"alg", "ES256"},
                                    {"nonce", "abc"},
                                    {"url", "https://ca.test/order/1"},
                                    {"kid", "https://ca.test/acct/7"}}));
  EXPECT_EQ(DecodeJson((*jws)["payload"]), nlohmann::json::object());
}

TEST(SignJwsTest, NewAccountRequestsEmbedThePublicJwk) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  auto jws = SignJws(*key, {"abc", "https://ca.test/new-acct", ""}, nlohmann::json::object());
  ASSERT_TRUE(jws.ok());
  nlohmann::json header = DecodeJson((*jws)["protected"]);
  EXPECT_EQ(header["jwk"], key->PublicJwk());
  EXPECT_FALSE(header.contains("kid"));
}

TEST(SignJwsTest, PostAsGetHasAnEmptyPayload) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  auto jws = SignJws(*key, {"abc", "https://ca.test/authz/1", "kid"}, std::nullopt);
  ASSERT_TRUE(jws.ok());
  EXPECT_EQ((*jws)["payload"], "");
  EXPECT_TRUE(VerifiesWithOpenSsl(*key, *jws));
}

std::string Hmac(const char* digest, const std::string& key, const std::string& data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  size_t len = 0;
  EVP_Q_mac(nullptr, "HMAC", nullptr, digest, nullptr, key.data(), key.size(),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, sizeof(out),
            &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

TEST(ExternalAccountBindingTest, MacsTheAccountJwkWithTheDecodedKey) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  const std::string mac_key_b64 =
      "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
  struct Row {
    const char* algorithm;
    const char* digest;
  };
  for (const Row& row : {Row{"HS256", "SHA256"}, Row{"HS384", "SHA384"}, Row{"HS512", "SHA512"}}) {
    auto eab = SignExternalAccountBinding({"kid-1", mac_key_b64, row.algorithm}, *key,
                                          "https://ca.test/new-acct");
    ASSERT_TRUE(eab.ok()) << eab.status();
    EXPECT_EQ(DecodeJson((*eab)["protected"]),
              (nlohmann::json{
                  {"alg", row.algorithm}, {"kid", "kid-1"}, {"url", "https://ca.test/new-acct"}}));
    EXPECT_EQ(DecodeJson((*eab)["payload"]), key->PublicJwk());
    std::string input =
        (*eab)["protected"].get<std::string>() + "." + (*eab)["payload"].get<std::string>();
    EXPECT_EQ(Base64UrlDecode((*eab)["signature"].get<std::string>()),
              Hmac(row.digest, *Base64UrlDecode(mac_key_b64), input))
        << row.algorithm;
  }
}

TEST(ExternalAccountBindingTest, RejectsUnknownAlgorithmsAndKeys) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(SignExternalAccountBinding({"kid", "AAAA", "RS256"}, *key, "u").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignExternalAccountBinding({"kid", "not base64!", "HS256"}, *key, "u").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(SignExternalAccountBinding({"", "AAAA", "HS256"}, *key, "u").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace upkeep::acme
