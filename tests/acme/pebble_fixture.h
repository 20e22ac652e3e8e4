// PebbleFixture: a real pebble (tests/support/pebble_process.h) validating HTTP-01 against an
// Http01Solver in this process, with an AcmeClient trusting pebble's listener, plus the
// openssl command-line steps the tests use to make CSRs and check certificates the way an
// operator would. For the integration tests of acme/; main thread only.
#pragma once

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <stdlib.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "acme/acme_client.h"
#include "acme/http01_solver.h"
#include "acme/obtain_certificate.h"
#include "controller/clock/clock.h"
#include "tests/support/pebble_process.h"

namespace upkeep::acme {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

// Runs a shell command, bounded by coreutils' timeout.
inline CommandResult RunShell(const std::string& command) {
  CommandResult result;
  std::string bounded = "timeout 30 " + command + " 2>&1";
  FILE* pipe = popen(bounded.c_str(), "r");
  if (pipe == nullptr) return result;
  char buf[4096];
  size_t n = 0;
  while ((n = fread(buf, 1, sizeof(buf), pipe)) > 0) result.output.append(buf, n);
  int status = pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

inline std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

inline void WriteFileBytes(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// The PEM certificates of a chain, in order.
inline std::vector<std::string> SplitPemChain(const std::string& chain) {
  std::vector<std::string> certs;
  const std::string end = "-----END CERTIFICATE-----";
  size_t pos = 0;
  while (true) {
    size_t begin = chain.find("-----BEGIN CERTIFICATE-----", pos);
    if (begin == std::string::npos) break;
    size_t stop = chain.find(end, begin);
    if (stop == std::string::npos) break;
    certs.push_back(chain.substr(begin, stop + end.size() - begin) + "\n");
    pos = stop + end.size();
  }
  return certs;
}

inline std::string PemToDer(const std::string& pem) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), &BIO_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), &X509_free);
  if (cert == nullptr) return "";
  unsigned char* der = nullptr;
  int len = i2d_X509(cert.get(), &der);
  std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(len));
  OPENSSL_free(der);
  return out;
}

class PebbleFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = std::filesystem::temp_directory_path().string() + "/upkeep-acme-XXXXXX";
    ASSERT_NE(mkdtemp(base.data()), nullptr);
    dir_ = base;
  }

  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  // The solver on a free port, then pebble validating against it.
  void StartPebble(testing::PebbleOptions options = {}) {
    auto solver = Http01Solver::Start("127.0.0.1", 0);
    ASSERT_TRUE(solver.ok()) << solver.status();
    solver_ = std::move(*solver);
    options.http_port = solver_->port();
    auto pebble = testing::PebbleProcess::Start(options);
    ASSERT_TRUE(pebble.ok()) << pebble.status();
    pebble_ = std::move(*pebble);
  }

  // `max_bad_nonce_retries`: a test that makes pebble reject half the nonces needs more than
  // the default 5 (0.5^6 per request fails one run in a few over a whole issuance).
  std::unique_ptr<AcmeClient> NewClient(
      std::function<void(const AcmeExchange&)> on_exchange = nullptr,
      int max_bad_nonce_retries = 5) {
    AcmeClientOptions options;
    options.max_bad_nonce_retries = max_bad_nonce_retries;
    options.on_exchange = std::move(on_exchange);
    options.directory_url = pebble_->directory_url();
    options.ca_bundle_pem = pebble_->tls_ca_pem();
    options.user_agent = "upkeep-acme-test";
    options.request_timeout = std::chrono::seconds(10);
    auto client = AcmeClient::Create(options, clock_);
    EXPECT_TRUE(client.ok()) << client.status();
    return client.ok() ? std::move(*client) : nullptr;
  }

  // A CSR (DER) for the names, with a new P-256 key, made by the openssl CLI.
  std::string MakeCsr(const std::vector<std::string>& dns_names,
                      const std::vector<std::string>& ip_addresses = {}) {
    std::string san;
    for (const auto& n : dns_names) san += (san.empty() ? "" : ",") + std::string("DNS:") + n;
    for (const auto& ip : ip_addresses) san += (san.empty() ? "" : ",") + std::string("IP:") + ip;
    std::string cn = dns_names.empty() ? ip_addresses.front() : dns_names.front();
    std::string csr = dir_ + "/csr-" + std::to_string(++files_) + ".der";
    CommandResult r = RunShell(
        "openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 "
        "-nodes -keyout " +
        dir_ + "/key-" + std::to_string(files_) + ".pem -outform DER -out " + csr +
        " -subj /CN=" + cn + " -addext subjectAltName=" + san);
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return ReadFileBytes(csr);
  }

  // `openssl verify` of the chain's leaf against pebble's issuing root and intermediate.
  CommandResult VerifyWithOpenssl(const std::string& chain_pem) {
    std::vector<std::string> certs = SplitPemChain(chain_pem);
    if (certs.empty()) return {};
    WriteFileBytes(dir_ + "/leaf.pem", certs.front());
    WriteFileBytes(dir_ + "/root.pem", pebble_->root_pem());
    WriteFileBytes(dir_ + "/intermediates.pem", pebble_->intermediate_pem());
    return RunShell("openssl verify -CAfile " + dir_ + "/root.pem -untrusted " + dir_ +
                    "/intermediates.pem " + dir_ + "/leaf.pem");
  }

  // The leaf's subjectAltName as openssl prints it: "DNS:a, DNS:b, IP Address:127.0.0.1".
  std::string SubjectAltNames(const std::string& chain_pem) {
    std::vector<std::string> certs = SplitPemChain(chain_pem);
    if (certs.empty()) return "";
    WriteFileBytes(dir_ + "/san.pem", certs.front());
    CommandResult r = RunShell("openssl x509 -in " + dir_ + "/san.pem -noout -ext subjectAltName");
    // Second line, without its indentation.
    size_t newline = r.output.find('\n');
    std::string line = newline == std::string::npos ? "" : r.output.substr(newline + 1);
    line.erase(0, line.find_first_not_of(' '));
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    return line;
  }

  ObtainRequest Request(std::vector<Identifier> identifiers, std::string csr_der) {
    ObtainRequest r;
    r.identifiers = std::move(identifiers);
    r.csr_der = std::move(csr_der);
    r.timeout = std::chrono::seconds(60);
    r.poll_interval = std::chrono::milliseconds(100);
    return r;
  }

  controller::RealClock& clock_ = controller::RealClock::Get();
  std::string dir_;
  int files_ = 0;
  std::unique_ptr<Http01Solver> solver_;
  std::unique_ptr<testing::PebbleProcess> pebble_;
};

}  // namespace upkeep::acme
