#include "crypto/certificate_info.h"

#include <string>
#include <vector>

#include <absl/strings/ascii.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "crypto/issue_certificate.h"
#include "tests/crypto/openssl_scratch_dir.h"
#include "tests/crypto/test_pki.h"

namespace upkeep::crypto {
namespace {

using ::testing::ElementsAre;
using testing::GenerateKey;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::OpensslScratchDir;
using testing::TestPki;

TEST(ParseCertificateChainPemTest, ReadsBackWhatWasIssued) {
  const PrivateKey key = GenerateKey(testing::kP256);
  IssueRequest request =
      testing::LeafRequest(key, {.common_name = "example.com",
                                 .dns_names = {"example.com", "*.example.com"},
                                 .ip_addresses = {"192.0.2.10", "2001:0DB8:0:0::1"}});
  request.serial_number = "0123456789ABCDEF";
  const std::string pem = IssueCertificate(request, Signer::SelfSigned(key)).value();

  absl::StatusOr<std::vector<CertificateInfo>> chain = ParseCertificateChainPem(pem);
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 1u);
  const CertificateInfo& info = chain->front();
  EXPECT_EQ(info.common_name, "example.com");
  EXPECT_THAT(info.dns_names, ElementsAre("example.com", "*.example.com"));
  EXPECT_THAT(info.ip_addresses, ElementsAre("192.0.2.10", "2001:db8::1"));
  EXPECT_EQ(info.not_before, testing::kNotBefore);
  EXPECT_EQ(info.not_after, testing::kNotAfter);
  EXPECT_EQ(info.serial_number, "0123456789abcdef");
  EXPECT_EQ(info.issuer_common_name, "example.com");
  EXPECT_FALSE(info.is_ca);
  EXPECT_EQ(info.public_key_der, key.public_key_der());
  EXPECT_EQ(info.pem, pem);
  EXPECT_FALSE(info.der.empty());
}

TEST(ParseCertificateChainPemTest, ReadsAChainInOrder) {
  const TestPki pki;
  absl::StatusOr<std::vector<CertificateInfo>> chain =
      ParseCertificateChainPem(pki.leaf_pem + pki.intermediate_pem + pki.root_pem);
  ASSERT_TRUE(chain.ok()) << chain.status();
  ASSERT_EQ(chain->size(), 3u);
  EXPECT_EQ((*chain)[0].common_name, "example.com");
  EXPECT_FALSE((*chain)[0].is_ca);
  EXPECT_EQ((*chain)[1].common_name, "Test Intermediate CA");
  EXPECT_EQ((*chain)[1].issuer_common_name, "Test Root CA");
  EXPECT_TRUE((*chain)[1].is_ca);
  EXPECT_EQ((*chain)[2].common_name, "Test Root CA");
  EXPECT_THAT((*chain)[2].dns_names, IsEmpty());
  EXPECT_EQ((*chain)[2].not_after, testing::kCaNotAfter);
  EXPECT_EQ((*chain)[1].pem + (*chain)[2].pem, pki.intermediate_pem + pki.root_pem);
}

TEST(ParseCertificateChainPemTest, IgnoresTextBetweenBlocks) {
  const TestPki pki;
  absl::StatusOr<std::vector<CertificateInfo>> chain = ParseCertificateChainPem(
      "subject=CN = example.com\n" + pki.leaf_pem + "\nBag Attributes\n" + pki.root_pem);
  ASSERT_TRUE(chain.ok()) << chain.status();
  EXPECT_EQ(chain->size(), 2u);
}

TEST(ParseCertificateChainPemTest, AgreesWithTheOpensslToolOnACertificateItMade) {
  OpensslScratchDir dir;
  OpensslScratchDir::Result made = dir.Openssl(
      "req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-384 -nodes -keyout key.pem "
      "-out cert.pem -subj /O=Example/CN=tool.example -days 30 -set_serial 0x00c0ffee "
      "-addext subjectAltName=DNS:tool.example,IP:10.1.2.3,IP:fd00::7,email:a@tool.example");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  absl::StatusOr<std::vector<CertificateInfo>> chain =
      ParseCertificateChainPem(dir.Read("cert.pem"));
  ASSERT_TRUE(chain.ok()) << chain.status();
  const CertificateInfo& info = chain->front();
  EXPECT_EQ(info.common_name, "tool.example");
  EXPECT_THAT(info.dns_names, ElementsAre("tool.example"));
  EXPECT_THAT(info.ip_addresses, ElementsAre("10.1.2.3", "fd00::7"));
  EXPECT_EQ(info.not_after - info.not_before, std::chrono::hours(24 * 30));
  EXPECT_EQ(absl::AsciiStrToLower(dir.Openssl("x509 -in cert.pem -noout -serial").output),
            "serial=" + info.serial_number + "\n");
  EXPECT_EQ(info.serial_number, "c0ffee");
  EXPECT_TRUE(PublicKeyMatches(info, PrivateKey::ParsePem(dir.Read("key.pem")).value()));
}

TEST(PublicKeyMatchesTest, IsTrueOnlyForTheCertifiedKey) {
  const TestPki pki;
  const CertificateInfo leaf = ParseCertificateChainPem(pki.leaf_pem).value().front();
  EXPECT_TRUE(PublicKeyMatches(leaf, pki.leaf_key));
  // Another key of the same kind, and keys of other kinds.
  EXPECT_FALSE(PublicKeyMatches(leaf, GenerateKey(testing::kRsa2048)));
  EXPECT_FALSE(PublicKeyMatches(leaf, pki.root_key));
  EXPECT_FALSE(PublicKeyMatches(leaf, GenerateKey(testing::kEd25519)));
  // A key read back from PEM is the same key.
  EXPECT_TRUE(PublicKeyMatches(
      leaf, PrivateKey::ParsePem(pki.leaf_key.ToPem(KeyEncoding::kPkcs1).value()).value()));
}

TEST(PublicKeyMatchesTest, IsFalseForAnUnreadablePublicKey) {
  const PrivateKey key = GenerateKey(testing::kP256);
  CertificateInfo info;
  info.public_key_der = "garbage";
  EXPECT_FALSE(PublicKeyMatches(info, key));
}

struct DamagedCase {
  const char* name;
  std::string pem;
  const char* message;  // a part of the expected error
};

void PrintTo(const DamagedCase& row, std::ostream* os) { *os << row.name; }

std::vector<DamagedCase> DamagedCases() {
  const PrivateKey key = GenerateKey(testing::kP256);
  const std::string certificate =
      IssueCertificate(testing::LeafRequest(key, {.dns_names = {"example.com"}}),
                       Signer::SelfSigned(key))
          .value();
  std::string bad_base64 = certificate;
  bad_base64[100] = '*';
  std::string not_der =
      "-----BEGIN CERTIFICATE-----\naGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n";
  std::string bit_flipped = certificate;
  bit_flipped[30] = bit_flipped[30] == 'A' ? 'B' : 'A';  // inside the DER's outer header
  return {
      {"Empty", "", "no PEM CERTIFICATE block found"},
      {"PlainText", "hello", "no PEM CERTIFICATE block found"},
      {"PrivateKey", key.ToPem(KeyEncoding::kPkcs8).value(),
       "PEM block 1 is PRIVATE KEY, not CERTIFICATE"},
      {"KeyAfterCertificate", certificate + key.ToPem(KeyEncoding::kPkcs1).value(),
       "PEM block 2 is EC PRIVATE KEY, not CERTIFICATE"},
      {"DamagedBase64", certificate + bad_base64, "PEM block 2 is damaged"},
      {"Truncated", certificate.substr(0, certificate.size() - 30), "PEM block 1 is damaged"},
      {"NotDer", not_der, "certificate 1 is damaged"},
      {"DamagedDer", bit_flipped, "certificate 1"},
  };
}

class DamagedChainTest : public ::testing::TestWithParam<DamagedCase> {};

TEST_P(DamagedChainTest, IsInvalidArgumentSayingWhichBlock) {
  absl::StatusOr<std::vector<CertificateInfo>> chain = ParseCertificateChainPem(GetParam().pem);
  ASSERT_FALSE(chain.ok());
  EXPECT_EQ(chain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr("certificate chain: "));
  EXPECT_THAT(std::string(chain.status().message()), HasSubstr(GetParam().message));
}

INSTANTIATE_TEST_SUITE_P(Table, DamagedChainTest, ::testing::ValuesIn(DamagedCases()),
                         [](const ::testing::TestParamInfo<DamagedCase>& info) {
                           return info.param.name;
                         });

}  // namespace
}  // namespace upkeep::crypto
