// `upkeep certs export` against a real `upkeep apiserver`: the CertRenewal and its Secret are
// read through the API, the files land with certbot's names, contents and modes, and the real
// `openssl` agrees with them (serial, chain, key). Every refusal (a key that does not match,
// no Secret, no CertRenewal) says what is wrong and leaves the folder as it was. The last
// tests run the `upkeep` binary itself for the command line: flags, KUBECONFIG, exit codes.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <absl/strings/ascii.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver/api/base64.h"
#include "cmd/upkeep/certs_export.h"
#include "controller/client/kube_client.h"
#include "controller/manifests/manifests.h"
#include "controller/object/kube_time.h"
#include "crds/v1alpha1/group_version.h"
#include "crypto/certificate_info.h"
#include "crypto/issue_certificate.h"
#include "tests/crypto/openssl_scratch_dir.h"
#include "tests/crypto/test_pki.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/upkeep_binary.h"

namespace upkeep::cmd {
namespace {

namespace fs = std::filesystem;
using crypto::testing::OpensslScratchDir;
using crypto::testing::TestPki;
using nlohmann::json;
using testing::ApiServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;

const TestPki& Pki() {
  static const TestPki* pki = new TestPki();
  return *pki;
}

std::string Pem(const crypto::PrivateKey& key) {
  return key.ToPem(crypto::KeyEncoding::kPkcs8).value();
}

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

mode_t Mode(const fs::path& p) {
  struct stat st {};
  return ::stat(p.c_str(), &st) == 0 ? st.st_mode & 07777 : 0;
}

// Every file in `dir` with its contents and mode: what a refused export must leave alone.
std::map<std::string, std::pair<std::string, mode_t>> Snapshot(const fs::path& dir) {
  std::map<std::string, std::pair<std::string, mode_t>> out;
  for (const auto& e : fs::directory_iterator(dir)) {
    out[e.path().filename()] = {Read(e.path()), Mode(e.path())};
  }
  return out;
}

using upkeep::testing::CommandResult;

class CertsExportIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto client = controller::KubeClient::Create(server_->client_config());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    auto crd = controller::ReadManifests(std::string(UPKEEP_SOURCE_DIR) +
                                         "/crds/upkeep.dev_certrenewals.yaml");
    ASSERT_TRUE(crd.ok()) << crd.status();
    ASSERT_TRUE(controller::ManifestApplier(*client_).Apply(*crd).ok());
    // The export folder sits in a private scratch folder where openssl can read it.
    live_ = fs::path(scratch_.path()) / "live" / "web";
  }

  void CreateCertRenewal(const std::string& name, const std::string& secret_name) {
    json cr = {{"apiVersion", "upkeep.dev/v1alpha1"},
               {"kind", "CertRenewal"},
               {"metadata", {{"name", name}, {"namespace", "default"}}},
               {"spec",
                {{"secretName", secret_name},
                 {"dnsNames", {"example.com"}},
                 {"issuer", {{"selfSigned", json::object()}}}}}};
    auto created = client_->Create(api::v1alpha1::CertRenewals(), "default", cr);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  // Creates the Secret, or replaces its data when it exists.
  void PutSecret(const std::string& name, const std::string& crt, const std::string& key,
                 const std::string& ca = "") {
    json data = {{"tls.crt", apiserver::Base64Encode(crt)},
                 {"tls.key", apiserver::Base64Encode(key)}};
    if (!ca.empty()) data["ca.crt"] = apiserver::Base64Encode(ca);
    json secret = {{"apiVersion", "v1"},
                   {"kind", "Secret"},
                   {"metadata", {{"name", name}, {"namespace", "default"}}},
                   {"type", "kubernetes.io/tls"},
                   {"data", data}};
    auto existing = client_->Get(controller::resources::Secrets(), "default", name);
    if (existing.ok()) {
      secret["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
      auto updated = client_->Update(controller::resources::Secrets(), secret);
      ASSERT_TRUE(updated.ok()) << updated.status();
    } else {
      auto created = client_->Create(controller::resources::Secrets(), "default", secret);
      ASSERT_TRUE(created.ok()) << created.status();
    }
  }

  // The usual case: a CA-issued leaf with its intermediate, and the root as ca.crt.
  void CreateIssuedCertificate() {
    CreateCertRenewal("web", "web-tls");
    PutSecret("web-tls", Pki().leaf_pem + Pki().intermediate_pem, Pem(Pki().leaf_key),
              Pki().root_pem);
  }

  absl::StatusOr<CertsExportResult> Export(const std::string& name = "web") {
    return ExportCertificate(*client_, "default", name, live_);
  }

  OpensslScratchDir::Result Openssl(const std::string& arguments) {
    return scratch_.Openssl(arguments);
  }

  // Runs the real binary with KUBECONFIG set to `kubeconfig_env` ("" = unset).
  CommandResult RunUpkeep(const std::vector<std::string>& args,
                          const std::string& kubeconfig_env = "") {
    std::vector<std::string> env;
    if (!kubeconfig_env.empty()) env.push_back("KUBECONFIG=" + kubeconfig_env);
    return upkeep::testing::RunUpkeepBinary(UPKEEP_BIN_PATH, args, scratch_.path(), env);
  }

  OpensslScratchDir scratch_;
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<controller::KubeClient> client_;
  fs::path live_;
};

TEST_F(CertsExportIntegrationTest, WritesCertbotsFilesWithTheirContentsAndModes) {
  CreateIssuedCertificate();
  absl::StatusOr<CertsExportResult> result = Export();
  ASSERT_TRUE(result.ok()) << result.status();

  EXPECT_EQ(result->secret_name, "web-tls");
  EXPECT_THAT(result->written, ::testing::ElementsAre("privkey.pem", "fullchain.pem", "cert.pem",
                                                      "chain.pem", "ca.pem"));
  const std::map<std::string, std::pair<std::string, mode_t>> expected = {
      {"cert.pem", {Pki().leaf_pem, 0644}},
      {"chain.pem", {Pki().intermediate_pem, 0644}},
      {"fullchain.pem", {Pki().leaf_pem + Pki().intermediate_pem, 0644}},
      {"privkey.pem", {Pem(Pki().leaf_key), 0600}},
      {"ca.pem", {Pki().root_pem, 0644}},
  };
  EXPECT_EQ(Snapshot(live_), expected);
  EXPECT_EQ(Mode(live_), 0755u);
  auto leaf = crypto::ParseCertificateChainPem(Pki().leaf_pem).value();
  EXPECT_EQ(result->serial_number, leaf.front().serial_number);
  EXPECT_EQ(result->not_after, crypto::testing::kNotAfter);
}

TEST_F(CertsExportIntegrationTest, OpensslReadsTheSameSerialVerifiesTheChainAndPairsTheKey) {
  CreateIssuedCertificate();
  absl::StatusOr<CertsExportResult> result = Export();
  ASSERT_TRUE(result.ok()) << result.status();

  auto serial = Openssl("x509 -noout -serial -in live/web/cert.pem");
  ASSERT_EQ(serial.exit_code, 0) << serial.output;
  EXPECT_EQ(absl::AsciiStrToLower(serial.output), "serial=" + result->serial_number + "\n");

  auto verify =
      Openssl("verify -attime " + crypto::testing::EpochSeconds(crypto::testing::kDuringValidity) +
              " -CAfile live/web/ca.pem -untrusted live/web/chain.pem live/web/cert.pem");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
  EXPECT_THAT(verify.output, HasSubstr("live/web/cert.pem: OK"));

  // The key is the certificate's: both give the same public key.
  auto from_key = Openssl("pkey -pubout -in live/web/privkey.pem");
  auto from_cert = Openssl("x509 -noout -pubkey -in live/web/cert.pem");
  ASSERT_EQ(from_key.exit_code, 0) << from_key.output;
  EXPECT_EQ(from_key.output, from_cert.output);
}

TEST_F(CertsExportIntegrationTest, ASelfSignedCertificateHasAnEmptyChainAndDropsAnOldCaPem) {
  const crypto::PrivateKey key = crypto::testing::GenerateKey(crypto::testing::kP256);
  const std::string leaf =
      crypto::IssueCertificate(crypto::testing::LeafRequest(key, {.dns_names = {"a.test"}}),
                               crypto::Signer::SelfSigned(key))
          .value();
  CreateIssuedCertificate();
  ASSERT_TRUE(Export().ok());            // leaves a ca.pem of the old CA
  PutSecret("web-tls", leaf, Pem(key));  // no ca.crt now

  absl::StatusOr<CertsExportResult> result = Export();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_TRUE(result->removed_stale_ca);
  EXPECT_EQ(Read(live_ / "cert.pem"), leaf);
  EXPECT_EQ(Read(live_ / "fullchain.pem"), leaf);
  EXPECT_EQ(Read(live_ / "chain.pem"), "");
  EXPECT_FALSE(fs::exists(live_ / "ca.pem"));
  auto verify =
      Openssl("verify -attime " + crypto::testing::EpochSeconds(crypto::testing::kDuringValidity) +
              " -CAfile live/web/cert.pem live/web/cert.pem");
  EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST_F(CertsExportIntegrationTest, AKeyThatDoesNotMatchIsRefusedAndTheFilesStayAsTheyWere) {
  CreateIssuedCertificate();
  ASSERT_TRUE(Export().ok());
  auto before = Snapshot(live_);
  PutSecret("web-tls", Pki().leaf_pem + Pki().intermediate_pem, Pem(Pki().intermediate_key),
            Pki().root_pem);

  absl::StatusOr<CertsExportResult> result = Export();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  std::string message(result.status().message());
  EXPECT_THAT(message, HasSubstr("Secret default/web-tls (spec.secretName of CertRenewal "
                                 "default/web) cannot be used: tls.key is not the private key "
                                 "of the certificate in tls.crt"));
  const std::string wrong_key = Pem(Pki().intermediate_key);
  EXPECT_THAT(message, Not(HasSubstr(wrong_key.substr(wrong_key.find('\n') + 1, 40))));
  EXPECT_EQ(Snapshot(live_), before);  // also: no temporary file left behind
}

TEST_F(CertsExportIntegrationTest, AMissingSecretIsNamedAndNothingIsWritten) {
  CreateCertRenewal("web", "web-tls");
  fs::create_directories(live_);
  std::ofstream(live_ / "cert.pem") << "kept";
  absl::StatusOr<CertsExportResult> result = Export();
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("Secret default/web-tls (spec.secretName of CertRenewal default/web) "
                        "does not exist: no certificate has been issued"));
  EXPECT_EQ(Snapshot(live_).size(), 1u);
  EXPECT_EQ(Read(live_ / "cert.pem"), "kept");
}

TEST_F(CertsExportIntegrationTest, AMissingCertRenewalIsNamedAndTheFolderIsNotEvenCreated) {
  absl::StatusOr<CertsExportResult> result = Export("nope");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("CertRenewal default/nope not found"));
  EXPECT_FALSE(fs::exists(live_));
}

TEST_F(CertsExportIntegrationTest, AnUnreachableServerIsNamedAndNothingIsWritten) {
  controller::ClientConfig nowhere;
  nowhere.server = "http://127.0.0.1:1";  // nothing listens on port 1
  controller::ClientOptions options;
  options.max_retries = 0;
  auto client = controller::KubeClient::Create(nowhere, options);
  ASSERT_TRUE(client.ok()) << client.status();
  absl::StatusOr<CertsExportResult> result = ExportCertificate(**client, "default", "web", live_);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("default/web: "));
  EXPECT_THAT(std::string(result.status().message()), HasSubstr("(API server 127.0.0.1:1)"));
  EXPECT_FALSE(fs::exists(live_));
}

TEST_F(CertsExportIntegrationTest, ReExportReplacesEveryFileByRename) {
  CreateIssuedCertificate();
  ASSERT_TRUE(Export().ok());
  // A server that opened the old files keeps reading them whole.
  std::ifstream old_key(live_ / "privkey.pem", std::ios::binary);
  std::ifstream old_fullchain(live_ / "fullchain.pem", std::ios::binary);
  const crypto::PrivateKey new_key = crypto::testing::GenerateKey(crypto::testing::kP384);
  const std::string new_leaf =
      crypto::IssueCertificate(
          crypto::testing::LeafRequest(new_key, {.dns_names = {"example.com"}}),
          crypto::Signer::Ca(Pki().intermediate_key, Pki().intermediate_pem))
          .value();
  PutSecret("web-tls", new_leaf + Pki().intermediate_pem, Pem(new_key), Pki().root_pem);

  absl::StatusOr<CertsExportResult> result = Export();
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(Read(live_ / "privkey.pem"), Pem(new_key));
  EXPECT_EQ(Read(live_ / "fullchain.pem"), new_leaf + Pki().intermediate_pem);
  EXPECT_EQ(Read(live_ / "cert.pem"), new_leaf);
  EXPECT_EQ(Mode(live_ / "privkey.pem"), 0600u);
  std::stringstream key_seen, chain_seen;
  key_seen << old_key.rdbuf();
  chain_seen << old_fullchain.rdbuf();
  EXPECT_EQ(key_seen.str(), Pem(Pki().leaf_key));
  EXPECT_EQ(chain_seen.str(), Pki().leaf_pem + Pki().intermediate_pem);
  EXPECT_THAT(Snapshot(live_), ::testing::SizeIs(5));  // no temporary file left behind
}

TEST_F(CertsExportIntegrationTest, TheCommandPrintsOneLineAndHonoursKubeconfigAndKUBECONFIG) {
  CreateIssuedCertificate();
  auto leaf = crypto::ParseCertificateChainPem(Pki().leaf_pem).value().front();
  const std::string expected = "wrote privkey.pem, fullchain.pem, cert.pem, chain.pem, ca.pem to " +
                               live_.string() + " from Secret default/web-tls: serial " +
                               leaf.serial_number + ", notAfter " +
                               controller::FormatRfc3339(leaf.not_after) + "\n";

  CommandResult by_flag = RunUpkeep({"certs", "export", "default/web", "--dir", live_.string(),
                                     "--kubeconfig", server_->kubeconfig_path()});
  EXPECT_EQ(by_flag.exit_code, 0) << by_flag.err;
  EXPECT_EQ(by_flag.out, expected);
  EXPECT_EQ(by_flag.err, "");

  fs::remove_all(live_);
  CommandResult by_env = RunUpkeep({"certs", "export", "--dir=" + live_.string(), "default/web"},
                                   server_->kubeconfig_path());
  EXPECT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_EQ(by_env.out, expected);
  EXPECT_EQ(Read(live_ / "privkey.pem"), Pem(Pki().leaf_key));
}

TEST_F(CertsExportIntegrationTest, TheCommandExitsOneWithTheReasonOnStderr) {
  CommandResult missing = RunUpkeep({"certs", "export", "default/nope", "--dir", live_.string(),
                                     "--kubeconfig", server_->kubeconfig_path()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.out, "");
  EXPECT_THAT(missing.err, HasSubstr("upkeep certs export: CertRenewal default/nope not found"));
  EXPECT_FALSE(fs::exists(live_));

  CommandResult no_kubeconfig = RunUpkeep({"certs", "export", "default/web", "--dir",
                                           live_.string(), "--kubeconfig", "/nonexistent/kc"});
  EXPECT_EQ(no_kubeconfig.exit_code, 1);
  EXPECT_THAT(no_kubeconfig.err, HasSubstr("/nonexistent/kc"));
}

TEST_F(CertsExportIntegrationTest, TheCommandExitsTwoOnBadUsageAndZeroOnHelp) {
  const std::string kc = server_->kubeconfig_path();
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"certs"},
           {"certs", "renew"},
           {"certs", "export", "--dir", "/tmp/x", "--kubeconfig", kc},
           {"certs", "export", "web", "--dir", "/tmp/x", "--kubeconfig", kc},
           {"certs", "export", "default/", "--dir", "/tmp/x", "--kubeconfig", kc},
           {"certs", "export", "a/b/c", "--dir", "/tmp/x", "--kubeconfig", kc},
           {"certs", "export", "default/web", "--kubeconfig", kc},
           {"certs", "export", "default/web", "default/api", "--dir", "/tmp/x"},
           {"certs", "export", "default/web", "--dir", "/tmp/x", "--force"},
           {"certs", "export", "default/web", "--dir"},
       }) {
    CommandResult r = RunUpkeep(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("Usage: upkeep certs")) << ::testing::PrintToString(args);
  }
  CommandResult help = RunUpkeep({"certs", "export", "--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* word : {"NAMESPACE/NAME", "--dir", "--kubeconfig", "cert.pem", "chain.pem",
                           "fullchain.pem", "privkey.pem", "ca.pem", "0600"}) {
    EXPECT_THAT(help.out, HasSubstr(word));
  }
  CommandResult top = RunUpkeep({"--help"});
  EXPECT_THAT(top.out, HasSubstr("certs"));
  EXPECT_THAT(top.out, Not(HasSubstr("Coming next: run, backup, certs")));
}

}  // namespace
}  // namespace upkeep::cmd
