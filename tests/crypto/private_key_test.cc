#include "crypto/private_key.h"

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

struct KeyCase {
  const char* name;
  KeySpec spec;
  const char* pkcs1_label;  // nullptr: the algorithm has no PKCS#1/SEC 1 form
};

void PrintTo(const KeyCase& row, std::ostream* os) { *os << row.name; }

class PrivateKeyRoundTripTest : public ::testing::TestWithParam<KeyCase> {};

TEST_P(PrivateKeyRoundTripTest, GeneratesAndRoundTripsThroughPemInEveryEncoding) {
  const KeyCase& row = GetParam();
  absl::StatusOr<PrivateKey> key = PrivateKey::Generate(row.spec);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->spec(), row.spec);

  std::vector<std::pair<KeyEncoding, std::string>> encodings = {
      {KeyEncoding::kPkcs8, "-----BEGIN PRIVATE KEY-----\n"}};
  if (row.pkcs1_label != nullptr) {
    encodings.emplace_back(KeyEncoding::kPkcs1,
                           std::string("-----BEGIN ") + row.pkcs1_label + "-----\n");
  }
  OpensslScratchDir dir;
  for (const auto& [encoding, first_line] : encodings) {
    SCOPED_TRACE(first_line);
    absl::StatusOr<std::string> pem = key->ToPem(encoding);
    ASSERT_TRUE(pem.ok()) << pem.status();
    EXPECT_THAT(*pem, StartsWith(first_line));

    absl::StatusOr<PrivateKey> parsed = PrivateKey::ParsePem(*pem);
    ASSERT_TRUE(parsed.ok()) << parsed.status();
    EXPECT_EQ(parsed->spec(), row.spec);
    EXPECT_EQ(parsed->public_key_der(), key->public_key_der());
    // Writing it again gives the same text: nothing was lost on the way.
    EXPECT_EQ(parsed->ToPem(encoding).value(), *pem);

    // The real tool reads the file and derives the same public key from it.
    dir.Write("key.pem", *pem);
    OpensslScratchDir::Result check = dir.Openssl("pkey -in key.pem -noout");
    EXPECT_EQ(check.exit_code, 0) << check.output;
    OpensslScratchDir::Result public_key =
        dir.Openssl("pkey -in key.pem -pubout -outform DER -out public.der");
    ASSERT_EQ(public_key.exit_code, 0) << public_key.output;
    EXPECT_EQ(dir.Read("public.der"), key->public_key_der());
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, PrivateKeyRoundTripTest,
    ::testing::Values(KeyCase{"Rsa2048", {KeyAlgorithm::kRsa, 2048}, "RSA PRIVATE KEY"},
                      KeyCase{"Rsa3072", {KeyAlgorithm::kRsa, 3072}, "RSA PRIVATE KEY"},
                      KeyCase{"Rsa4096", {KeyAlgorithm::kRsa, 4096}, "RSA PRIVATE KEY"},
                      KeyCase{"EcdsaP256", {KeyAlgorithm::kEcdsa, 256}, "EC PRIVATE KEY"},
                      KeyCase{"EcdsaP384", {KeyAlgorithm::kEcdsa, 384}, "EC PRIVATE KEY"},
                      KeyCase{"EcdsaP521", {KeyAlgorithm::kEcdsa, 521}, "EC PRIVATE KEY"},
                      KeyCase{"Ed25519", {KeyAlgorithm::kEd25519, 0}, nullptr}),
    [](const ::testing::TestParamInfo<KeyCase>& info) { return info.param.name; });

TEST(PrivateKeyTest, GeneratesADifferentKeyEachTime) {
  EXPECT_NE(testing::GenerateKey(testing::kP256).public_key_der(),
            testing::GenerateKey(testing::kP256).public_key_der());
}

TEST(PrivateKeyTest, RefusesSizesTheAlgorithmDoesNotHave) {
  for (const KeySpec& spec :
       {KeySpec{KeyAlgorithm::kRsa, 1024}, KeySpec{KeyAlgorithm::kRsa, 256},
        KeySpec{KeyAlgorithm::kEcdsa, 2048}, KeySpec{KeyAlgorithm::kEcdsa, 224},
        KeySpec{KeyAlgorithm::kEd25519, 256}}) {
    absl::StatusOr<PrivateKey> key = PrivateKey::Generate(spec);
    ASSERT_FALSE(key.ok()) << KeyAlgorithmName(spec.algorithm) << " " << spec.size;
    EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(key.status().message()), HasSubstr(std::to_string(spec.size)));
  }
}

TEST(PrivateKeyTest, Ed25519HasNoPkcs1Encoding) {
  absl::StatusOr<std::string> pem =
      testing::GenerateKey(testing::kEd25519).ToPem(KeyEncoding::kPkcs1);
  ASSERT_FALSE(pem.ok());
  EXPECT_EQ(pem.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(pem.status().message()), HasSubstr("PKCS8"));
}

TEST(PrivateKeyTest, MovedKeyKeepsWorking) {
  PrivateKey original = testing::GenerateKey(testing::kP256);
  const std::string public_key = original.public_key_der();
  PrivateKey moved(std::move(original));
  EXPECT_EQ(moved.public_key_der(), public_key);
  PrivateKey assigned = testing::GenerateKey(testing::kEd25519);
  assigned = std::move(moved);
  EXPECT_EQ(assigned.public_key_der(), public_key);
  EXPECT_TRUE(assigned.ToPem(KeyEncoding::kPkcs8).ok());
}

struct ToolKeyCase {
  const char* name;
  const char* command;  // writes key.pem
  const char* first_line;
  KeySpec spec;
};

void PrintTo(const ToolKeyCase& row, std::ostream* os) { *os << row.name; }

class ParseToolKeyTest : public ::testing::TestWithParam<ToolKeyCase> {};

TEST_P(ParseToolKeyTest, ReadsKeysTheOpensslToolWrites) {
  OpensslScratchDir dir;
  OpensslScratchDir::Result made = dir.Openssl(GetParam().command);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  const std::string pem = dir.Read("key.pem");
  ASSERT_THAT(pem, StartsWith(GetParam().first_line));

  absl::StatusOr<PrivateKey> key = PrivateKey::ParsePem(pem);
  ASSERT_TRUE(key.ok()) << key.status();
  EXPECT_EQ(key->spec(), GetParam().spec);
  ASSERT_EQ(dir.Openssl("pkey -in key.pem -pubout -outform DER -out public.der").exit_code, 0);
  EXPECT_EQ(key->public_key_der(), dir.Read("public.der"));
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseToolKeyTest,
    ::testing::Values(
        ToolKeyCase{"RsaPkcs1",
                    "genrsa -traditional -out key.pem 2048",
                    "-----BEGIN RSA PRIVATE KEY-----",
                    {KeyAlgorithm::kRsa, 2048}},
        ToolKeyCase{"RsaPkcs8",
                    "genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:3072 -out key.pem",
                    "-----BEGIN PRIVATE KEY-----",
                    {KeyAlgorithm::kRsa, 3072}},
        // ecparam -genkey writes an "EC PARAMETERS" block before the key.
        ToolKeyCase{"EcSec1WithParameters",
                    "ecparam -name secp384r1 -genkey -out key.pem",
                    "-----BEGIN EC PARAMETERS-----",
                    {KeyAlgorithm::kEcdsa, 384}},
        ToolKeyCase{"EcPkcs8",
                    "genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem",
                    "-----BEGIN PRIVATE KEY-----",
                    {KeyAlgorithm::kEcdsa, 256}},
        ToolKeyCase{"Ed25519Pkcs8",
                    "genpkey -algorithm ED25519 -out key.pem",
                    "-----BEGIN PRIVATE KEY-----",
                    {KeyAlgorithm::kEd25519, 0}}),
    [](const ::testing::TestParamInfo<ToolKeyCase>& info) { return info.param.name; });

// The base64 body of the first PEM block of `pem`, which an error must never repeat.
std::string PemBody(const std::string& pem) {
  const size_t start = pem.find('\n') + 1;
  return pem.substr(start, pem.find("-----END") - start);
}

struct WrongPemCase {
  const char* name;
  std::string pem;
  const char* message;  // a part of the expected error
};

void PrintTo(const WrongPemCase& row, std::ostream* os) { *os << row.name; }

std::vector<WrongPemCase> WrongPemCases() {
  const std::string pkcs8 = testing::GenerateKey(testing::kP256).ToPem(KeyEncoding::kPkcs8).value();
  const std::string sec1 = testing::GenerateKey(testing::kP256).ToPem(KeyEncoding::kPkcs1).value();
  std::string bad_base64 = pkcs8;
  bad_base64[40] = '!';
  std::string mislabelled = sec1;  // an EC key under an RSA label
  mislabelled.replace(mislabelled.find("EC PRIVATE KEY"), 14, "RSA PRIVATE KEY");
  mislabelled.replace(mislabelled.rfind("EC PRIVATE KEY"), 14, "RSA PRIVATE KEY");
  std::string encrypted = pkcs8;
  encrypted.replace(encrypted.find("PRIVATE KEY"), 11, "ENCRYPTED PRIVATE KEY");
  encrypted.replace(encrypted.rfind("PRIVATE KEY"), 11, "ENCRYPTED PRIVATE KEY");
  std::string truncated = pkcs8.substr(0, pkcs8.size() / 2);
  return {
      {"Empty", "", "no PEM private key block found"},
      {"NotPem", "this is not a key", "no PEM private key block found"},
      {"Certificate", "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
       "found CERTIFICATE"},
      {"PublicKey", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n",
       "found PUBLIC KEY"},
      {"DamagedBase64", bad_base64, "PEM block 1 is damaged"},
      {"Truncated", truncated, "PEM block 1 is damaged"},
      {"MislabelledAlgorithm", mislabelled,
       "RSA PRIVATE KEY block is damaged or holds another kind of key"},
      {"Encrypted", encrypted, "encrypted private keys are not supported"},
      {"TwoKeys", pkcs8 + sec1, "more than one private key"},
  };
}

class ParseWrongPemTest : public ::testing::TestWithParam<WrongPemCase> {};

TEST_P(ParseWrongPemTest, SaysWhatIsWrongWithoutQuotingTheKey) {
  absl::StatusOr<PrivateKey> key = PrivateKey::ParsePem(GetParam().pem);
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(key.status().message()), HasSubstr(GetParam().message));
  if (GetParam().pem.size() > 100) {
    EXPECT_THAT(std::string(key.status().message()),
                Not(HasSubstr(PemBody(GetParam().pem).substr(0, 16))));
  }
}

INSTANTIATE_TEST_SUITE_P(Table, ParseWrongPemTest, ::testing::ValuesIn(WrongPemCases()),
                         [](const ::testing::TestParamInfo<WrongPemCase>& info) {
                           return info.param.name;
                         });

TEST(ParsePemTest, RefusesCurvesOutsideTheSpec) {
  OpensslScratchDir dir;
  ASSERT_EQ(dir.Openssl("genpkey -algorithm EC -pkeyopt ec_paramgen_curve:secp256k1 -out key.pem")
                .exit_code,
            0);
  absl::StatusOr<PrivateKey> key = PrivateKey::ParsePem(dir.Read("key.pem"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(key.status().message()), HasSubstr("secp256k1"));
}

TEST(ParsePemTest, RefusesAlgorithmsOutsideTheSpec) {
  OpensslScratchDir dir;
  ASSERT_EQ(dir.Openssl("genpkey -algorithm ED448 -out key.pem").exit_code, 0);
  absl::StatusOr<PrivateKey> key = PrivateKey::ParsePem(dir.Read("key.pem"));
  ASSERT_FALSE(key.ok());
  EXPECT_EQ(key.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(key.status().message()), HasSubstr("ED448"));
}

}  // namespace
}  // namespace upkeep::crypto
