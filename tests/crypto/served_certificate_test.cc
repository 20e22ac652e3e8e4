// FetchServedCertificatePem against a real TLS server (`openssl s_server`): the certificate
// read is the one served, SNI picks the certificate, and failures say what went wrong.
#include "crypto/served_certificate.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "crypto/certificate_info.h"
#include "tests/crypto/test_pki.h"
#include "tests/support/free_port.h"
#include "tests/support/tls_server_process.h"

namespace upkeep::crypto {
namespace {

using namespace std::chrono_literals;
using testing::GenerateKey;
using testing::kP256;
using testing::LeafRequest;

struct Served {
  std::string cert_pem;
  std::string key_pem;
  std::string serial;
};

Served SelfSignedFor(const std::string& name) {
  PrivateKey key = GenerateKey(kP256);
  SubjectNames names;
  names.dns_names = {name};
  std::string pem = IssueCertificate(LeafRequest(key, names), Signer::SelfSigned(key)).value();
  return {pem, key.ToPem(KeyEncoding::kPkcs8).value(),
          ParseCertificateChainPem(pem).value().front().serial_number};
}

std::string SerialOf(const absl::StatusOr<std::string>& pem) {
  if (!pem.ok()) return "error: " + pem.status().ToString();
  auto chain = ParseCertificateChainPem(*pem);
  return chain.ok() ? chain->front().serial_number : "unparsable";
}

std::unique_ptr<::upkeep::testing::TlsServerProcess> Serve(const Served& cert,
                                                           const Served* sni = nullptr,
                                                           const std::string& sni_name = "") {
  ::upkeep::testing::TlsServerOptions options;
  options.cert_pem = cert.cert_pem;
  options.key_pem = cert.key_pem;
  if (sni != nullptr) {
    options.sni_name = sni_name;
    options.sni_cert_pem = sni->cert_pem;
    options.sni_key_pem = sni->key_pem;
  }
  auto server = ::upkeep::testing::TlsServerProcess::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

TEST(ServedCertificateTest, ReadsTheCertificateTheServerPresents) {
  Served site = SelfSignedFor("example.test");
  auto server = Serve(site);
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(SerialOf(FetchServedCertificatePem(server->address(), "example.test", 5s)),
            site.serial)
      << server->LogTail();
}

TEST(ServedCertificateTest, SendsTheServerNameSoSniPicksTheCertificate) {
  Served fallback = SelfSignedFor("fallback.test");
  Served www = SelfSignedFor("www.example.test");
  auto server = Serve(fallback, &www, "www.example.test");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(SerialOf(FetchServedCertificatePem(server->address(), "www.example.test", 5s)),
            www.serial);
  EXPECT_EQ(SerialOf(FetchServedCertificatePem(server->address(), "other.test", 5s)),
            fallback.serial);
  // An IP address is never sent as SNI (RFC 6066): the default certificate.
  EXPECT_EQ(SerialOf(FetchServedCertificatePem(server->address(), "127.0.0.1", 5s)),
            fallback.serial);
}

TEST(ServedCertificateTest, RefusedConnectionIsUnavailableNamingTheAddress) {
  std::string address = "127.0.0.1:" + std::to_string(::upkeep::testing::PickFreePort());
  auto served = FetchServedCertificatePem(address, "example.test", 5s);
  ASSERT_EQ(served.status().code(), absl::StatusCode::kUnavailable) << served.status();
  EXPECT_NE(served.status().message().find(address), std::string::npos) << served.status();
}

TEST(ServedCertificateTest, ServerThatNeverAnswersTimesOut) {
  // Listening, never accepting: the connection completes, the handshake never does.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  ASSERT_EQ(::listen(fd, 4), 0);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  std::string address = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
  auto served = FetchServedCertificatePem(address, "example.test", 300ms);
  ::close(fd);
  EXPECT_EQ(served.status().code(), absl::StatusCode::kDeadlineExceeded) << served.status();
}

TEST(ServedCertificateTest, MalformedAddressIsInvalidArgument) {
  for (const char* address : {"example.test", "example.test:", ":443", "::1:443", "[::1:443",
                              "example.test:https"}) {
    EXPECT_EQ(FetchServedCertificatePem(address, "", 1s).status().code(),
              absl::StatusCode::kInvalidArgument)
        << address;
  }
}

}  // namespace
}  // namespace upkeep::crypto
