#include "apiserver/tls/tls_credentials.h"

#include <stdlib.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace upkeep::apiserver {
namespace {

using std::chrono::hours;
using std::chrono::system_clock;
constexpr hours kDay{24};

struct X509Free {
  void operator()(X509* p) const { X509_free(p); }
};
struct PkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using X509Ptr = std::unique_ptr<X509, X509Free>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, PkeyFree>;

X509Ptr Cert(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509Ptr cert{PEM_read_bio_X509(bio, nullptr, nullptr, nullptr)};
  BIO_free(bio);
  return cert;
}

PkeyPtr Key(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  PkeyPtr key{PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)};
  BIO_free(bio);
  return key;
}

// What a TLS client does: build a chain to the CA and check it for server use.
int VerifyServerCert(X509* server, X509* ca) {
  X509_STORE* store = X509_STORE_new();
  X509_STORE_add_cert(store, ca);
  X509_STORE_CTX* ctx = X509_STORE_CTX_new();
  X509_STORE_CTX_init(ctx, store, server, nullptr);
  X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
  int ok = X509_verify_cert(ctx);
  int error = X509_STORE_CTX_get_error(ctx);
  X509_STORE_CTX_free(ctx);
  X509_STORE_free(store);
  return ok == 1 ? X509_V_OK : error;
}

std::string CommonName(X509* cert) {
  char buf[256] = {};
  X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof(buf));
  return buf;
}

// Whole days from now until the certificate expires.
int DaysLeft(X509* cert) {
  int days = 0, seconds = 0;
  ASN1_TIME_diff(&days, &seconds, nullptr, X509_get0_notAfter(cert));
  return days;
}

bool IsLowercaseHex(const std::string& s) {
  return s.find_first_not_of("0123456789abcdef") == std::string::npos;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

mode_t PermissionBits(const std::filesystem::path& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return 0;
  return st.st_mode & 07777;
}

void ExpectFilesHold(const std::filesystem::path& dir, const TlsCredentials& creds) {
  EXPECT_EQ(ReadFile(dir / "ca.crt"), creds.ca_cert_pem);
  EXPECT_EQ(ReadFile(dir / "ca.key"), creds.ca_key_pem);
  EXPECT_EQ(ReadFile(dir / "server.crt"), creds.server_cert_pem);
  EXPECT_EQ(ReadFile(dir / "server.key"), creds.server_key_pem);
  EXPECT_EQ(ReadFile(dir / "token"), creds.bearer_token);
}

class ScopedTempDir {
 public:
  ScopedTempDir() {
    std::string pattern = ::testing::TempDir() + "tls_credentials_test.XXXXXX";
    path_ = ::mkdtemp(pattern.data());
  }
  ~ScopedTempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

constexpr const char* kAllFiles[] = {"ca.crt", "ca.key", "server.crt", "server.key", "token"};

TEST(TlsCredentialsTest, ServerCertVerifiesAgainstCaForTlsServerUse) {
  absl::StatusOr<TlsCredentials> creds = GenerateTlsCredentials({});
  ASSERT_TRUE(creds.ok()) << creds.status();
  X509Ptr ca = Cert(creds->ca_cert_pem);
  X509Ptr server = Cert(creds->server_cert_pem);
  ASSERT_TRUE(ca && server);
  EXPECT_EQ(VerifyServerCert(server.get(), ca.get()), X509_V_OK);

  // The check can fail: a server certificate from another generation has a different CA.
  absl::StatusOr<TlsCredentials> other = GenerateTlsCredentials({});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_NE(VerifyServerCert(Cert(other->server_cert_pem).get(), ca.get()), X509_V_OK);
}

TEST(TlsCredentialsTest, ServerCertNamesLoopbackAndExtraSans) {
  absl::StatusOr<TlsCredentials> creds =
      GenerateTlsCredentials({"upkeep.example.internal", "10.1.2.3", "fd00::7"});
  ASSERT_TRUE(creds.ok()) << creds.status();
  X509Ptr server = Cert(creds->server_cert_pem);
  ASSERT_TRUE(server);
  EXPECT_EQ(X509_check_host(server.get(), "localhost", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "::1", 0), 1);
  EXPECT_EQ(X509_check_host(server.get(), "upkeep.example.internal", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "10.1.2.3", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "fd00::7", 0), 1);
  EXPECT_EQ(X509_check_host(server.get(), "elsewhere.example", 0, 0, nullptr), 0);
  EXPECT_EQ(X509_check_ip_asc(server.get(), "10.1.2.4", 0), 0);
}

TEST(TlsCredentialsTest, KeysMatchTheirCertificates) {
  absl::StatusOr<TlsCredentials> creds = GenerateTlsCredentials({});
  ASSERT_TRUE(creds.ok()) << creds.status();
  X509Ptr ca = Cert(creds->ca_cert_pem);
  X509Ptr server = Cert(creds->server_cert_pem);
  PkeyPtr ca_key = Key(creds->ca_key_pem);
  PkeyPtr server_key = Key(creds->server_key_pem);
  ASSERT_TRUE(ca && server && ca_key && server_key);
  EXPECT_EQ(X509_check_private_key(ca.get(), ca_key.get()), 1);
  EXPECT_EQ(X509_check_private_key(server.get(), server_key.get()), 1);
  EXPECT_NE(X509_check_private_key(server.get(), ca_key.get()), 1);
}

TEST(TlsCredentialsTest, CertificatesHaveTheDocumentedProfile) {
  absl::StatusOr<TlsCredentials> creds = GenerateTlsCredentials({});
  ASSERT_TRUE(creds.ok()) << creds.status();
  X509Ptr ca = Cert(creds->ca_cert_pem);
  X509Ptr server = Cert(creds->server_cert_pem);
  ASSERT_TRUE(ca && server);

  EXPECT_EQ(CommonName(ca.get()), "upkeep-apiserver-ca");
  EXPECT_EQ(X509_check_ca(ca.get()), 1);
  EXPECT_EQ(X509_get_extension_flags(ca.get()) & EXFLAG_CRITICAL, 0u);  // all are understood
  int critical = -1;
  BASIC_CONSTRAINTS* bc = static_cast<BASIC_CONSTRAINTS*>(
      X509_get_ext_d2i(ca.get(), NID_basic_constraints, &critical, nullptr));
  ASSERT_NE(bc, nullptr);
  EXPECT_TRUE(bc->ca);
  EXPECT_EQ(critical, 1);
  BASIC_CONSTRAINTS_free(bc);
  EXPECT_EQ(X509_get_key_usage(ca.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
  EXPECT_NEAR(DaysLeft(ca.get()), 3650, 1);

  EXPECT_EQ(CommonName(server.get()), "upkeep-apiserver");
  EXPECT_EQ(X509_check_ca(server.get()), 0);
  EXPECT_TRUE(X509_get_extended_key_usage(server.get()) & XKU_SSL_SERVER);
  EXPECT_NEAR(DaysLeft(server.get()), 365, 1);

  for (X509* cert : {ca.get(), server.get()}) {
    EVP_PKEY* key = X509_get0_pubkey(cert);
    ASSERT_NE(key, nullptr);
    EXPECT_EQ(EVP_PKEY_get_base_id(key), EVP_PKEY_EC);
    char curve[64] = {};
    EVP_PKEY_get_utf8_string_param(key, "group", curve, sizeof(curve), nullptr);
    EXPECT_STREQ(curve, "prime256v1");
  }
}

TEST(TlsCredentialsTest, TokenIsSixtyFourHexCharsAndDiffersBetweenGenerations) {
  absl::StatusOr<TlsCredentials> first = GenerateTlsCredentials({});
  absl::StatusOr<TlsCredentials> second = GenerateTlsCredentials({});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(first->bearer_token.size(), 64u);
  EXPECT_TRUE(IsLowercaseHex(first->bearer_token)) << first->bearer_token;
  EXPECT_NE(first->bearer_token, second->bearer_token);
  EXPECT_NE(first->ca_cert_pem, second->ca_cert_pem);
}

TEST(TlsCredentialsTest, RejectsMalformedExtraSanNamingIt) {
  for (const char* bad : {"", "has space.example", "a..b", "comma,separated"}) {
    absl::StatusOr<TlsCredentials> creds = GenerateTlsCredentials({bad});
    ASSERT_FALSE(creds.ok()) << "accepted \"" << bad << "\"";
    EXPECT_EQ(creds.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(creds.status().message().find(std::string("\"") + bad + "\""), std::string::npos)
        << creds.status();
  }
}

TEST(TlsCredentialsTest, LoadOrCreateWritesOwnerOnlyFilesThatMatchTheResult) {
  ScopedTempDir tmp;
  const std::filesystem::path dir = tmp.path() / "data" / "tls";
  absl::StatusOr<TlsCredentials> creds = LoadOrCreateTlsCredentials(dir.string(), {});
  ASSERT_TRUE(creds.ok()) << creds.status();
  EXPECT_EQ(PermissionBits(dir), 0700u);
  for (const char* file : kAllFiles) {
    EXPECT_EQ(PermissionBits(dir / file), 0600u) << file;
  }
  ExpectFilesHold(dir, *creds);
  EXPECT_FALSE(std::filesystem::exists(dir / "token.tmp"));
}

TEST(TlsCredentialsTest, LoadOrCreateReusesExistingFilesOnSecondCall) {
  ScopedTempDir tmp;
  absl::StatusOr<TlsCredentials> first =
      LoadOrCreateTlsCredentials(tmp.path().string(), {"10.0.0.5"});
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<TlsCredentials> second =
      LoadOrCreateTlsCredentials(tmp.path().string(), {"10.0.0.5"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->ca_cert_pem, first->ca_cert_pem);
  EXPECT_EQ(second->ca_key_pem, first->ca_key_pem);
  EXPECT_EQ(second->server_cert_pem, first->server_cert_pem);
  EXPECT_EQ(second->server_key_pem, first->server_key_pem);
  EXPECT_EQ(second->bearer_token, first->bearer_token);
}

struct MissingFileCase {
  const char* name;
  const char* file;
  bool ca_kept;
  bool server_kept;
  bool token_kept;
};

TEST(TlsCredentialsTest, LoadOrCreateReplacesWhatIsMissingOrDamaged) {
  const MissingFileCase kCases[] = {
      // A new CA invalidates the server certificate it did not sign.
      {"missing server cert", "server.crt", /*ca_kept=*/true, /*server_kept=*/false, true},
      {"missing server key", "server.key", true, false, true},
      {"missing CA key", "ca.key", false, false, true},
      {"missing CA cert", "ca.crt", false, false, true},
      {"missing token", "token", true, true, false},
  };
  for (const MissingFileCase& c : kCases) {
    SCOPED_TRACE(c.name);
    ScopedTempDir tmp;
    absl::StatusOr<TlsCredentials> first = LoadOrCreateTlsCredentials(tmp.path().string(), {});
    ASSERT_TRUE(first.ok()) << first.status();
    ASSERT_TRUE(std::filesystem::remove(tmp.path() / c.file));

    absl::StatusOr<TlsCredentials> second = LoadOrCreateTlsCredentials(tmp.path().string(), {});
    ASSERT_TRUE(second.ok()) << second.status();
    EXPECT_EQ(second->ca_cert_pem == first->ca_cert_pem, c.ca_kept);
    EXPECT_EQ(second->bearer_token == first->bearer_token, c.token_kept);
    EXPECT_EQ(second->server_cert_pem == first->server_cert_pem, c.server_kept);
    EXPECT_EQ(
        VerifyServerCert(Cert(second->server_cert_pem).get(), Cert(second->ca_cert_pem).get()),
        X509_V_OK);
    for (const char* file : kAllFiles) {
      EXPECT_EQ(PermissionBits(tmp.path() / file), 0600u) << file;
    }
    ExpectFilesHold(tmp.path(), *second);
  }
}

TEST(TlsCredentialsTest, LoadOrCreateReplacesGarbageServerCert) {
  ScopedTempDir tmp;
  absl::StatusOr<TlsCredentials> first = LoadOrCreateTlsCredentials(tmp.path().string(), {});
  ASSERT_TRUE(first.ok()) << first.status();
  std::ofstream(tmp.path() / "server.crt") << "not a certificate";
  absl::StatusOr<TlsCredentials> second = LoadOrCreateTlsCredentials(tmp.path().string(), {});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->ca_cert_pem, first->ca_cert_pem);
  ASSERT_TRUE(Cert(second->server_cert_pem));
  EXPECT_EQ(ReadFile(tmp.path() / "server.crt"), second->server_cert_pem);
}

TEST(TlsCredentialsTest, LoadOrCreateReissuesExpiringServerCertButKeepsCaAndToken) {
  ScopedTempDir tmp;
  const auto now = system_clock::now();
  // Made 340 days ago, the server certificate has 25 days left: inside the 30-day window.
  absl::StatusOr<TlsCredentials> old =
      LoadOrCreateTlsCredentials(tmp.path().string(), {}, now - 340 * kDay);
  ASSERT_TRUE(old.ok()) << old.status();
  ASSERT_LT(DaysLeft(Cert(old->server_cert_pem).get()), 30);

  absl::StatusOr<TlsCredentials> renewed = LoadOrCreateTlsCredentials(tmp.path().string(), {});
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_NE(renewed->server_cert_pem, old->server_cert_pem);
  EXPECT_NEAR(DaysLeft(Cert(renewed->server_cert_pem).get()), 365, 1);
  EXPECT_EQ(renewed->ca_cert_pem, old->ca_cert_pem);
  EXPECT_EQ(renewed->bearer_token, old->bearer_token);
  EXPECT_EQ(ReadFile(tmp.path() / "server.crt"), renewed->server_cert_pem);

  // 300 days ago leaves 65 days, which is kept.
  ScopedTempDir tmp2;
  absl::StatusOr<TlsCredentials> younger =
      LoadOrCreateTlsCredentials(tmp2.path().string(), {}, now - 300 * kDay);
  ASSERT_TRUE(younger.ok()) << younger.status();
  absl::StatusOr<TlsCredentials> kept = LoadOrCreateTlsCredentials(tmp2.path().string(), {});
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(kept->server_cert_pem, younger->server_cert_pem);
}

TEST(TlsCredentialsTest, LoadOrCreateReplacesExpiringCaAndEverythingItSigned) {
  ScopedTempDir tmp;
  // A CA made 3640 days ago has 10 days of its 3650 left.
  absl::StatusOr<TlsCredentials> old =
      LoadOrCreateTlsCredentials(tmp.path().string(), {}, system_clock::now() - 3640 * kDay);
  ASSERT_TRUE(old.ok()) << old.status();
  absl::StatusOr<TlsCredentials> renewed = LoadOrCreateTlsCredentials(tmp.path().string(), {});
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_NE(renewed->ca_cert_pem, old->ca_cert_pem);
  EXPECT_NEAR(DaysLeft(Cert(renewed->ca_cert_pem).get()), 3650, 1);
  EXPECT_EQ(
      VerifyServerCert(Cert(renewed->server_cert_pem).get(), Cert(renewed->ca_cert_pem).get()),
      X509_V_OK);
}

TEST(TlsCredentialsTest, LoadOrCreateReissuesServerCertWhenExtraSansAreAdded) {
  ScopedTempDir tmp;
  absl::StatusOr<TlsCredentials> first = LoadOrCreateTlsCredentials(tmp.path().string(), {});
  ASSERT_TRUE(first.ok()) << first.status();
  absl::StatusOr<TlsCredentials> second =
      LoadOrCreateTlsCredentials(tmp.path().string(), {"api.upkeep.test"});
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->ca_cert_pem, first->ca_cert_pem);
  EXPECT_EQ(second->bearer_token, first->bearer_token);
  EXPECT_EQ(X509_check_host(Cert(second->server_cert_pem).get(), "api.upkeep.test", 0, 0, nullptr),
            1);
}

TEST(TlsCredentialsTest, OpensslCliVerifiesWrittenServerCert) {
  if (!std::filesystem::exists("/usr/bin/openssl")) GTEST_SKIP() << "no /usr/bin/openssl";
  ScopedTempDir tmp;
  absl::StatusOr<TlsCredentials> creds =
      LoadOrCreateTlsCredentials(tmp.path().string(), {"10.9.8.7"});
  ASSERT_TRUE(creds.ok()) << creds.status();
  const std::string ca = (tmp.path() / "ca.crt").string();
  const std::string server = (tmp.path() / "server.crt").string();
  EXPECT_EQ(std::system(("/usr/bin/openssl verify -CAfile '" + ca + "' '" + server + "'").c_str()),
            0);
  EXPECT_EQ(std::system(("/usr/bin/openssl verify -purpose sslserver -verify_hostname localhost "
                         "-verify_ip 10.9.8.7 -CAfile '" +
                         ca + "' '" + server + "'")
                            .c_str()),
            0);
  // And it rejects a name the certificate does not carry, so the checks above mean something.
  EXPECT_NE(std::system(("/usr/bin/openssl verify -verify_hostname elsewhere.example -CAfile '" +
                         ca + "' '" + server + "' >/dev/null 2>&1")
                            .c_str()),
            0);
}

TEST(TlsCredentialsTest, Base64EncodeMatchesRfc4648Vectors) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foob"), "Zm9vYg==");
  EXPECT_EQ(Base64Encode("fooba"), "Zm9vYmE=");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(Base64Encode(std::string("\xfb\xff\x00", 3)), "+/8A");
}

TEST(TlsCredentialsTest, Base64OfCaPemHasNoLineBreaksAndDecodesBack) {
  absl::StatusOr<TlsCredentials> creds = GenerateTlsCredentials({});
  ASSERT_TRUE(creds.ok()) << creds.status();
  std::string encoded = Base64Encode(creds->ca_cert_pem);
  EXPECT_EQ(encoded.find('\n'), std::string::npos);
  std::string decoded(encoded.size(), '\0');
  EVP_ENCODE_CTX* ctx = EVP_ENCODE_CTX_new();
  EVP_DecodeInit(ctx);
  int n = 0, tail = 0;
  ASSERT_GE(EVP_DecodeUpdate(ctx, reinterpret_cast<unsigned char*>(decoded.data()), &n,
                             reinterpret_cast<const unsigned char*>(encoded.data()),
                             static_cast<int>(encoded.size())),
            0);
  EVP_DecodeFinal(ctx, reinterpret_cast<unsigned char*>(decoded.data()) + n, &tail);
  EVP_ENCODE_CTX_free(ctx);
  decoded.resize(n + tail);
  EXPECT_EQ(decoded, creds->ca_cert_pem);
}

}  // namespace
}  // namespace upkeep::apiserver
