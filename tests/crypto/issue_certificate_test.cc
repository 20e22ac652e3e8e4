#include "crypto/issue_certificate.h"

#include <memory>
#include <string>
#include <vector>

#include <absl/strings/ascii.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "crypto/certificate_info.h"
#include "crypto/csr.h"
#include "tests/crypto/openssl_scratch_dir.h"
#include "tests/crypto/test_pki.h"

namespace upkeep::crypto {
namespace {

using ::testing::ElementsAre;
using testing::EpochSeconds;
using testing::GenerateKey;
using ::testing::HasSubstr;
using testing::kDuringValidity;
using testing::kNotAfter;
using testing::kNotBefore;
using testing::LeafRequest;
using ::testing::Not;
using testing::OpensslScratchDir;
using ::testing::StartsWith;
using testing::TestPki;

const SubjectNames kNames = {.common_name = "example.com",
                             .dns_names = {"example.com", "www.example.com"},
                             .ip_addresses = {"192.0.2.10", "2001:db8::1"}};
constexpr char kOpensslSubjectAltNames[] =
    "DNS:example.com, DNS:www.example.com, IP Address:192.0.2.10, "
    "IP Address:2001:DB8:0:0:0:0:0:1";

const std::string kAtTime = " -attime " + EpochSeconds(kDuringValidity) + " ";

CertificateInfo Parse(const std::string& pem) {
  std::vector<CertificateInfo> chain = ParseCertificateChainPem(pem).value();
  EXPECT_EQ(chain.size(), 1u);
  return chain.front();
}

// The line after the extension's heading in `openssl x509 -text` output, trimmed.
std::string ExtensionLine(const std::string& text, const std::string& heading) {
  const size_t at = text.find(heading);
  if (at == std::string::npos) return "";
  const size_t start = text.find_first_not_of(' ', text.find('\n', at) + 1);
  return text.substr(start, text.find('\n', start) - start);
}

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;

X509Ptr ToX509(const CertificateInfo& info) {
  const auto* data = reinterpret_cast<const unsigned char*>(info.der.data());
  return X509Ptr(d2i_X509(nullptr, &data, static_cast<long>(info.der.size())));
}

bool IsCritical(X509* x509, int nid) {
  const int index = X509_get_ext_by_NID(x509, nid, -1);
  return index >= 0 && X509_EXTENSION_get_critical(X509_get_ext(x509, index)) == 1;
}

bool HasExtension(X509* x509, int nid) { return X509_get_ext_by_NID(x509, nid, -1) >= 0; }

std::string OctetString(const ASN1_OCTET_STRING* s) {
  if (s == nullptr) return "";
  return std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(s)),
                     static_cast<size_t>(ASN1_STRING_length(s)));
}

struct SelfSignedCase {
  const char* name;
  KeySpec spec;
  const char* signature_algorithm;
};

void PrintTo(const SelfSignedCase& row, std::ostream* os) { *os << row.name; }

class SelfSignedTest : public ::testing::TestWithParam<SelfSignedCase> {};

TEST_P(SelfSignedTest, OpensslVerifiesItForExactlyTheRequestedNames) {
  const PrivateKey key = GenerateKey(GetParam().spec);
  absl::StatusOr<std::string> pem =
      IssueCertificate(LeafRequest(key, kNames), Signer::SelfSigned(key));
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_THAT(*pem, StartsWith("-----BEGIN CERTIFICATE-----\n"));

  OpensslScratchDir dir;
  dir.Write("cert.pem", *pem);
  OpensslScratchDir::Result verified =
      dir.Openssl("verify" + kAtTime + "-CAfile cert.pem -purpose sslserver " +
                  "-verify_hostname www.example.com cert.pem");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  OpensslScratchDir::Result by_ip =
      dir.Openssl("verify" + kAtTime + "-CAfile cert.pem -verify_ip 2001:db8::1 cert.pem");
  EXPECT_EQ(by_ip.exit_code, 0) << by_ip.output;

  OpensslScratchDir::Result text = dir.Openssl("x509 -in cert.pem -noout -text");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_EQ(ExtensionLine(text.output, "X509v3 Subject Alternative Name"), kOpensslSubjectAltNames);
  EXPECT_THAT(text.output, HasSubstr("Subject: CN = example.com\n"));
  EXPECT_THAT(text.output, HasSubstr("Issuer: CN = example.com\n"));
  EXPECT_THAT(text.output,
              HasSubstr(std::string("Signature Algorithm: ") + GetParam().signature_algorithm));

  OpensslScratchDir::Result serial = dir.Openssl("x509 -in cert.pem -noout -serial");
  ASSERT_EQ(serial.exit_code, 0) << serial.output;
  EXPECT_EQ(absl::AsciiStrToLower(serial.output), "serial=" + Parse(*pem).serial_number + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    Table, SelfSignedTest,
    ::testing::Values(SelfSignedCase{"Rsa2048", testing::kRsa2048, "sha256WithRSAEncryption"},
                      SelfSignedCase{"EcdsaP256", testing::kP256, "ecdsa-with-SHA256"},
                      SelfSignedCase{"EcdsaP384", testing::kP384, "ecdsa-with-SHA384"},
                      SelfSignedCase{"Ed25519", testing::kEd25519, "ED25519"}),
    [](const ::testing::TestParamInfo<SelfSignedCase>& info) { return info.param.name; });

TEST(IssueCertificateTest, OpensslVerifiesACaSignedLeafThroughItsIntermediate) {
  const TestPki pki;
  OpensslScratchDir dir;
  dir.Write("root.pem", pki.root_pem);
  dir.Write("intermediate.pem", pki.intermediate_pem);
  dir.Write("leaf.pem", pki.leaf_pem);
  const std::string verify =
      "verify" + kAtTime + "-CAfile root.pem -untrusted intermediate.pem -purpose sslserver ";
  OpensslScratchDir::Result by_name = dir.Openssl(verify + "-verify_hostname example.com leaf.pem");
  EXPECT_EQ(by_name.exit_code, 0) << by_name.output;
  OpensslScratchDir::Result by_ip = dir.Openssl(verify + "-verify_ip 192.0.2.10 leaf.pem");
  EXPECT_EQ(by_ip.exit_code, 0) << by_ip.output;
  OpensslScratchDir::Result wrong_name =
      dir.Openssl(verify + "-verify_hostname other.example leaf.pem");
  EXPECT_NE(wrong_name.exit_code, 0) << wrong_name.output;
  OpensslScratchDir::Result without_intermediate =
      dir.Openssl("verify" + kAtTime + "-CAfile root.pem leaf.pem");
  EXPECT_NE(without_intermediate.exit_code, 0) << without_intermediate.output;

  const CertificateInfo leaf = Parse(pki.leaf_pem);
  EXPECT_EQ(leaf.issuer_common_name, "Test Intermediate CA");
  EXPECT_THAT(leaf.dns_names, ElementsAre("example.com", "www.example.com"));
  EXPECT_THAT(leaf.ip_addresses, ElementsAre("192.0.2.10"));
  OpensslScratchDir::Result serial = dir.Openssl("x509 -in leaf.pem -noout -serial");
  EXPECT_EQ(absl::AsciiStrToLower(serial.output), "serial=" + leaf.serial_number + "\n");
}

TEST(IssueCertificateTest, LeafWithAnRsaKeyCarriesCertManagersExtensions) {
  const TestPki pki;  // the leaf key is RSA
  X509Ptr leaf = ToX509(Parse(pki.leaf_pem));
  X509Ptr intermediate = ToX509(Parse(pki.intermediate_pem));
  ASSERT_TRUE(leaf && intermediate);
  const uint32_t flags = X509_get_extension_flags(leaf.get());
  EXPECT_EQ(flags & EXFLAG_CA, 0u);
  EXPECT_TRUE(IsCritical(leaf.get(), NID_basic_constraints));
  EXPECT_EQ(X509_get_key_usage(leaf.get()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
  EXPECT_TRUE(IsCritical(leaf.get(), NID_key_usage));
  EXPECT_EQ(X509_get_extended_key_usage(leaf.get()),
            static_cast<uint32_t>(XKU_SSL_SERVER | XKU_SSL_CLIENT));
  EXPECT_FALSE(IsCritical(leaf.get(), NID_ext_key_usage));
  EXPECT_FALSE(IsCritical(leaf.get(), NID_subject_alt_name));                // the subject has a CN
  EXPECT_EQ(OctetString(X509_get0_subject_key_id(leaf.get())).size(), 20u);  // SHA-1
  EXPECT_EQ(OctetString(X509_get0_authority_key_id(leaf.get())),
            OctetString(X509_get0_subject_key_id(intermediate.get())));
  EXPECT_NE(OctetString(X509_get0_subject_key_id(leaf.get())),
            OctetString(X509_get0_subject_key_id(intermediate.get())));
  EXPECT_EQ(X509_get_version(leaf.get()), X509_VERSION_3);
}

TEST(IssueCertificateTest, LeafWithAnEcdsaKeyIsNotForKeyEncipherment) {
  const PrivateKey key = GenerateKey(testing::kP256);
  X509Ptr leaf =
      ToX509(Parse(IssueCertificate(LeafRequest(key, kNames), Signer::SelfSigned(key)).value()));
  ASSERT_TRUE(leaf);
  EXPECT_EQ(X509_get_key_usage(leaf.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE));
}

TEST(IssueCertificateTest, CaCertificateMaySignCertificatesAndCrlsOnly) {
  const TestPki pki;
  X509Ptr root = ToX509(Parse(pki.root_pem));
  ASSERT_TRUE(root);
  EXPECT_NE(X509_get_extension_flags(root.get()) & EXFLAG_CA, 0u);
  EXPECT_TRUE(IsCritical(root.get(), NID_basic_constraints));
  EXPECT_EQ(X509_get_key_usage(root.get()),
            static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_FALSE(HasExtension(root.get(), NID_ext_key_usage));
  EXPECT_FALSE(HasExtension(root.get(), NID_subject_alt_name));
  // Self-signed: it identifies its own key as the authority's.
  EXPECT_EQ(OctetString(X509_get0_authority_key_id(root.get())),
            OctetString(X509_get0_subject_key_id(root.get())));
  EXPECT_TRUE(Parse(pki.root_pem).is_ca);
}

TEST(IssueCertificateTest, MarksAlternativeNamesCriticalWhenTheSubjectIsEmpty) {
  const PrivateKey key = GenerateKey(testing::kP256);
  const std::string pem =
      IssueCertificate(LeafRequest(key, {.dns_names = {"example.com"}}), Signer::SelfSigned(key))
          .value();
  X509Ptr leaf = ToX509(Parse(pem));
  ASSERT_TRUE(leaf);
  EXPECT_TRUE(IsCritical(leaf.get(), NID_subject_alt_name));
  EXPECT_EQ(X509_NAME_entry_count(X509_get_subject_name(leaf.get())), 0);
  OpensslScratchDir dir;
  dir.Write("cert.pem", pem);
  OpensslScratchDir::Result verified =
      dir.Openssl("verify" + kAtTime + "-CAfile cert.pem -verify_hostname example.com cert.pem");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
}

struct SerialCase {
  const char* name;
  const char* requested;
  const char* reported;  // CertificateInfo::serial_number; openssl shows it in upper case
};

void PrintTo(const SerialCase& row, std::ostream* os) { *os << row.name; }

class GivenSerialTest : public ::testing::TestWithParam<SerialCase> {};

TEST_P(GivenSerialTest, ReportsItAsOpensslShowsIt) {
  const PrivateKey key = GenerateKey(testing::kP256);
  IssueRequest request = LeafRequest(key, kNames);
  request.serial_number = GetParam().requested;
  absl::StatusOr<std::string> pem = IssueCertificate(request, Signer::SelfSigned(key));
  ASSERT_TRUE(pem.ok()) << pem.status();
  EXPECT_EQ(Parse(*pem).serial_number, GetParam().reported);
  OpensslScratchDir dir;
  dir.Write("cert.pem", *pem);
  EXPECT_EQ(dir.Openssl("x509 -in cert.pem -noout -serial").output,
            "serial=" + absl::AsciiStrToUpper(GetParam().reported) + "\n");
}

INSTANTIATE_TEST_SUITE_P(
    Table, GivenSerialTest,
    ::testing::Values(SerialCase{"UpperCase", "0A1B2C", "0a1b2c"},
                      SerialCase{"OddDigitCount", "abc", "0abc"},
                      SerialCase{"LeadingZeroOctets", "0000ff", "ff"},
                      SerialCase{"TopBitSet", "80", "80"}, SerialCase{"One", "1", "01"},
                      SerialCase{"TwentyOctets", "7fffffffffffffffffffffffffffffffffffffff",
                                 "7fffffffffffffffffffffffffffffffffffffff"}),
    [](const ::testing::TestParamInfo<SerialCase>& info) { return info.param.name; });

TEST(IssueCertificateTest, DrawsADifferentRandomSerialOfAtMost128BitsEachTime) {
  const PrivateKey key = GenerateKey(testing::kP256);
  const std::string first =
      Parse(IssueCertificate(LeafRequest(key, kNames), Signer::SelfSigned(key)).value())
          .serial_number;
  const std::string second =
      Parse(IssueCertificate(LeafRequest(key, kNames), Signer::SelfSigned(key)).value())
          .serial_number;
  EXPECT_NE(first, second);
  EXPECT_LE(first.size(), 32u);
  EXPECT_LE(second.size(), 32u);
}

TEST(IssueCertificateTest, KeepsTheRequestedValidityToTheSecond) {
  using std::chrono::milliseconds;
  const PrivateKey key = GenerateKey(testing::kP256);
  // 2051 is past UTCTime's range, so notAfter is written as GeneralizedTime.
  const testing::TimePoint far_future =
      testing::TimePoint(std::chrono::sys_days(std::chrono::year(2051) / 6 / 30)) +
      std::chrono::hours(23) + std::chrono::minutes(59) + std::chrono::seconds(59);
  IssueRequest request = LeafRequest(key, kNames);
  request.not_before = kNotBefore + milliseconds(1500);
  request.not_after = far_future + milliseconds(999);
  const CertificateInfo info = Parse(IssueCertificate(request, Signer::SelfSigned(key)).value());
  EXPECT_EQ(info.not_before, kNotBefore + std::chrono::seconds(1));
  EXPECT_EQ(info.not_after, far_future);
}

TEST(IssueCertificateTest, NeverOutlivesTheSigningCa) {
  const TestPki pki;
  const CertificateInfo ca = Parse(pki.intermediate_pem);
  IssueRequest request = LeafRequest(pki.leaf_key, kNames);
  request.not_after = ca.not_after + std::chrono::hours(24 * 365);
  const CertificateInfo leaf = Parse(
      IssueCertificate(request, Signer::Ca(pki.intermediate_key, pki.intermediate_pem)).value());
  EXPECT_EQ(leaf.not_after, ca.not_after);
}

TEST(IssueCertificateTest, CertifiesTheKeyOfACsr) {
  const PrivateKey key = GenerateKey(testing::kRsa2048);
  const PrivateKey ca_key = GenerateKey(testing::kP256);
  const std::string ca_pem =
      IssueCertificate(testing::CaRequest(ca_key, "CA"), Signer::SelfSigned(ca_key)).value();
  IssueRequest request = LeafRequest(key, kNames);
  request.subject_public_key_der = CsrPublicKeyDer(BuildCsr(key, kNames).value().der).value();
  const CertificateInfo leaf = Parse(IssueCertificate(request, Signer::Ca(ca_key, ca_pem)).value());
  EXPECT_TRUE(PublicKeyMatches(leaf, key));
  EXPECT_FALSE(PublicKeyMatches(leaf, ca_key));
}

TEST(IssueCertificateTest, SignsWithACaTheOpensslToolMade) {
  OpensslScratchDir dir;
  OpensslScratchDir::Result made = dir.Openssl(
      "req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -subj /CN=Tool-CA "
      "-days 36500 -addext basicConstraints=critical,CA:TRUE "
      "-addext keyUsage=critical,keyCertSign,cRLSign");
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const PrivateKey ca_key = PrivateKey::ParsePem(dir.Read("ca.key")).value();
  const PrivateKey key = GenerateKey(testing::kP256);
  // The tool's CA starts now; the leaf must too.
  IssueRequest request = LeafRequest(key, kNames);
  request.not_before = Parse(dir.Read("ca.pem")).not_before;
  request.not_after = request.not_before + std::chrono::hours(24 * 90);
  absl::StatusOr<std::string> leaf =
      IssueCertificate(request, Signer::Ca(ca_key, dir.Read("ca.pem")));
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  dir.Write("leaf.pem", *leaf);
  OpensslScratchDir::Result verified =
      dir.Openssl("verify -CAfile ca.pem -purpose sslserver -verify_hostname example.com leaf.pem");
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_EQ(Parse(*leaf).issuer_common_name, "Tool-CA");
}

void ExpectRefused(const absl::StatusOr<std::string>& issued, absl::StatusCode code,
                   const std::string& message) {
  ASSERT_FALSE(issued.ok());
  EXPECT_EQ(issued.status().code(), code) << issued.status();
  EXPECT_THAT(std::string(issued.status().message()), HasSubstr(message));
}

TEST(IssueCertificateTest, RefusesToSignWithACertificateThatIsNotACa) {
  const TestPki pki;
  const PrivateKey key = GenerateKey(testing::kP256);
  ExpectRefused(IssueCertificate(LeafRequest(key, kNames), Signer::Ca(pki.leaf_key, pki.leaf_pem)),
                absl::StatusCode::kFailedPrecondition, "is not a CA");
}

TEST(IssueCertificateTest, RefusesACaKeyThatDoesNotMatchTheCaCertificate) {
  const TestPki pki;
  const PrivateKey key = GenerateKey(testing::kP256);
  ExpectRefused(
      IssueCertificate(LeafRequest(key, kNames), Signer::Ca(pki.root_key, pki.intermediate_pem)),
      absl::StatusCode::kFailedPrecondition, "does not match the CA private key");
}

TEST(IssueCertificateTest, RefusesACaWhoseKeyUsageForbidsCertificateSigning) {
  OpensslScratchDir dir;
  ASSERT_EQ(dir.Openssl("req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes "
                        "-keyout ca.key -out ca.pem -subj /CN=NoSigning -days 36500 "
                        "-addext basicConstraints=critical,CA:TRUE "
                        "-addext keyUsage=critical,digitalSignature")
                .exit_code,
            0);
  const PrivateKey ca_key = PrivateKey::ParsePem(dir.Read("ca.key")).value();
  const PrivateKey key = GenerateKey(testing::kP256);
  IssueRequest request = LeafRequest(key, kNames);
  request.not_before = Parse(dir.Read("ca.pem")).not_before;
  request.not_after = request.not_before + std::chrono::hours(1);
  ExpectRefused(IssueCertificate(request, Signer::Ca(ca_key, dir.Read("ca.pem"))),
                absl::StatusCode::kFailedPrecondition, "keyCertSign");
}

TEST(IssueCertificateTest, RefusesACaThatExpiresBeforeTheCertificateStarts) {
  const TestPki pki;
  IssueRequest request = LeafRequest(pki.leaf_key, kNames);
  request.not_before = testing::kCaNotAfter;
  request.not_after = testing::kCaNotAfter + std::chrono::hours(24);
  ExpectRefused(IssueCertificate(request, Signer::Ca(pki.root_key, pki.root_pem)),
                absl::StatusCode::kFailedPrecondition, "expires before");
}

TEST(IssueCertificateTest, RefusesADamagedOrMissingCaCertificate) {
  const PrivateKey key = GenerateKey(testing::kP256);
  for (const char* pem : {"no PEM here", ""}) {
    ExpectRefused(IssueCertificate(LeafRequest(key, kNames), Signer::Ca(key, pem)),
                  absl::StatusCode::kFailedPrecondition, "CA certificate: no PEM CERTIFICATE");
  }
}

TEST(IssueCertificateTest, RefusesASelfSignedCertificateForAnotherKey) {
  const PrivateKey key = GenerateKey(testing::kP256);
  const PrivateKey other = GenerateKey(testing::kP256);
  ExpectRefused(IssueCertificate(LeafRequest(other, kNames), Signer::SelfSigned(key)),
                absl::StatusCode::kInvalidArgument, "self-signed");
}

TEST(IssueCertificateTest, RefusesAnEmptyOrBackwardsValidity) {
  const PrivateKey key = GenerateKey(testing::kP256);
  IssueRequest request = LeafRequest(key, kNames);
  request.not_after = request.not_before;
  ExpectRefused(IssueCertificate(request, Signer::SelfSigned(key)),
                absl::StatusCode::kInvalidArgument, "notAfter");
  request.not_after = request.not_before - std::chrono::hours(1);
  ExpectRefused(IssueCertificate(request, Signer::SelfSigned(key)),
                absl::StatusCode::kInvalidArgument, "notAfter");
}

TEST(IssueCertificateTest, RefusesBadSerialNumbersNamingThem) {
  const PrivateKey key = GenerateKey(testing::kP256);
  for (const std::string& serial : std::vector<std::string>{
           "xyz", "0", "000", "-1", "0x10", "ff ff", std::string(42, 'f'),
           "ff" + std::string(38, '0')}) {  // 21 octets once DER adds its sign octet
    IssueRequest request = LeafRequest(key, kNames);
    request.serial_number = serial;
    SCOPED_TRACE(serial);
    ExpectRefused(IssueCertificate(request, Signer::SelfSigned(key)),
                  absl::StatusCode::kInvalidArgument, "\"" + serial + "\"");
  }
}

TEST(IssueCertificateTest, RefusesAMalformedSubjectKeyOrName) {
  const PrivateKey key = GenerateKey(testing::kP256);
  IssueRequest request = LeafRequest(key, kNames);
  request.subject_public_key_der = "not a key";
  ExpectRefused(IssueCertificate(request, Signer::SelfSigned(key)),
                absl::StatusCode::kInvalidArgument, "subject public key");
  request = LeafRequest(key, {.dns_names = {"bad name"}});
  ExpectRefused(IssueCertificate(request, Signer::SelfSigned(key)),
                absl::StatusCode::kInvalidArgument, "\"bad name\"");
}

}  // namespace
}  // namespace upkeep::crypto
