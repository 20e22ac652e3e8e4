#include "controller/client/client_config.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <absl/strings/escaping.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using ::testing::HasSubstr;

constexpr char kCaPem[] = "-----BEGIN CERTIFICATE-----\nCA\n-----END CERTIFICATE-----\n";
constexpr char kCertPem[] = "-----BEGIN CERTIFICATE-----\nCERT\n-----END CERTIFICATE-----\n";
constexpr char kKeyPem[] = "-----BEGIN PRIVATE KEY-----\nKEY\n-----END PRIVATE KEY-----\n";

std::string B64(const std::string& s) { return absl::Base64Escape(s); }

// A temporary folder removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string templ = std::filesystem::temp_directory_path().string() + "/kubeconfig-XXXXXX";
    path_ = mkdtemp(templ.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::string file = path_ + "/" + name;
    std::filesystem::create_directories(std::filesystem::path(file).parent_path());
    std::ofstream(file) << text;
    return file;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = getenv(name)) old_ = old;
    if (value) setenv(name, value, 1);
    else unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) setenv(name_, old_->c_str(), 1);
    else unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

std::string TwoContextKubeconfig() {
  return "apiVersion: v1\n"
         "kind: Config\n"
         "current-context: dev\n"
         "clusters:\n"
         "- name: dev-cluster\n"
         "  cluster:\n"
         "    server: https://dev.example:6443\n"
         "    certificate-authority-data: " + B64(kCaPem) + "\n"
         "- name: prod-cluster\n"
         "  cluster:\n"
         "    server: https://10.0.0.1\n"
         "    certificate-authority: certs/ca.pem\n"
         "    tls-server-name: kubernetes.default\n"
         "contexts:\n"
         "- name: dev\n"
         "  context: {cluster: dev-cluster, user: token-user, namespace: team-a}\n"
         "- name: prod\n"
         "  context: {cluster: prod-cluster, user: cert-user}\n"
         "users:\n"
         "- name: token-user\n"
         "  user:\n"
         "    token: s3cret\n"
         "- name: cert-user\n"
         "  user:\n"
         "    client-certificate-data: " + B64(kCertPem) + "\n"
         "    client-key-data: " + B64(kKeyPem) + "\n";
}

TEST(LoadKubeconfigTest, ReadsCurrentContextWithCaDataAndToken) {
  TempDir dir;
  std::string path = dir.Write("config", TwoContextKubeconfig());
  auto config = LoadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://dev.example:6443");
  EXPECT_EQ(config->certificate_authority_pem, kCaPem);
  EXPECT_EQ(config->bearer_token, "s3cret");
  EXPECT_EQ(config->namespace_, "team-a");
  EXPECT_FALSE(config->insecure_skip_tls_verify);
  EXPECT_THAT(config->source, HasSubstr(path));
  EXPECT_THAT(config->source, HasSubstr("dev"));
}

TEST(LoadKubeconfigTest, NamedContextWithCaFileRelativeToTheKubeconfigAndClientCert) {
  TempDir dir;
  dir.Write("kube/certs/ca.pem", kCaPem);
  std::string path = dir.Write("kube/config", TwoContextKubeconfig());
  auto config = LoadKubeconfig(path, "prod");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.0.0.1");
  EXPECT_EQ(config->certificate_authority_pem, kCaPem);
  EXPECT_EQ(config->tls_server_name, "kubernetes.default");
  EXPECT_EQ(config->client_certificate_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
  EXPECT_EQ(config->bearer_token, "");
  EXPECT_EQ(config->namespace_, "");
}

TEST(LoadKubeconfigTest, ClientCertificateFilesAndTokenFile) {
  TempDir dir;
  dir.Write("tls/client.crt", kCertPem);
  dir.Write("tls/client.key", kKeyPem);
  dir.Write("token", "abc\n");
  std::string path = dir.Write("config",
                               "clusters: [{name: c, cluster: {server: 'http://127.0.0.1:8080'}}]\n"
                               "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                               "current-context: x\n"
                               "users:\n"
                               "- name: u\n"
                               "  user:\n"
                               "    client-certificate: tls/client.crt\n"
                               "    client-key: " + dir.path() + "/tls/client.key\n"
                               "    tokenFile: token\n");
  auto config = LoadKubeconfig(path);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->client_certificate_pem, kCertPem);
  EXPECT_EQ(config->client_key_pem, kKeyPem);
  EXPECT_EQ(config->bearer_token_file, dir.path() + "/token");
}

TEST(LoadKubeconfigTest, InsecureOnlyWhenTheKubeconfigSaysSo) {
  TempDir dir;
  std::string path = dir.Write(
      "config",
      "clusters:\n"
      "- {name: a, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}\n"
      "- {name: b, cluster: {server: 'https://b'}}\n"
      "contexts:\n"
      "- {name: a, context: {cluster: a}}\n"
      "- {name: b, context: {cluster: b}}\n"
      "current-context: a\n");
  auto a = LoadKubeconfig(path);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_TRUE(a->insecure_skip_tls_verify);
  auto b = LoadKubeconfig(path, "b");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_FALSE(b->insecure_skip_tls_verify);
}

struct KubeconfigErrorCase {
  std::string name;
  std::string yaml;
  std::string context;
  std::string expected;  // part of the message
};

class KubeconfigErrorTest : public ::testing::TestWithParam<KubeconfigErrorCase> {};

TEST_P(KubeconfigErrorTest, NamesTheFileAndWhatIsMissing) {
  TempDir dir;
  std::string path = dir.Write("config", GetParam().yaml);
  auto config = LoadKubeconfig(path, GetParam().context);
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr(path));
  EXPECT_THAT(config.status().message(), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Cases, KubeconfigErrorTest,
    ::testing::Values(
        KubeconfigErrorCase{"MissingContext", TwoContextKubeconfig(), "staging",
                            "context \"staging\" not found"},
        KubeconfigErrorCase{"NoCurrentContext", "clusters: []\n", "", "no current-context"},
        KubeconfigErrorCase{"MissingCluster",
                            "contexts: [{name: x, context: {cluster: gone}}]\n"
                            "current-context: x\n",
                            "", "cluster \"gone\""},
        KubeconfigErrorCase{"NoServer",
                            "clusters: [{name: c, cluster: {}}]\n"
                            "contexts: [{name: x, context: {cluster: c}}]\n"
                            "current-context: x\n",
                            "", "has no server"},
        KubeconfigErrorCase{"MissingUser",
                            "clusters: [{name: c, cluster: {server: 'https://a'}}]\n"
                            "contexts: [{name: x, context: {cluster: c, user: nobody}}]\n"
                            "current-context: x\n",
                            "", "user \"nobody\""},
        KubeconfigErrorCase{"MissingCaFile",
                            "clusters: [{name: c, cluster: {server: 'https://a', "
                            "certificate-authority: nope/ca.crt}}]\n"
                            "contexts: [{name: x, context: {cluster: c}}]\n"
                            "current-context: x\n",
                            "", "nope/ca.crt"},
        KubeconfigErrorCase{"CertificateWithoutKey",
                            "clusters: [{name: c, cluster: {server: 'https://a'}}]\n"
                            "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                            "current-context: x\n"
                            "users: [{name: u, user: {client-certificate-data: " +
                                B64(kCertPem) + "}}]\n",
                            "", "without the matching key"},
        KubeconfigErrorCase{"ExecPlugin",
                            "clusters: [{name: c, cluster: {server: 'https://a'}}]\n"
                            "contexts: [{name: x, context: {cluster: c, user: u}}]\n"
                            "current-context: x\n"
                            "users: [{name: u, user: {exec: {command: aws}}}]\n",
                            "", "exec"},
        KubeconfigErrorCase{"NotYaml", "clusters: [\n", "", "not valid YAML"}),
    [](const auto& info) { return info.param.name; });

TEST(LoadKubeconfigTest, MissingFileNamesIt) {
  auto config = LoadKubeconfig("/nonexistent/kubeconfig");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("/nonexistent/kubeconfig"));
}

TEST(InClusterConfigTest, ReadsTheServiceAccountFolder) {
  TempDir dir;
  dir.Write("token", "tok");
  dir.Write("ca.crt", kCaPem);
  dir.Write("namespace", "upkeep-system\n");
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto config = InClusterConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://10.96.0.1:443");
  EXPECT_EQ(config->certificate_authority_pem, kCaPem);
  EXPECT_EQ(config->bearer_token_file, dir.path() + "/token");
  EXPECT_EQ(config->namespace_, "upkeep-system");
  EXPECT_EQ(config->source, "in-cluster");
}

TEST(InClusterConfigTest, BracketsAnIpv6Host) {
  TempDir dir;
  dir.Write("token", "tok");
  dir.Write("ca.crt", kCaPem);
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "fd00::1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto config = InClusterConfig(dir.path());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://[fd00::1]:443");
}

TEST(InClusterConfigTest, FailsOutsideAPod) {
  ScopedEnv host("KUBERNETES_SERVICE_HOST", nullptr);
  auto config = InClusterConfig("/nonexistent");
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr("KUBERNETES_SERVICE_HOST"));
}

TEST(InClusterConfigTest, NamesAMissingTokenFile) {
  TempDir dir;
  dir.Write("ca.crt", kCaPem);
  ScopedEnv host("KUBERNETES_SERVICE_HOST", "10.96.0.1");
  ScopedEnv port("KUBERNETES_SERVICE_PORT", "443");
  auto config = InClusterConfig(dir.path());
  ASSERT_FALSE(config.ok());
  EXPECT_THAT(config.status().message(), HasSubstr(dir.path() + "/token"));
}

TEST(ResolveClientConfigTest, FlagWinsOverKubeconfigVariable) {
  TempDir dir;
  std::string flag = dir.Write("flag", TwoContextKubeconfig());
  ScopedEnv env("KUBECONFIG", "/nonexistent/one:/nonexistent/two");
  auto config = ResolveClientConfig(flag);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->server, "https://dev.example:6443");
}

TEST(ResolveClientConfigTest, UsesTheFirstFileOfKubeconfigVariable) {
  TempDir dir;
  std::string first = dir.Write("first", TwoContextKubeconfig());
  ScopedEnv env("KUBECONFIG", (first + ":/nonexistent/second").c_str());
  auto config = ResolveClientConfig("", "prod");
  ASSERT_FALSE(config.ok());  // prod's CA file is relative to `first` and absent
  EXPECT_THAT(config.status().message(), HasSubstr(first));
  auto dev = ResolveClientConfig("");
  ASSERT_TRUE(dev.ok()) << dev.status();
  EXPECT_EQ(dev->bearer_token, "s3cret");
}

TEST(ResolveClientConfigTest, FallsBackToHomeKubeconfig) {
  TempDir dir;
  dir.Write(".kube/config", TwoContextKubeconfig());
  ScopedEnv kubeconfig("KUBECONFIG", nullptr);
  ScopedEnv in_cluster("KUBERNETES_SERVICE_HOST", nullptr);
  ScopedEnv home("HOME", dir.path().c_str());
  auto config = ResolveClientConfig("");
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_THAT(config->source, HasSubstr(dir.path() + "/.kube/config"));
}

}  // namespace
}  // namespace upkeep::controller
