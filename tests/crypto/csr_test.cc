#include "crypto/csr.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/crypto/openssl_scratch_dir.h"
#include "tests/crypto/test_pki.h"

namespace upkeep::crypto {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using testing::OpensslScratchDir;
using ::testing::StartsWith;

// The line after "X509v3 Subject Alternative Name:" in `openssl ... -text` output, trimmed.
std::string SubjectAltNameLine(const std::string& text) {
  const size_t heading = text.find("X509v3 Subject Alternative Name");
  if (heading == std::string::npos) return "";
  const size_t start = text.find_first_not_of(' ', text.find('\n', heading) + 1);
  return text.substr(start, text.find('\n', start) - start);
}

const SubjectNames kNames = {.common_name = "example.com",
                             .dns_names = {"example.com", "www.example.com"},
                             .ip_addresses = {"192.0.2.10", "2001:db8::1"}};
// How `openssl req -text` prints kNames' alternative names.
constexpr char kOpensslSubjectAltNames[] =
    "DNS:example.com, DNS:www.example.com, IP Address:192.0.2.10, "
    "IP Address:2001:DB8:0:0:0:0:0:1";

struct CsrCase {
  const char* name;
  KeySpec spec;
  const char* signature_algorithm;  // as `openssl req -text` names it
};

void PrintTo(const CsrCase& row, std::ostream* os) { *os << row.name; }

class BuildCsrTest : public ::testing::TestWithParam<CsrCase> {};

TEST_P(BuildCsrTest, OpensslVerifiesItAndSeesExactlyTheRequestedNames) {
  const PrivateKey key = testing::GenerateKey(GetParam().spec);
  absl::StatusOr<Csr> csr = BuildCsr(key, kNames);
  ASSERT_TRUE(csr.ok()) << csr.status();
  EXPECT_THAT(csr->pem, StartsWith("-----BEGIN CERTIFICATE REQUEST-----\n"));

  OpensslScratchDir dir;
  dir.Write("csr.pem", csr->pem);
  dir.Write("csr.der", csr->der);
  OpensslScratchDir::Result verified = dir.Openssl("req -in csr.pem -verify -noout");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  OpensslScratchDir::Result der = dir.Openssl("req -inform DER -in csr.der -verify -noout");
  EXPECT_EQ(der.exit_code, 0) << der.output;

  OpensslScratchDir::Result text = dir.Openssl("req -in csr.pem -noout -text");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(SubjectAltNameLine(text.output), kOpensslSubjectAltNames) << text.output;
  EXPECT_THAT(text.output, HasSubstr("Subject: CN = example.com\n"));
  EXPECT_THAT(text.output, Not(HasSubstr("Subject Alternative Name: critical")));
  EXPECT_THAT(text.output,
              HasSubstr(std::string("Signature Algorithm: ") + GetParam().signature_algorithm));
  // Its public key is the key's.
  ASSERT_EQ(dir.Openssl("req -in csr.pem -noout -pubkey -out public.pem").exit_code, 0);
  ASSERT_EQ(dir.Openssl("pkey -pubin -in public.pem -outform DER -out public.der").exit_code, 0);
  EXPECT_EQ(dir.Read("public.der"), key.public_key_der());
}

INSTANTIATE_TEST_SUITE_P(
    Table, BuildCsrTest,
    ::testing::Values(CsrCase{"Rsa2048", testing::kRsa2048, "sha256WithRSAEncryption"},
                      CsrCase{"EcdsaP256", testing::kP256, "ecdsa-with-SHA256"},
                      CsrCase{"EcdsaP384", testing::kP384, "ecdsa-with-SHA384"},
                      CsrCase{"Ed25519", testing::kEd25519, "ED25519"}),
    [](const ::testing::TestParamInfo<CsrCase>& info) { return info.param.name; });

TEST(BuildCsrTest, MarksAlternativeNamesCriticalWhenTheSubjectIsEmpty) {
  absl::StatusOr<Csr> csr =
      BuildCsr(testing::GenerateKey(testing::kP256), {.dns_names = {"example.com"}});
  ASSERT_TRUE(csr.ok()) << csr.status();
  OpensslScratchDir dir;
  dir.Write("csr.pem", csr->pem);
  OpensslScratchDir::Result text = dir.Openssl("req -in csr.pem -noout -text");
  EXPECT_THAT(text.output, HasSubstr("Subject Alternative Name: critical"));
  EXPECT_EQ(SubjectAltNameLine(text.output), "DNS:example.com");
  EXPECT_EQ(dir.Openssl("req -in csr.pem -verify -noout").exit_code, 0);
}

TEST(BuildCsrTest, HasNoAlternativeNamesForACommonNameAlone) {
  absl::StatusOr<Csr> csr = BuildCsr(testing::GenerateKey(testing::kP256), {.common_name = "CA"});
  ASSERT_TRUE(csr.ok()) << csr.status();
  OpensslScratchDir dir;
  dir.Write("csr.pem", csr->pem);
  OpensslScratchDir::Result text = dir.Openssl("req -in csr.pem -noout -text");
  EXPECT_THAT(text.output, HasSubstr("Subject: CN = CA\n"));
  EXPECT_THAT(text.output, Not(HasSubstr("Subject Alternative Name")));
}

TEST(BuildCsrTest, RefusesABadIpAddressNamingIt) {
  absl::StatusOr<Csr> csr =
      BuildCsr(testing::GenerateKey(testing::kP256),
               {.dns_names = {"example.com"}, .ip_addresses = {"10.0.0.256"}});
  ASSERT_FALSE(csr.ok());
  EXPECT_EQ(csr.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(csr.status().message()), HasSubstr("\"10.0.0.256\""));
}

TEST(CsrPublicKeyDerTest, ReturnsTheKeyOfAValidCsr) {
  const PrivateKey key = testing::GenerateKey(testing::kRsa2048);
  const Csr csr = BuildCsr(key, kNames).value();
  absl::StatusOr<std::string> public_key = CsrPublicKeyDer(csr.der);
  ASSERT_TRUE(public_key.ok()) << public_key.status();
  EXPECT_EQ(*public_key, key.public_key_der());
}

TEST(CsrPublicKeyDerTest, RefusesABadSignature) {
  std::string der = BuildCsr(testing::GenerateKey(testing::kP256), kNames).value().der;
  // The signature is the last element; change a byte of it.
  der[der.size() - 3] ^= 0x01;
  absl::StatusOr<std::string> public_key = CsrPublicKeyDer(der);
  ASSERT_FALSE(public_key.ok());
  EXPECT_EQ(public_key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(public_key.status().message()), HasSubstr("signature"));
}

TEST(CsrPublicKeyDerTest, RefusesDamagedDer) {
  const std::string der = BuildCsr(testing::GenerateKey(testing::kP256), kNames).value().der;
  for (const std::string& damaged :
       {std::string(), std::string("not DER"), der.substr(0, der.size() / 2), der + "x"}) {
    absl::StatusOr<std::string> public_key = CsrPublicKeyDer(damaged);
    ASSERT_FALSE(public_key.ok()) << damaged.size();
    EXPECT_EQ(public_key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(public_key.status().message()), HasSubstr("CSR"));
  }
}

}  // namespace
}  // namespace upkeep::crypto
