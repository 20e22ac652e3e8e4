#include "crypto/verify_chain.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/certificate_info.h"
#include "crypto/issue_certificate.h"
#include "tests/crypto/openssl_scratch_dir.h"
#include "tests/crypto/test_pki.h"

namespace upkeep::crypto {
namespace {

using testing::GenerateKey;
using ::testing::HasSubstr;
using testing::kDuringValidity;
using testing::OpensslScratchDir;
using testing::TestPki;

void ExpectDoesNotVerify(const absl::Status& status, const std::string& why) {
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr(why));
}

class VerifyChainTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { pki_ = new TestPki(); }
  static void TearDownTestSuite() {
    delete pki_;
    pki_ = nullptr;
  }
  static const TestPki& pki() { return *pki_; }
  static std::string Chain() { return pki().leaf_pem + pki().intermediate_pem; }

 private:
  static TestPki* pki_;
};

TestPki* VerifyChainTest::pki_ = nullptr;

TEST_F(VerifyChainTest, AcceptsTheChainForEachOfItsNames) {
  EXPECT_TRUE(VerifyChain(Chain(), pki().root_pem, kDuringValidity).ok());
  for (const char* host : {"example.com", "www.example.com", "WWW.Example.COM", "192.0.2.10"}) {
    EXPECT_TRUE(VerifyChain(Chain(), pki().root_pem, kDuringValidity, host).ok()) << host;
  }
}

TEST_F(VerifyChainTest, AcceptsTheIssuingCaAsTheTrustAnchor) {
  EXPECT_TRUE(VerifyChain(pki().leaf_pem, pki().intermediate_pem, kDuringValidity).ok());
}

TEST_F(VerifyChainTest, AcceptsASelfSignedCertificateTrustedAsItself) {
  const PrivateKey key = GenerateKey(testing::kEd25519);
  const std::string pem =
      IssueCertificate(testing::LeafRequest(key, {.dns_names = {"self.example"}}),
                       Signer::SelfSigned(key))
          .value();
  EXPECT_TRUE(VerifyChain(pem, pem, kDuringValidity, "self.example").ok());
}

TEST_F(VerifyChainTest, RefusesAnExpiredCertificate) {
  ExpectDoesNotVerify(
      VerifyChain(Chain(), pki().root_pem, testing::kNotAfter + std::chrono::seconds(1)),
      "certificate has expired: CN=example.com");
}

TEST_F(VerifyChainTest, AcceptsTheFirstSecondAndTheSecondBeforeNotAfter) {
  EXPECT_TRUE(VerifyChain(Chain(), pki().root_pem, testing::kNotBefore).ok());
  EXPECT_TRUE(
      VerifyChain(Chain(), pki().root_pem, testing::kNotAfter - std::chrono::seconds(1)).ok());
}

TEST_F(VerifyChainTest, CountsTheNotAfterInstantAsExpiredAsOpensslDoes) {
  ExpectDoesNotVerify(VerifyChain(Chain(), pki().root_pem, testing::kNotAfter),
                      "certificate has expired");
}

TEST_F(VerifyChainTest, RefusesACertificateThatIsNotYetValid) {
  ExpectDoesNotVerify(
      VerifyChain(Chain(), pki().root_pem, testing::kNotBefore - std::chrono::seconds(1)),
      "certificate is not yet valid");
}

TEST_F(VerifyChainTest, RefusesANameTheCertificateDoesNotHave) {
  for (const char* host : {"wrong.example", "a.example.com", "192.0.2.11", "::1"}) {
    absl::Status status = VerifyChain(Chain(), pki().root_pem, kDuringValidity, host);
    ExpectDoesNotVerify(status, std::string("is not valid for \"") + host + "\"");
  }
}

TEST_F(VerifyChainTest, RefusesAnUntrustedRoot) {
  const PrivateKey other_key = GenerateKey(testing::kP256);
  const std::string other_root =
      IssueCertificate(testing::CaRequest(other_key, "Other Root"), Signer::SelfSigned(other_key))
          .value();
  ExpectDoesNotVerify(VerifyChain(Chain(), other_root, kDuringValidity),
                      "unable to get local issuer certificate");
}

TEST_F(VerifyChainTest, RefusesAChainMissingItsIntermediate) {
  ExpectDoesNotVerify(VerifyChain(pki().leaf_pem, pki().root_pem, kDuringValidity),
                      "unable to get local issuer certificate");
}

TEST_F(VerifyChainTest, MatchesWildcardsOnOneLabelOnly) {
  const PrivateKey key = GenerateKey(testing::kP256);
  const std::string pem =
      IssueCertificate(testing::LeafRequest(key, {.dns_names = {"*.example.com"}}),
                       Signer::Ca(pki().intermediate_key, pki().intermediate_pem))
          .value();
  const std::string chain = pem + pki().intermediate_pem;
  EXPECT_TRUE(VerifyChain(chain, pki().root_pem, kDuringValidity, "a.example.com").ok());
  ExpectDoesNotVerify(VerifyChain(chain, pki().root_pem, kDuringValidity, "a.b.example.com"),
                      "is not valid for");
  ExpectDoesNotVerify(VerifyChain(chain, pki().root_pem, kDuringValidity, "example.com"),
                      "is not valid for");
}

TEST_F(VerifyChainTest, NeverMatchesTheHostAgainstTheSubjectCommonName) {
  const PrivateKey key = GenerateKey(testing::kP256);
  const std::string pem = IssueCertificate(testing::LeafRequest(key, {.common_name = "cn.example"}),
                                           Signer::SelfSigned(key))
                              .value();
  ExpectDoesNotVerify(VerifyChain(pem, pem, kDuringValidity, "cn.example"), "is not valid for");
}

TEST_F(VerifyChainTest, RefusesALeafThatIsNotForTlsServers) {
  OpensslScratchDir dir;
  OpensslScratchDir::Result made = dir.Openssl(
      "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout key.pem "
      "-out cert.pem -subj /CN=client -days 1 -addext subjectAltName=DNS:client.example "
      "-addext extendedKeyUsage=clientAuth");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string pem = dir.Read("cert.pem");
  const auto not_before = ParseCertificateChainPem(pem).value().front().not_before;
  ExpectDoesNotVerify(VerifyChain(pem, pem, not_before + std::chrono::minutes(1)),
                      "unsuitable certificate purpose: CN=client");
}

TEST_F(VerifyChainTest, DamagedInputIsInvalidArgument) {
  absl::Status chain = VerifyChain("not pem", pki().root_pem, kDuringValidity);
  EXPECT_EQ(chain.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(chain.message()), HasSubstr("certificate chain"));
  absl::Status roots = VerifyChain(Chain(), "", kDuringValidity);
  EXPECT_EQ(roots.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(roots.message()), HasSubstr("trusted roots"));
}

}  // namespace
}  // namespace upkeep::crypto
