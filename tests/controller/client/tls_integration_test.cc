// KubeClient over TLS against a real `upkeep apiserver --tls`: the kubeconfig's CA and token
// work, a wrong CA or name fails loudly, and an in-cluster token rotation is picked up.
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "controller/client/api_error.h"
#include "controller/client/kube_client.h"
#include "tests/support/apiserver_process.h"

namespace upkeep::controller {
namespace {

using std::chrono::milliseconds;

class TlsIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::ApiServerProcessOptions options;
    options.tls = true;
    auto server = testing::ApiServerProcess::Start(options);
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // Lists namespaces with `config`, counting HTTP attempts.
  absl::Status ListNamespaces(const ClientConfig& config, int* attempts = nullptr) {
    ClientOptions options;
    options.initial_backoff = milliseconds(10);
    options.on_request = [attempts](std::string_view, std::string_view, std::string_view) {
      if (attempts) ++*attempts;
    };
    auto client = KubeClient::Create(config, options);
    if (!client.ok()) return client.status();
    return (*client)->List(resources::Namespaces(), "").status();
  }

  std::unique_ptr<testing::ApiServerProcess> server_;
};

TEST_F(TlsIntegrationTest, KubeconfigWithCaAndTokenWorks) {
  ASSERT_THAT(server_->url(), ::testing::StartsWith("https://"));
  auto config = LoadKubeconfig(server_->kubeconfig_path());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_FALSE(config->certificate_authority_pem.empty());
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_TRUE(ListNamespaces(*config).ok());
  EXPECT_TRUE(server_->SetFaults({{"latencyMs", 0}}).ok());  // admin calls over TLS too
}

TEST_F(TlsIntegrationTest, WrongCaFailsWithATlsErrorAndNoRetries) {
  testing::ApiServerProcessOptions options;
  options.tls = true;
  auto other = testing::ApiServerProcess::Start(options);
  ASSERT_TRUE(other.ok()) << other.status();
  ClientConfig config = server_->client_config();
  config.certificate_authority_pem = (*other)->client_config().certificate_authority_pem;
  int attempts = 0;
  absl::Status st = ListNamespaces(config, &attempts);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(IsTlsError(st)) << st;
  EXPECT_THAT(st.message(), ::testing::HasSubstr("list namespaces: "));
  EXPECT_THAT(st.message(), ::testing::HasSubstr(server_->kubeconfig_path()));
  EXPECT_FALSE(IsTransient(st));
  EXPECT_EQ(attempts, 1);
}

TEST_F(TlsIntegrationTest, WithoutACaTheSystemRootsRejectTheServer) {
  ClientConfig config = server_->client_config();
  config.certificate_authority_pem.clear();
  absl::Status st = ListNamespaces(config);
  EXPECT_TRUE(IsTlsError(st)) << st;
}

TEST_F(TlsIntegrationTest, HostnameIsVerified) {
  ClientConfig config = server_->client_config();
  config.tls_server_name = "not-the-server.example";
  absl::Status st = ListNamespaces(config);
  EXPECT_TRUE(IsTlsError(st)) << st;
  config.tls_server_name = "localhost";  // in the server certificate
  EXPECT_TRUE(ListNamespaces(config).ok());
}

TEST_F(TlsIntegrationTest, InsecureOnlyWhenConfigured) {
  ClientConfig config = server_->client_config();
  config.certificate_authority_pem.clear();
  config.insecure_skip_tls_verify = true;
  EXPECT_TRUE(ListNamespaces(config).ok());
}

TEST_F(TlsIntegrationTest, MissingTokenIsUnauthenticated) {
  ClientConfig config = server_->client_config();
  config.bearer_token.clear();
  absl::Status st = ListNamespaces(config);
  EXPECT_EQ(st.code(), absl::StatusCode::kUnauthenticated) << st;
  EXPECT_EQ(HttpCodeOf(st), 401);
}

TEST_F(TlsIntegrationTest, ClientCertificateIsCheckedWhenTheClientIsMade) {
  const std::string dir = server_->dir();
  const std::string command =
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
      "-subj /CN=upkeep-test -keyout " + dir + "/client.key -out " + dir +
      "/client.crt 2>/dev/null";
  ASSERT_EQ(std::system(command.c_str()), 0) << command;
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  };
  ClientConfig config = server_->client_config();
  config.client_certificate_pem = read(dir + "/client.crt");
  config.client_key_pem = read(dir + "/client.key");
  EXPECT_TRUE(ListNamespaces(config).ok());  // the server does not ask for it; it is offered

  config.client_key_pem = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n";
  auto bad = KubeClient::Create(config);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), ::testing::HasSubstr(server_->kubeconfig_path()));
}

TEST_F(TlsIntegrationTest, InClusterConfigPicksUpARotatedToken) {
  ClientConfig kubeconfig = server_->client_config();
  const std::string account = server_->dir() + "/serviceaccount";
  std::filesystem::create_directories(account);
  std::ofstream(account + "/ca.crt") << kubeconfig.certificate_authority_pem;
  std::ofstream(account + "/namespace") << "default";
  std::ofstream(account + "/token") << "expired-token";
  const std::string port = server_->url().substr(server_->url().rfind(':') + 1);
  setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
  setenv("KUBERNETES_SERVICE_PORT", port.c_str(), 1);
  auto config = InClusterConfig(account);
  unsetenv("KUBERNETES_SERVICE_HOST");
  unsetenv("KUBERNETES_SERVICE_PORT");
  ASSERT_TRUE(config.ok()) << config.status();

  auto client = KubeClient::Create(*config);
  ASSERT_TRUE(client.ok()) << client.status();
  auto before = (*client)->Get(resources::Namespaces(), "", "default");
  EXPECT_EQ(before.status().code(), absl::StatusCode::kUnauthenticated) << before.status();

  // The kubelet swaps the file atomically.
  std::ofstream(account + "/token.new") << kubeconfig.bearer_token << "\n";
  std::filesystem::rename(account + "/token.new", account + "/token");
  auto after = (*client)->Get(resources::Namespaces(), "", "default");
  EXPECT_TRUE(after.ok()) << after.status();
}

}  // namespace
}  // namespace upkeep::controller
