#include "apiserver/tls/tls_credentials.h"

#include <fcntl.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <utility>

#include <absl/status/status.h>
#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace upkeep::apiserver {
namespace {

constexpr char kCaCommonName[] = "upkeep-apiserver-ca";
constexpr char kServerCommonName[] = "upkeep-apiserver";
constexpr int kCaLifetimeDays = 3650;
constexpr int kServerLifetimeDays = 365;
// Certificates start an hour in the past so a client whose clock runs a little behind the
// server's does not reject a certificate made a moment ago.
constexpr long kBackdateSeconds = 3600;
constexpr int kTokenBytes = 32;

constexpr char kCaCertFile[] = "ca.crt";
constexpr char kCaKeyFile[] = "ca.key";
constexpr char kServerCertFile[] = "server.crt";
constexpr char kServerKeyFile[] = "server.key";
constexpr char kTokenFile[] = "token";

template <typename T, void (*Free)(T*)>
struct OpenSslDeleter {
  void operator()(T* p) const { Free(p); }
};
using X509Ptr = std::unique_ptr<X509, OpenSslDeleter<X509, X509_free>>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslDeleter<EVP_PKEY, EVP_PKEY_free>>;
using BioPtr = std::unique_ptr<BIO, OpenSslDeleter<BIO, BIO_free_all>>;
using BignumPtr = std::unique_ptr<BIGNUM, OpenSslDeleter<BIGNUM, BN_free>>;
using ExtensionPtr =
    std::unique_ptr<X509_EXTENSION, OpenSslDeleter<X509_EXTENSION, X509_EXTENSION_free>>;
using GeneralNamesPtr =
    std::unique_ptr<GENERAL_NAMES, OpenSslDeleter<GENERAL_NAMES, GENERAL_NAMES_free>>;
using OctetStringPtr =
    std::unique_ptr<ASN1_OCTET_STRING, OpenSslDeleter<ASN1_OCTET_STRING, ASN1_OCTET_STRING_free>>;
using StorePtr = std::unique_ptr<X509_STORE, OpenSslDeleter<X509_STORE, X509_STORE_free>>;
using StoreCtxPtr =
    std::unique_ptr<X509_STORE_CTX, OpenSslDeleter<X509_STORE_CTX, X509_STORE_CTX_free>>;

// Drains OpenSSL's thread-local error queue into the message, so the next failure does not
// report this one's leftovers.
absl::Status OpenSslError(std::string_view what) {
  std::string message(what);
  bool first = true;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof(buf));
    message += first ? ": " : "; ";
    message += buf;
    first = false;
  }
  return absl::InternalError(message);
}

// A subjectAltName entry; IP addresses are kept in their binary form so "::1" and
// "0:0:0:0:0:0:0:1" compare equal.
struct SubjectAltName {
  bool is_ip = false;
  std::string text;      // as given
  std::string ip_bytes;  // 4 or 16 bytes when is_ip
};

bool IsValidDnsName(std::string_view name) {
  if (name.size() > 253) return false;
  // A leading "*." wildcard is allowed so a server behind *.example.internal can be named.
  if (name.substr(0, 2) == "*.") name.remove_prefix(2);
  if (name.empty() || name.front() == '.' || name.back() == '.') return false;
  char previous = 0;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '.' || c == '_';
    if (!ok || (c == '.' && previous == '.')) return false;
    previous = c;
  }
  return true;
}

absl::StatusOr<std::vector<SubjectAltName>> RequiredSubjectAltNames(
    const std::vector<std::string>& extra_sans) {
  std::vector<std::string> all = {"localhost", "127.0.0.1", "::1"};
  all.insert(all.end(), extra_sans.begin(), extra_sans.end());
  std::vector<SubjectAltName> names;
  for (const std::string& text : all) {
    SubjectAltName name;
    name.text = text;
    if (OctetStringPtr ip{a2i_IPADDRESS(text.c_str())}) {
      name.is_ip = true;
      name.ip_bytes.assign(reinterpret_cast<const char*>(ASN1_STRING_get0_data(ip.get())),
                           ASN1_STRING_length(ip.get()));
    } else {
      ERR_clear_error();  // a2i_IPADDRESS failing just means "not an IP address"
      if (!IsValidDnsName(text)) {
        return absl::InvalidArgumentError("TLS subject alternative name \"" + text +
                                          "\" is neither an IP address nor a DNS name");
      }
    }
    bool duplicate = false;
    for (const SubjectAltName& seen : names) {
      duplicate |= seen.is_ip == name.is_ip &&
                   (name.is_ip ? seen.ip_bytes == name.ip_bytes
                               : strcasecmp(seen.text.c_str(), name.text.c_str()) == 0);
    }
    if (!duplicate) names.push_back(std::move(name));
  }
  return names;
}

absl::StatusOr<PkeyPtr> GenerateP256Key() {
  PkeyPtr key{EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256")};
  if (!key) return OpenSslError("generating ECDSA P-256 key");
  return key;
}

absl::StatusOr<std::string> RandomHex(int bytes) {
  std::string raw(bytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), bytes) != 1) {
    return OpenSslError("RAND_bytes for bearer token");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(raw.size() * 2);
  for (unsigned char c : raw) {
    hex.push_back(kHex[c >> 4]);
    hex.push_back(kHex[c & 0xf]);
  }
  return hex;
}

absl::Status AddExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  ExtensionPtr ext{X509V3_EXT_conf_nid(nullptr, ctx, nid, value)};
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpenSslError(std::string("adding certificate extension ") + OBJ_nid2sn(nid) + "=" +
                        value);
  }
  return absl::OkStatus();
}

absl::Status AddSubjectAltNames(X509* cert, const std::vector<SubjectAltName>& sans) {
  GeneralNamesPtr names{sk_GENERAL_NAME_new_null()};
  if (!names) return OpenSslError("allocating subjectAltName");
  for (const SubjectAltName& san : sans) {
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (name == nullptr) return OpenSslError("allocating subjectAltName entry");
    ASN1_STRING* value = ASN1_STRING_type_new(san.is_ip ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING);
    const std::string& bytes = san.is_ip ? san.ip_bytes : san.text;
    if (value == nullptr || ASN1_STRING_set(value, bytes.data(), bytes.size()) != 1) {
      ASN1_STRING_free(value);
      GENERAL_NAME_free(name);
      return OpenSslError("encoding subjectAltName " + san.text);
    }
    GENERAL_NAME_set0_value(name, san.is_ip ? GEN_IPADD : GEN_DNS, value);
    if (sk_GENERAL_NAME_push(names.get(), name) == 0) {
      GENERAL_NAME_free(name);
      return OpenSslError("adding subjectAltName " + san.text);
    }
  }
  if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
    return OpenSslError("adding subjectAltName extension");
  }
  return absl::OkStatus();
}

// Fills in what every certificate here shares: v3, a random serial, subject, validity and key.
absl::StatusOr<X509Ptr> NewCertificate(const char* common_name, EVP_PKEY* key, time_t now,
                                       int lifetime_days) {
  X509Ptr cert{X509_new()};
  if (!cert) return OpenSslError("allocating certificate");
  // RFC 5280 asks for unique, positive serials of at most 20 bytes; 159 random bits with the
  // top one set are all three.
  BignumPtr serial{BN_new()};
  if (!serial || BN_rand(serial.get(), 159, BN_RAND_TOP_ONE, BN_RAND_BOTTOM_ANY) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr) {
    return OpenSslError("setting certificate serial number");
  }
  X509_NAME* subject = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>(common_name), -1, -1,
                                 0) != 1 ||
      X509_time_adj_ex(X509_getm_notBefore(cert.get()), 0, -kBackdateSeconds, &now) == nullptr ||
      X509_time_adj_ex(X509_getm_notAfter(cert.get()), lifetime_days, 0, &now) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1) {
    return OpenSslError(std::string("filling in certificate for ") + common_name);
  }
  return cert;
}

absl::Status Sign(X509* cert, EVP_PKEY* issuer_key, const char* common_name) {
  if (X509_sign(cert, issuer_key, EVP_sha256()) == 0) {
    return OpenSslError(std::string("signing certificate for ") + common_name);
  }
  return absl::OkStatus();
}

absl::StatusOr<X509Ptr> CreateCaCertificate(EVP_PKEY* ca_key, time_t now) {
  absl::StatusOr<X509Ptr> ca = NewCertificate(kCaCommonName, ca_key, now, kCaLifetimeDays);
  if (!ca.ok()) return ca.status();
  X509* cert = ca->get();
  if (X509_set_issuer_name(cert, X509_get_subject_name(cert)) != 1) {
    return OpenSslError("setting CA issuer name");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  for (auto [nid, value] : {std::pair{NID_basic_constraints, "critical,CA:TRUE"},
                            std::pair{NID_key_usage, "critical,keyCertSign,cRLSign"},
                            std::pair{NID_subject_key_identifier, "hash"}}) {
    if (absl::Status s = AddExtension(cert, &ctx, nid, value); !s.ok()) return s;
  }
  if (absl::Status s = Sign(cert, ca_key, kCaCommonName); !s.ok()) return s;
  return ca;
}

absl::StatusOr<X509Ptr> IssueServerCertificate(X509* ca, EVP_PKEY* ca_key, EVP_PKEY* server_key,
                                               const std::vector<SubjectAltName>& sans,
                                               time_t now) {
  absl::StatusOr<X509Ptr> server =
      NewCertificate(kServerCommonName, server_key, now, kServerLifetimeDays);
  if (!server.ok()) return server.status();
  X509* cert = server->get();
  if (X509_set_issuer_name(cert, X509_get_subject_name(ca)) != 1) {
    return OpenSslError("setting server certificate issuer name");
  }
  // A certificate outliving its issuer would fail verification after the CA expires anyway;
  // capping it makes the renewal check on the server certificate also catch an ageing CA.
  if (ASN1_TIME_compare(X509_get0_notAfter(cert), X509_get0_notAfter(ca)) > 0 &&
      X509_set1_notAfter(cert, X509_get0_notAfter(ca)) != 1) {
    return OpenSslError("capping server certificate validity at the CA's");
  }
  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, ca, cert, nullptr, nullptr, 0);
  for (auto [nid, value] :
       {std::pair{NID_basic_constraints, "critical,CA:FALSE"},
        // ECDSA TLS server keys only ever sign the handshake.
        std::pair{NID_key_usage, "critical,digitalSignature"},
        std::pair{NID_ext_key_usage, "serverAuth"}, std::pair{NID_subject_key_identifier, "hash"},
        std::pair{NID_authority_key_identifier, "keyid:always"}}) {
    if (absl::Status s = AddExtension(cert, &ctx, nid, value); !s.ok()) return s;
  }
  if (absl::Status s = AddSubjectAltNames(cert, sans); !s.ok()) return s;
  if (absl::Status s = Sign(cert, ca_key, kServerCommonName); !s.ok()) return s;
  return server;
}

absl::StatusOr<std::string> CertificateToPem(X509* cert) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
    return OpenSslError("encoding certificate as PEM");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size);
}

absl::StatusOr<std::string> PrivateKeyToPem(EVP_PKEY* key) {
  BioPtr bio{BIO_new(BIO_s_mem())};
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpenSslError("encoding private key as PEM");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, size);
}

// Never prompts: without this callback OpenSSL would ask on the terminal for the passphrase
// of an encrypted key.
int RefusePassphrase(char*, int, int, void*) { return 0; }

X509Ptr ParseCertificate(const std::string& pem) {
  BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  X509Ptr cert{bio ? PEM_read_bio_X509(bio.get(), nullptr, RefusePassphrase, nullptr) : nullptr};
  ERR_clear_error();  // a damaged file is replaced, not reported
  return cert;
}

PkeyPtr ParsePrivateKey(const std::string& pem) {
  BioPtr bio{BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()))};
  PkeyPtr key{bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, RefusePassphrase, nullptr)
                  : nullptr};
  ERR_clear_error();
  return key;
}

bool StaysValidFor(X509* cert, time_t now, std::chrono::seconds margin) {
  time_t deadline = now + static_cast<time_t>(margin.count());
  // X509_cmp_time returns 0 on a malformed time, which also counts as "not valid".
  return X509_cmp_time(X509_get0_notAfter(cert), &deadline) > 0;
}

bool VerifiesForTlsServer(X509* server, X509* ca, time_t now) {
  StorePtr store{X509_STORE_new()};
  StoreCtxPtr ctx{X509_STORE_CTX_new()};
  bool ok = store && ctx && X509_STORE_add_cert(store.get(), ca) == 1 &&
            X509_STORE_CTX_init(ctx.get(), store.get(), server, nullptr) == 1 &&
            X509_STORE_CTX_set_purpose(ctx.get(), X509_PURPOSE_SSL_SERVER) == 1;
  if (ok) {
    X509_VERIFY_PARAM_set_time(X509_STORE_CTX_get0_param(ctx.get()), now);
    ok = X509_verify_cert(ctx.get()) == 1;
  }
  ERR_clear_error();
  return ok;
}

bool NamesAllSubjectAltNames(X509* cert, const std::vector<SubjectAltName>& required) {
  GeneralNamesPtr present{
      static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr))};
  if (!present) return false;
  for (const SubjectAltName& want : required) {
    bool found = false;
    for (int i = 0; i < sk_GENERAL_NAME_num(present.get()) && !found; ++i) {
      const GENERAL_NAME* name = sk_GENERAL_NAME_value(present.get(), i);
      if (want.is_ip && name->type == GEN_IPADD) {
        found = std::string_view(
                    reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.iPAddress)),
                    ASN1_STRING_length(name->d.iPAddress)) == want.ip_bytes;
      } else if (!want.is_ip && name->type == GEN_DNS) {
        std::string dns(reinterpret_cast<const char*>(ASN1_STRING_get0_data(name->d.dNSName)),
                        ASN1_STRING_length(name->d.dNSName));
        found = strcasecmp(dns.c_str(), want.text.c_str()) == 0;
      }
    }
    if (!found) return false;
  }
  return true;
}

bool IsHexToken(std::string_view token) {
  if (token.size() != static_cast<size_t>(kTokenBytes * 2)) return false;
  for (char c : token) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> ReadFileIfPresent(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return contents.str();
}

absl::Status ErrnoError(const std::string& what, const std::filesystem::path& path) {
  return absl::InternalError(what + " " + path.string() + ": " + std::strerror(errno));
}

// Writes through a temporary file and rename so a crash leaves either the old or the new
// file, never a truncated one. The five files are not replaced as one unit; a set left mixed
// by a crash fails the checks on the next load and is repaired there.
absl::Status WritePrivateFile(const std::filesystem::path& path, const std::string& contents) {
  std::filesystem::path tmp = path;
  tmp += ".tmp";
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoError("creating", tmp);
  // open() only applies the mode to a new file; a leftover temporary keeps its old one.
  bool ok = ::fchmod(fd, 0600) == 0;
  for (size_t written = 0; ok && written < contents.size();) {
    ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  if (!ok) {
    absl::Status status = ErrnoError("writing", tmp);
    ::close(fd);
    ::unlink(tmp.c_str());
    return status;
  }
  if (::close(fd) != 0) return ErrnoError("closing", tmp);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return ErrnoError("renaming into place", path);
  return absl::OkStatus();
}

absl::Status PrepareDirectory(const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) {
    return absl::InternalError("creating TLS credentials directory " + dir.string() + ": " +
                               ec.message());
  }
  if (::chmod(dir.c_str(), 0700) != 0) return ErrnoError("restricting to 0700", dir);
  return absl::OkStatus();
}

struct KeyPair {
  X509Ptr cert;
  PkeyPtr key;
};

absl::StatusOr<KeyPair> CreateCa(time_t now) {
  absl::StatusOr<PkeyPtr> key = GenerateP256Key();
  if (!key.ok()) return key.status();
  absl::StatusOr<X509Ptr> cert = CreateCaCertificate(key->get(), now);
  if (!cert.ok()) return cert.status();
  return KeyPair{std::move(*cert), std::move(*key)};
}

absl::StatusOr<KeyPair> CreateServer(const KeyPair& ca, const std::vector<SubjectAltName>& sans,
                                     time_t now) {
  absl::StatusOr<PkeyPtr> key = GenerateP256Key();
  if (!key.ok()) return key.status();
  absl::StatusOr<X509Ptr> cert =
      IssueServerCertificate(ca.cert.get(), ca.key.get(), key->get(), sans, now);
  if (!cert.ok()) return cert.status();
  return KeyPair{std::move(*cert), std::move(*key)};
}

absl::Status EncodePair(const KeyPair& pair, std::string* cert_pem, std::string* key_pem) {
  absl::StatusOr<std::string> cert = CertificateToPem(pair.cert.get());
  if (!cert.ok()) return cert.status();
  absl::StatusOr<std::string> key = PrivateKeyToPem(pair.key.get());
  if (!key.ok()) return key.status();
  *cert_pem = std::move(*cert);
  *key_pem = std::move(*key);
  return absl::OkStatus();
}

// Parses a stored pair; empty when either file is absent, damaged or the key does not match.
std::optional<KeyPair> LoadPair(const std::filesystem::path& dir, const char* cert_file,
                                const char* key_file, std::string* cert_pem, std::string* key_pem) {
  std::optional<std::string> cert_text = ReadFileIfPresent(dir / cert_file);
  std::optional<std::string> key_text = ReadFileIfPresent(dir / key_file);
  if (!cert_text || !key_text) return std::nullopt;
  KeyPair pair{ParseCertificate(*cert_text), ParsePrivateKey(*key_text)};
  if (!pair.cert || !pair.key || X509_check_private_key(pair.cert.get(), pair.key.get()) != 1) {
    ERR_clear_error();
    return std::nullopt;
  }
  *cert_pem = std::move(*cert_text);
  *key_pem = std::move(*key_text);
  return pair;
}

}  // namespace

absl::StatusOr<TlsCredentials> GenerateTlsCredentials(const std::vector<std::string>& extra_sans) {
  return GenerateTlsCredentials(extra_sans, std::chrono::system_clock::now());
}

absl::StatusOr<TlsCredentials> GenerateTlsCredentials(const std::vector<std::string>& extra_sans,
                                                      std::chrono::system_clock::time_point now) {
  absl::StatusOr<std::vector<SubjectAltName>> sans = RequiredSubjectAltNames(extra_sans);
  if (!sans.ok()) return sans.status();
  const time_t now_t = std::chrono::system_clock::to_time_t(now);
  absl::StatusOr<KeyPair> ca = CreateCa(now_t);
  if (!ca.ok()) return ca.status();
  absl::StatusOr<KeyPair> server = CreateServer(*ca, *sans, now_t);
  if (!server.ok()) return server.status();
  TlsCredentials credentials;
  if (absl::Status s = EncodePair(*ca, &credentials.ca_cert_pem, &credentials.ca_key_pem);
      !s.ok()) {
    return s;
  }
  if (absl::Status s =
          EncodePair(*server, &credentials.server_cert_pem, &credentials.server_key_pem);
      !s.ok()) {
    return s;
  }
  absl::StatusOr<std::string> token = RandomHex(kTokenBytes);
  if (!token.ok()) return token.status();
  credentials.bearer_token = std::move(*token);
  return credentials;
}

absl::StatusOr<TlsCredentials> LoadOrCreateTlsCredentials(
    const std::string& dir, const std::vector<std::string>& extra_sans) {
  return LoadOrCreateTlsCredentials(dir, extra_sans, std::chrono::system_clock::now());
}

absl::StatusOr<TlsCredentials> LoadOrCreateTlsCredentials(
    const std::string& dir, const std::vector<std::string>& extra_sans,
    std::chrono::system_clock::time_point now) {
  if (dir.empty()) {
    return absl::InvalidArgumentError("TLS credentials directory must not be empty");
  }
  absl::StatusOr<std::vector<SubjectAltName>> sans = RequiredSubjectAltNames(extra_sans);
  if (!sans.ok()) return sans.status();
  const std::filesystem::path root(dir);
  if (absl::Status s = PrepareDirectory(root); !s.ok()) return s;
  const time_t now_t = std::chrono::system_clock::to_time_t(now);
  TlsCredentials credentials;
  bool changed = false;

  std::optional<KeyPair> ca =
      LoadPair(root, kCaCertFile, kCaKeyFile, &credentials.ca_cert_pem, &credentials.ca_key_pem);
  if (ca && (X509_check_ca(ca->cert.get()) != 1 ||
             !StaysValidFor(ca->cert.get(), now_t, kTlsRenewBefore))) {
    ca.reset();
  }
  if (!ca) {
    absl::StatusOr<KeyPair> created = CreateCa(now_t);
    if (!created.ok()) return created.status();
    ca = std::move(*created);
    if (absl::Status s = EncodePair(*ca, &credentials.ca_cert_pem, &credentials.ca_key_pem);
        !s.ok()) {
      return s;
    }
    changed = true;
  }

  std::optional<KeyPair> server =
      LoadPair(root, kServerCertFile, kServerKeyFile, &credentials.server_cert_pem,
               &credentials.server_key_pem);
  if (server && (!VerifiesForTlsServer(server->cert.get(), ca->cert.get(), now_t) ||
                 !StaysValidFor(server->cert.get(), now_t, kTlsRenewBefore) ||
                 !NamesAllSubjectAltNames(server->cert.get(), *sans))) {
    server.reset();
  }
  if (!server) {
    absl::StatusOr<KeyPair> created = CreateServer(*ca, *sans, now_t);
    if (!created.ok()) return created.status();
    if (absl::Status s =
            EncodePair(*created, &credentials.server_cert_pem, &credentials.server_key_pem);
        !s.ok()) {
      return s;
    }
    changed = true;
  }

  std::optional<std::string> token = ReadFileIfPresent(root / kTokenFile);
  while (token && !token->empty() && (token->back() == '\n' || token->back() == '\r')) {
    token->pop_back();
  }
  if (token && IsHexToken(*token)) {
    credentials.bearer_token = std::move(*token);
  } else {
    absl::StatusOr<std::string> created = RandomHex(kTokenBytes);
    if (!created.ok()) return created.status();
    credentials.bearer_token = std::move(*created);
    changed = true;
  }

  if (changed) {
    for (auto [file, contents] : {std::pair{kCaCertFile, &credentials.ca_cert_pem},
                                  std::pair{kCaKeyFile, &credentials.ca_key_pem},
                                  std::pair{kServerCertFile, &credentials.server_cert_pem},
                                  std::pair{kServerKeyFile, &credentials.server_key_pem},
                                  std::pair{kTokenFile, &credentials.bearer_token}}) {
      if (absl::Status s = WritePrivateFile(root / file, *contents); !s.ok()) return s;
    }
  }
  return credentials;
}


}  // namespace upkeep::apiserver
