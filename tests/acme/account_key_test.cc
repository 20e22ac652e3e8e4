#include "acme/account_key.h"

#include <gtest/gtest.h>

#include "acme/base64url.h"

namespace upkeep::acme {
namespace {

TEST(JwkThumbprintTest, MatchesTheRfc7638Example) {
  // RFC 7638 §3.1: the thumbprint ignores "alg" and "kid".
  nlohmann::json jwk = {
      {"kty", "RSA"},
      {"n",
       "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_"
       "BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-"
       "65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrd"
       "kt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKg"
       "w"},
      {"e", "AQAB"},
      {"alg", "RS256"},
      {"kid", "2011-04-29"}};
  EXPECT_EQ(JwkThumbprint(jwk), "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs");
}

TEST(JwkThumbprintTest, UnknownKeyTypeHasNone) {
  EXPECT_EQ(JwkThumbprint({{"kty", "oct"}, {"k", "AAAA"}}), "");
}

TEST(AccountKeyTest, GeneratesP256WithA32ByteCoordinateJwk) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->algorithm(), KeyAlgorithm::kEs256);
  EXPECT_EQ(key->JwsAlgorithm(), "ES256");
  nlohmann::json jwk = key->PublicJwk();
  EXPECT_EQ(jwk["kty"], "EC");
  EXPECT_EQ(jwk["crv"], "P-256");
  EXPECT_EQ(Base64UrlDecode(jwk["x"].get<std::string>())->size(), 32u);
  EXPECT_EQ(Base64UrlDecode(jwk["y"].get<std::string>())->size(), 32u);
  EXPECT_EQ(jwk.size(), 4u);  // no private member leaks into the public JWK
  EXPECT_EQ(key->Thumbprint(), JwkThumbprint(jwk));
  EXPECT_EQ(key->Thumbprint().size(), 43u);  // base64url of 32 bytes
}

TEST(AccountKeyTest, GeneratesRsa) {
  auto key = AccountKey::Generate(KeyAlgorithm::kRs256, 2048);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->JwsAlgorithm(), "RS256");
  nlohmann::json jwk = key->PublicJwk();
  EXPECT_EQ(jwk["kty"], "RSA");
  EXPECT_EQ(jwk["e"], "AQAB");
  EXPECT_EQ(Base64UrlDecode(jwk["n"].get<std::string>())->size(), 256u);
}

TEST(AccountKeyTest, RejectsShortRsaKeys) {
  auto key = AccountKey::Generate(KeyAlgorithm::kRs256, 1024);
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(AccountKeyTest, PemRoundTripKeepsTheAccountIdentity) {
  for (KeyAlgorithm algorithm : {KeyAlgorithm::kEs256, KeyAlgorithm::kRs256}) {
    auto key = AccountKey::Generate(algorithm);
    ASSERT_TRUE(key.ok()) << key.status();
    std::string pem = key->ToPem();
    EXPECT_NE(pem.find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    auto loaded = AccountKey::FromPem(pem);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    EXPECT_EQ(loaded->algorithm(), algorithm);
    EXPECT_EQ(loaded->Thumbprint(), key->Thumbprint());
  }
}

TEST(AccountKeyTest, FromPemNamesWhatIsWrong) {
  auto garbage = AccountKey::FromPem("not a key");
  EXPECT_EQ(garbage.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(std::string(garbage.status().message()).find("PEM private key"), std::string::npos);
}

TEST(KeyAuthorizationTest, IsTokenDotThumbprint) {
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  EXPECT_EQ(KeyAuthorization(*key, "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA"),
            "evaGxfADs6pSRb2LAv9IZf17Dt3juxGJ-PCt92wr-oA." + key->Thumbprint());
}

}  // namespace
}  // namespace upkeep::acme
