#include "acme/renewal_cert_id.h"

#include <gtest/gtest.h>
#include <openssl/asn1.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace upkeep::acme {
namespace {

// RFC 9773 §4.1's example: keyIdentifier 69:88:5B:6B:87:46:40:41:E1:B3:7B:84:7B:A0:AE:2C:
// DE:01:C8:D4 and serial 0x87654321, whose DER content gains a leading zero.
const std::string kExampleKeyId(
    "\x69\x88\x5B\x6B\x87\x46\x40\x41\xE1\xB3\x7B\x84\x7B\xA0\xAE"
    "\x2C\xDE\x01\xC8\xD4",
    20);
constexpr char kExampleCertId[] = "aYhba4dGQEHhs3uEe6CuLN4ByNQ.AIdlQyE";

TEST(RenewalCertIdTest, MatchesTheRfc9773ExampleFromParts) {
  EXPECT_EQ(RenewalCertIdFromParts(kExampleKeyId, std::string("\x00\x87\x65\x43\x21", 5)),
            kExampleCertId);
}

// A self-signed certificate with the example's serial and authority key identifier.
std::string ExampleCertificateDer(bool with_aki) {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256");
  X509* cert = X509_new();
  X509_set_version(cert, 2);
  BIGNUM* serial = BN_new();
  BN_set_word(serial, 0x87654321);
  BN_to_ASN1_INTEGER(serial, X509_get_serialNumber(cert));
  BN_free(serial);
  X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("ari.test"), -1, -1, 0);
  X509_set_issuer_name(cert, X509_get_subject_name(cert));
  X509_gmtime_adj(X509_getm_notBefore(cert), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert), 3600);
  X509_set_pubkey(cert, key);
  if (with_aki) {
    AUTHORITY_KEYID* akid = AUTHORITY_KEYID_new();
    akid->keyid = ASN1_OCTET_STRING_new();
    ASN1_OCTET_STRING_set(akid->keyid, reinterpret_cast<const unsigned char*>(kExampleKeyId.data()),
                          static_cast<int>(kExampleKeyId.size()));
    X509_add1_ext_i2d(cert, NID_authority_key_identifier, akid, 0, X509V3_ADD_DEFAULT);
    AUTHORITY_KEYID_free(akid);
  }
  X509_sign(cert, key, EVP_sha256());
  unsigned char* der = nullptr;
  int len = i2d_X509(cert, &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  X509_free(cert);
  EVP_PKEY_free(key);
  return out;
}

TEST(RenewalCertIdTest, ReadsTheIdentifierFromACertificate) {
  auto id = RenewalCertId(ExampleCertificateDer(true));
  ASSERT_TRUE(id.ok()) << id.status();
  EXPECT_EQ(*id, kExampleCertId);
}

TEST(RenewalCertIdTest, NeedsAnAuthorityKeyIdentifier) {
  auto id = RenewalCertId(ExampleCertificateDer(false));
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RenewalCertId("not DER").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace upkeep::acme
