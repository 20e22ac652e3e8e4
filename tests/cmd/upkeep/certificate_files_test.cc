#include "cmd/upkeep/certificate_files.h"

#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver/api/base64.h"
#include "crypto/certificate_info.h"
#include "crypto/issue_certificate.h"
#include "tests/crypto/test_pki.h"

namespace upkeep::cmd {
namespace {

using crypto::testing::TestPki;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

// A kubernetes.io/tls Secret as the API returns it; a null value leaves the key out.
json TlsSecret(const json& crt, const json& key, const json& ca = nullptr) {
  json data = json::object();
  auto put = [&](const char* name, const json& value) {
    if (value.is_string()) data[name] = apiserver::Base64Encode(value.get<std::string>());
  };
  put("tls.crt", crt);
  put("tls.key", key);
  put("ca.crt", ca);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "web-tls"}, {"namespace", "default"}}},
          {"type", "kubernetes.io/tls"},
          {"data", data}};
}

const TestPki& Pki() {
  static const TestPki* pki = new TestPki();
  return *pki;
}

std::string LeafKeyPem() { return Pki().leaf_key.ToPem(crypto::KeyEncoding::kPkcs8).value(); }

TEST(CertificateFilesFromTlsSecretTest, SplitsTheChainAsCertbotDoes) {
  const std::string tls_crt = Pki().leaf_pem + Pki().intermediate_pem;
  absl::StatusOr<CertificateFiles> files =
      CertificateFilesFromTlsSecret(TlsSecret(tls_crt, LeafKeyPem(), Pki().root_pem));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->cert_pem, Pki().leaf_pem);
  EXPECT_EQ(files->chain_pem, Pki().intermediate_pem);
  EXPECT_EQ(files->fullchain_pem, tls_crt);
  EXPECT_EQ(files->privkey_pem, LeafKeyPem());
  EXPECT_EQ(files->ca_pem, Pki().root_pem);
  auto leaf = crypto::ParseCertificateChainPem(Pki().leaf_pem).value();
  EXPECT_EQ(files->serial_number, leaf.front().serial_number);
  EXPECT_EQ(files->not_after, crypto::testing::kNotAfter);
}

TEST(CertificateFilesFromTlsSecretTest, KeepsEveryCertificateAfterTheLeafInTheChain) {
  const std::string tls_crt = Pki().leaf_pem + Pki().intermediate_pem + Pki().root_pem;
  auto files = CertificateFilesFromTlsSecret(TlsSecret(tls_crt, LeafKeyPem()));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->chain_pem, Pki().intermediate_pem + Pki().root_pem);
  EXPECT_EQ(files->fullchain_pem, tls_crt);
}

TEST(CertificateFilesFromTlsSecretTest, ASelfSignedLeafHasAnEmptyChainAndNoCaWithoutCaCrt) {
  const crypto::PrivateKey key = crypto::testing::GenerateKey(crypto::testing::kP256);
  const std::string leaf =
      crypto::IssueCertificate(crypto::testing::LeafRequest(key, {.dns_names = {"a.test"}}),
                               crypto::Signer::SelfSigned(key))
          .value();
  auto files = CertificateFilesFromTlsSecret(
      TlsSecret(leaf, key.ToPem(crypto::KeyEncoding::kPkcs1).value()));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->cert_pem, leaf);
  EXPECT_EQ(files->chain_pem, "");
  EXPECT_EQ(files->ca_pem, std::nullopt);
}

TEST(CertificateFilesFromTlsSecretTest, AnEmptyCaCrtIsTheSameAsNone) {
  auto files = CertificateFilesFromTlsSecret(TlsSecret(Pki().leaf_pem, LeafKeyPem(), ""));
  ASSERT_TRUE(files.ok()) << files.status();
  EXPECT_EQ(files->ca_pem, std::nullopt);
}

struct BadSecretCase {
  std::string name;
  json secret;
  std::string message;
};

// Failure messages name the row, not its bytes.
void PrintTo(const BadSecretCase& c, std::ostream* os) { *os << c.name; }

std::vector<BadSecretCase> BadSecrets() {
  const std::string key = LeafKeyPem();
  const std::string other_key = Pki().intermediate_key.ToPem(crypto::KeyEncoding::kPkcs8).value();
  json not_base64 = TlsSecret(Pki().leaf_pem, key);
  not_base64["data"]["tls.key"] = "not base64 at all!";
  json no_data = TlsSecret(nullptr, nullptr);
  no_data.erase("data");
  return {
      {"NoData", no_data, "it has no tls.crt"},
      {"NoCertificate", TlsSecret(nullptr, key), "it has no tls.crt"},
      {"NoKey", TlsSecret(Pki().leaf_pem, nullptr), "it has no tls.key"},
      {"EmptyCertificate", TlsSecret("", key), "tls.crt is empty"},
      {"KeyNotBase64", not_base64, "tls.key is not base64 data"},
      {"KeyPastedIntoTlsCrt", TlsSecret(key, key), "tls.crt: "},
      {"DamagedCertificate", TlsSecret("-----BEGIN CERTIFICATE-----\nAAAA\n", key), "tls.crt: "},
      {"DamagedKey", TlsSecret(Pki().leaf_pem, key.substr(0, key.size() / 2)), "tls.key: "},
      {"CertificateInTlsKey", TlsSecret(Pki().leaf_pem, Pki().leaf_pem), "tls.key: "},
      {"KeyOfAnotherCertificate", TlsSecret(Pki().leaf_pem, other_key),
       "tls.key is not the private key of the certificate in tls.crt (serial "},
      {"DamagedCaCrt", TlsSecret(Pki().leaf_pem, key, "garbage"), "ca.crt: "},
  };
}

class BadSecretTest : public ::testing::TestWithParam<BadSecretCase> {};

TEST_P(BadSecretTest, IsRefusedWithAMessageThatNamesTheKeyAndNoKeyMaterial) {
  absl::StatusOr<CertificateFiles> files = CertificateFilesFromTlsSecret(GetParam().secret);
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string message(files.status().message());
  EXPECT_THAT(message, HasSubstr(GetParam().message));
  // The first line of the key's base64 body never shows up in a message.
  const std::string key = LeafKeyPem();
  const std::string first_body_line = key.substr(key.find('\n') + 1, 40);
  EXPECT_THAT(message, Not(HasSubstr(first_body_line)));
}

INSTANTIATE_TEST_SUITE_P(CertificateFilesFromTlsSecretTest, BadSecretTest,
                         ::testing::ValuesIn(BadSecrets()),
                         [](const auto& info) { return info.param.name; });

}  // namespace
}  // namespace upkeep::cmd
