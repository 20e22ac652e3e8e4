// The CertRenewal controller in a manager against a real `upkeep apiserver`, with a simulated
// clock: selfSigned and ca issuers produce Secrets whose chains verify (in-process and with
// `openssl verify`) for exactly the requested names; renewal happens at two thirds of the
// lifetime with a new key; a deleted or damaged Secret is re-issued; bad input gives a clear
// condition and deletes nothing.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver/api/base64.h"
#include "controller/client/api_error.h"
#include "controller/manifests/manifests.h"
#include "controller/object/conditions.h"
#include "controller/object/kube_time.h"
#include "controller/runtime/manager.h"
#include "crds/v1alpha1/group_version.h"
#include "crypto/certificate_info.h"
#include "crypto/issue_certificate.h"
#include "crypto/verify_chain.h"
#include "reconcilers/certs/certrenewal_reconciler.h"
#include "reconcilers/certs/local_issuers.h"
#include "reconcilers/certs/serving_check.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"
#include "tests/support/openssl_verify.h"
#include "tests/support/tls_server_process.h"

namespace upkeep::reconcilers::certs {
namespace {

using namespace std::chrono_literals;
using controller::FakeClock;
using nlohmann::json;
using testing::ApiServerProcess;
using testing::Eventually;
using testing::OpensslVerify;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CertRenewalIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    controller::ManagerOptions options;
    options.client_config = server_->client_config();
    options.metrics_bind_address = "0";
    options.health_probe_bind_address = "0";
    options.clock = &clock_;
    auto manager = controller::Manager::Create(options);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = std::move(*manager);
    auto crd = controller::ReadManifests(std::string(UPKEEP_SOURCE_DIR) +
                                         "/crds/upkeep.dev_certrenewals.yaml");
    ASSERT_TRUE(crd.ok()) << crd.status();
    ASSERT_TRUE(controller::ManifestApplier(client()).Apply(*crd).ok());
    certs_ = std::make_unique<CertRenewalController>(*manager_);
    run_ = std::thread([this] { run_result_ = manager_->Run(stop_.get_token()); });
  }

  void TearDown() override {
    stop_.request_stop();
    if (run_.joinable()) run_.join();
    certs_.reset();
    manager_.reset();
  }

  controller::KubeClient& client() { return manager_->client(); }

  void Create(const json& spec, const std::string& name = "web",
              const json& annotations = json::object()) {
    json cr = {{"apiVersion", "upkeep.dev/v1alpha1"},
               {"kind", "CertRenewal"},
               {"metadata", {{"name", name}, {"namespace", "default"}, {"annotations", annotations}}},
               {"spec", spec}};
    auto created = client().Create(api::v1alpha1::CertRenewals(), "default", cr);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  json Get(const std::string& name = "web") {
    auto got = client().Get(api::v1alpha1::CertRenewals(), "default", name);
    return got.ok() ? *got : json::object();
  }

  std::optional<json> Secret(const std::string& name) {
    auto got = client().Get(controller::resources::Secrets(), "default", name);
    if (!got.ok()) return std::nullopt;
    return *got;
  }

  static std::string Data(const json& secret, const char* key) {
    return apiserver::Base64Decode(secret["data"].value(key, "")).value_or("");
  }

  // Waits until the CertRenewal's status.revision reaches `revision` and Ready is True.
  bool WaitIssued(int64_t revision, const std::string& name = "web") {
    return Eventually([&] {
      json cr = Get(name);
      return cr.contains("status") && cr["status"].value("revision", 0) >= revision &&
             controller::IsConditionTrue(cr, "Ready");
    });
  }

  std::string Condition(const std::string& type, const std::string& name = "web") {
    auto c = controller::FindCondition(Get(name), type);
    return c ? c->status + "/" + c->reason + ": " + c->message : "";
  }

  FakeClock clock_{*controller::ParseRfc3339("2026-11-30T12:00:00Z")};
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<controller::Manager> manager_;
  std::unique_ptr<CertRenewalController> certs_;
  std::stop_source stop_;
  std::thread run_;
  absl::Status run_result_;
};

json SelfSignedSpec() {
  return {{"secretName", "web-tls"},
          {"dnsNames", {"example.test", "www.example.test"}},
          {"ipAddresses", {"127.0.0.1"}},
          {"duration", "90h"},
          {"issuer", {{"selfSigned", json::object()}}}};
}

TEST_F(CertRenewalIntegrationTest, SelfSignedBecomesReadyWithAVerifiableSecretForExactlyTheNames) {
  Create(SelfSignedSpec());
  ASSERT_TRUE(WaitIssued(1)) << Get().dump();
  auto secret = Secret("web-tls");
  ASSERT_TRUE(secret.has_value());
  EXPECT_EQ((*secret)["type"], "kubernetes.io/tls");
  std::string chain = Data(*secret, "tls.crt");
  auto leaf = crypto::ParseCertificateChainPem(chain);
  ASSERT_TRUE(leaf.ok()) << leaf.status();
  EXPECT_THAT(leaf->front().dns_names, ElementsAre("example.test", "www.example.test"));
  EXPECT_THAT(leaf->front().ip_addresses, ElementsAre("127.0.0.1"));
  auto key = crypto::PrivateKey::ParsePem(Data(*secret, "tls.key"));
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(crypto::PublicKeyMatches(leaf->front(), *key));
  EXPECT_EQ(key->spec().algorithm, crypto::KeyAlgorithm::kEcdsa);  // the default
  EXPECT_TRUE(crypto::VerifyChain(chain, Data(*secret, "ca.crt"), clock_.Now() + 1h,
                                  "www.example.test")
                  .ok());
  auto [rc, out] = OpensslVerify(Data(*secret, "ca.crt"), chain, "example.test", clock_.Now() + 1h);
  EXPECT_EQ(rc, 0) << out;

  json status = Get()["status"];
  EXPECT_EQ(status["notBefore"], "2026-11-30T12:00:00Z");
  EXPECT_EQ(status["notAfter"], "2026-12-04T06:00:00Z");     // 90 h
  EXPECT_EQ(status["renewalTime"], "2026-12-03T00:00:00Z");  // 2/3 of the lifetime
  EXPECT_EQ(status["serialNumber"], leaf->front().serial_number);
  EXPECT_EQ(status["observedGeneration"], 1);
  EXPECT_EQ(Condition("Issuing"), "");  // done
}

TEST_F(CertRenewalIntegrationTest, RenewsAtTheRenewalTimeWithANewKey) {
  Create(SelfSignedSpec());
  ASSERT_TRUE(WaitIssued(1));
  std::string first_key = Data(*Secret("web-tls"), "tls.key");
  std::string first_serial = Get()["status"]["serialNumber"];
  clock_.Advance(59h);  // one hour before the renewal time: nothing happens
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Get()["status"]["revision"], 1);
  clock_.Advance(1h);
  ASSERT_TRUE(WaitIssued(2)) << Get().dump();
  EXPECT_NE(Get()["status"]["serialNumber"], first_serial);
  EXPECT_NE(Data(*Secret("web-tls"), "tls.key"), first_key);
  EXPECT_EQ(Get()["status"]["notBefore"], "2026-12-03T00:00:00Z");
}

TEST_F(CertRenewalIntegrationTest, RotationPolicyNeverKeepsTheKey) {
  json spec = SelfSignedSpec();
  spec["privateKey"] = {{"rotationPolicy", "Never"}};
  Create(spec);
  ASSERT_TRUE(WaitIssued(1));
  std::string first_key = Data(*Secret("web-tls"), "tls.key");
  clock_.Advance(60h);
  ASSERT_TRUE(WaitIssued(2));
  EXPECT_EQ(Data(*Secret("web-tls"), "tls.key"), first_key);
}

TEST_F(CertRenewalIntegrationTest, DeletedOrDamagedSecretIsReissued) {
  Create(SelfSignedSpec());
  ASSERT_TRUE(WaitIssued(1));
  ASSERT_TRUE(client().Delete(controller::resources::Secrets(), "default", "web-tls").ok());
  ASSERT_TRUE(WaitIssued(2)) << Get().dump();
  ASSERT_TRUE(Secret("web-tls").has_value());

  json damage = {{"data", {{"tls.crt", apiserver::Base64Encode("not a certificate")}}}};
  ASSERT_TRUE(client()
                  .Patch(controller::resources::Secrets(), "default", "web-tls",
                         controller::PatchType::kMerge, damage)
                  .ok());
  ASSERT_TRUE(WaitIssued(3)) << Get().dump();
  EXPECT_TRUE(crypto::ParseCertificateChainPem(Data(*Secret("web-tls"), "tls.crt")).ok());
}

// Issues self-signed and, on its first call, keeps the CertRenewal as stored while the
// issuance runs: the object a lagging cache would hand the next reconcile.
class RecordingIssuer final : public CertificateIssuer {
 public:
  absl::StatusOr<IssuedCertificate> Issue(const CertificateRequest& request,
                                          controller::KubeClient& client) override {
    ++calls;
    if (!during_issuance) {
      auto got = client.Get(api::v1alpha1::CertRenewals(), request.ns, request.name);
      if (got.ok()) during_issuance = *got;
    }
    return self_signed.Issue(request, client);
  }
  SelfSignedIssuer self_signed;
  std::optional<json> during_issuance;
  int calls = 0;
};

// The cache can lag the issuance a reconcile just made: the next reconcile may see the
// object from mid-issuance and find the Secret missing (deleted meanwhile). It must not issue
// again on that stale view: claiming the issuance writes at the cached resourceVersion.
TEST_F(CertRenewalIntegrationTest, AReconcileFromAStaleCacheDoesNotIssueAgain) {
  stop_.request_stop();  // drive the reconciler by hand, no manager racing it
  run_.join();
  RecordingIssuer issuer;
  CertRenewalReconciler reconciler({&issuer, &issuer, &issuer}, nullptr);
  Create(SelfSignedSpec());
  controller::Request request{"default", "web"};
  std::string id = "test";
  controller::Logger log;
  controller::ReconcileContext ctx{request, id,     log,     client(),
                                   clock_,  nullptr, manager_->informers()};
  ASSERT_TRUE(reconciler.Reconcile(Get(), ctx).ok());
  ASSERT_EQ(issuer.calls, 1);
  ASSERT_TRUE(issuer.during_issuance.has_value());
  ASSERT_TRUE(Secret("web-tls").has_value());
  EXPECT_EQ(Get()["status"]["revision"], 1);

  ASSERT_TRUE(client().Delete(controller::resources::Secrets(), "default", "web-tls").ok());
  auto stale = reconciler.Reconcile(*issuer.during_issuance, ctx);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_EQ(*stale, controller::Action::AwaitChange());  // the stored object's event follows
  EXPECT_EQ(issuer.calls, 1);
  EXPECT_FALSE(Secret("web-tls").has_value());

  // The current object does re-issue, and the status counts it.
  ASSERT_TRUE(reconciler.Reconcile(Get(), ctx).ok());
  EXPECT_EQ(issuer.calls, 2);
  EXPECT_TRUE(Secret("web-tls").has_value());
  EXPECT_EQ(Get()["status"]["revision"], 2);
}

TEST_F(CertRenewalIntegrationTest, ANameAddedToTheSpecIsReissuedForIt) {
  Create(SelfSignedSpec());
  ASSERT_TRUE(WaitIssued(1));
  json patch = {{"spec", {{"dnsNames", {"example.test", "www.example.test", "api.example.test"}}}}};
  ASSERT_TRUE(client()
                  .Patch(api::v1alpha1::CertRenewals(), "default", "web",
                         controller::PatchType::kMerge, patch)
                  .ok());
  ASSERT_TRUE(WaitIssued(2));
  auto leaf = crypto::ParseCertificateChainPem(Data(*Secret("web-tls"), "tls.crt"));
  ASSERT_TRUE(leaf.ok());
  EXPECT_THAT(leaf->front().dns_names,
              ElementsAre("example.test", "www.example.test", "api.example.test"));
  EXPECT_EQ(Get()["status"]["observedGeneration"], 2);
}

// A CA kept in a Secret, as an admin would create it.
void CreateCaSecret(controller::KubeClient& client, const std::string& name, bool with_key,
                    std::chrono::system_clock::time_point now) {
  auto ca_key = crypto::PrivateKey::Generate({});
  ASSERT_TRUE(ca_key.ok());
  crypto::IssueRequest request;
  request.subject_public_key_der = ca_key->public_key_der();
  request.names.common_name = "upkeep test CA";
  request.not_before = now - 1h;
  request.not_after = now + 24h * 365;
  request.is_ca = true;
  auto ca_pem = crypto::IssueCertificate(request, crypto::Signer::SelfSigned(*ca_key));
  ASSERT_TRUE(ca_pem.ok()) << ca_pem.status();
  json data = {{"tls.crt", apiserver::Base64Encode(*ca_pem)}};
  if (with_key) data["tls.key"] = apiserver::Base64Encode(*ca_key->ToPem(crypto::KeyEncoding::kPkcs8));
  json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", name}, {"namespace", "default"}}},
                 {"type", "kubernetes.io/tls"},
                 {"data", data}};
  controller::WriteOptions force;
  force.force = true;
  auto applied = client.Patch(controller::resources::Secrets(), "default", name,
                              controller::PatchType::kApply, secret, force);
  ASSERT_TRUE(applied.ok()) << applied.status();
}

TEST_F(CertRenewalIntegrationTest, CaIssuerSignsAChainThatVerifiesAgainstTheCa) {
  CreateCaSecret(client(), "internal-ca", /*with_key=*/true, clock_.Now());
  json spec = SelfSignedSpec();
  spec["issuer"] = {{"ca", {{"secretName", "internal-ca"}}}};
  Create(spec);
  ASSERT_TRUE(WaitIssued(1)) << Get().dump();
  auto secret = Secret("web-tls");
  std::string ca = Data(*Secret("internal-ca"), "tls.crt");
  EXPECT_EQ(Data(*secret, "ca.crt"), ca);
  auto [rc, out] =
      OpensslVerify(ca, Data(*secret, "tls.crt"), "www.example.test", clock_.Now() + 1h);
  EXPECT_EQ(rc, 0) << out;
  auto chain = crypto::ParseCertificateChainPem(Data(*secret, "tls.crt"));
  ASSERT_TRUE(chain.ok());
  ASSERT_EQ(chain->size(), 2u);  // leaf, then the CA
  EXPECT_EQ(chain->front().issuer_common_name, "upkeep test CA");
}

TEST_F(CertRenewalIntegrationTest, CaSecretWithoutAKeyIsAClearFailureThenRecovers) {
  CreateCaSecret(client(), "internal-ca", /*with_key=*/false, clock_.Now());
  json spec = SelfSignedSpec();
  spec["issuer"] = {{"ca", {{"secretName", "internal-ca"}}}};
  Create(spec);
  ASSERT_TRUE(Eventually([&] {
    return Condition("Issuing").find("False/Failed") == 0;
  })) << Get().dump();
  EXPECT_THAT(Condition("Issuing"), HasSubstr("CA Secret internal-ca: has no tls.key"));
  EXPECT_THAT(Condition("Ready"), HasSubstr("False/DoesNotExist"));
  EXPECT_EQ(Get()["status"]["failedIssuanceAttempts"], 1);
  EXPECT_FALSE(Secret("web-tls").has_value());
  // The admin fixes the CA; the backoff (1 h after the first failure) still holds...
  CreateCaSecret(client(), "internal-ca", /*with_key=*/true, clock_.Now());
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(Secret("web-tls").has_value());
  EXPECT_THAT(Condition("Issuing"), HasSubstr("retrying at 2026-11-30T13:00:00Z"));
  // ...until it has passed.
  clock_.Advance(1h);
  ASSERT_TRUE(WaitIssued(1)) << Get().dump();
  EXPECT_FALSE(Get()["status"].contains("failedIssuanceAttempts"));
}

// upkeep.dev/run-now skips the failure backoff, also with no Secret yet; each value is acted on
// once (status.lastRunNow), so a run-now that fails again is not retried in a loop.
TEST_F(CertRenewalIntegrationTest, RunNowRetriesAFailedIssuanceAtOnceButOnlyOnce) {
  CreateCaSecret(client(), "internal-ca", /*with_key=*/false, clock_.Now());
  json spec = SelfSignedSpec();
  spec["issuer"] = {{"ca", {{"secretName", "internal-ca"}}}};
  Create(spec);
  auto Failures = [&] {
    json cr = Get();
    return cr.contains("status") ? cr["status"].value("failedIssuanceAttempts", 0) : 0;
  };
  ASSERT_TRUE(Eventually([&] { return Failures() == 1; }));
  auto run_now = [&](const std::string& value) {
    json patch = {{"metadata", {{"annotations", {{api::v1alpha1::kRunNowAnnotation, value}}}}}};
    ASSERT_TRUE(client()
                    .Patch(api::v1alpha1::CertRenewals(), "default", "web",
                           controller::PatchType::kMerge, patch)
                    .ok());
  };
  run_now("try-again");  // the CA still has no key: one more attempt, at once
  ASSERT_TRUE(Eventually([&] { return Failures() == 2; }))
      << Get().dump();
  EXPECT_EQ(Get()["status"]["lastRunNow"], "try-again");
  EXPECT_THAT(Condition("Ready"), HasSubstr("CA Secret internal-ca: has no tls.key"));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(Get()["status"]["failedIssuanceAttempts"], 2);  // not retried in a loop

  CreateCaSecret(client(), "internal-ca", /*with_key=*/true, clock_.Now());
  run_now("fixed");  // the backoff (2 h now) is skipped again
  ASSERT_TRUE(WaitIssued(1)) << Get().dump();
  EXPECT_EQ(Get()["status"]["lastRunNow"], "fixed");
}

TEST_F(CertRenewalIntegrationTest, FailedRenewalKeepsTheWorkingCertificate) {
  CreateCaSecret(client(), "internal-ca", /*with_key=*/true, clock_.Now());
  json spec = SelfSignedSpec();
  spec["issuer"] = {{"ca", {{"secretName", "internal-ca"}}}};
  Create(spec);
  ASSERT_TRUE(WaitIssued(1));
  std::string working = Data(*Secret("web-tls"), "tls.crt");
  ASSERT_TRUE(client().Delete(controller::resources::Secrets(), "default", "internal-ca").ok());
  clock_.Advance(60h);  // renewal due; the CA is gone
  ASSERT_TRUE(Eventually([&] { return Condition("Issuing").find("False/Failed") == 0; }))
      << Get().dump();
  EXPECT_THAT(Condition("Issuing"), HasSubstr("CA Secret internal-ca: not found"));
  EXPECT_EQ(Data(*Secret("web-tls"), "tls.crt"), working);
  EXPECT_THAT(Condition("Ready"), HasSubstr("True/"));  // still valid until notAfter
}

TEST_F(CertRenewalIntegrationTest, SpecTheParserRejectsIsInvalidSpecAndIssuesNothing) {
  json spec = SelfSignedSpec();
  spec["privateKey"] = {{"algorithm", "ECDSA"}, {"size", 2048}};  // the schema allows 2048
  Create(spec);
  ASSERT_TRUE(Eventually([&] { return Condition("Ready").find("False/InvalidSpec") == 0; }))
      << Get().dump();
  EXPECT_THAT(Condition("Ready"), HasSubstr("spec.privateKey.size"));
  EXPECT_FALSE(Secret("web-tls").has_value());
}

TEST_F(CertRenewalIntegrationTest, RunNowAnnotationReissuesOnce) {
  Create(SelfSignedSpec());
  ASSERT_TRUE(WaitIssued(1));
  json patch = {{"metadata", {{"annotations", {{"upkeep.dev/run-now", "1"}}}}}};
  ASSERT_TRUE(client()
                  .Patch(api::v1alpha1::CertRenewals(), "default", "web",
                         controller::PatchType::kMerge, patch)
                  .ok());
  ASSERT_TRUE(WaitIssued(2));
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Get()["status"]["revision"], 2);
}

TEST_F(CertRenewalIntegrationTest, ReloadTargetsGetARollingRestart) {
  json deployment = json::parse(R"({
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "nginx", "namespace": "default"},
    "spec": {"selector": {"matchLabels": {"app": "nginx"}},
             "template": {"metadata": {"labels": {"app": "nginx"}},
                          "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}})");
  controller::ResourceType deployments = controller::resources::Deployments();
  ASSERT_TRUE(client().Create(deployments, "default", deployment).ok());
  json spec = SelfSignedSpec();
  spec["reloadTargets"] = {{{"kind", "Deployment"}, {"name", "nginx"}}};
  Create(spec);
  ASSERT_TRUE(WaitIssued(1));
  ASSERT_TRUE(Eventually([&] {
    auto d = client().Get(deployments, "default", "nginx");
    return d.ok() && (*d)["spec"]["template"]["metadata"]["annotations"].value(
                         "kubectl.kubernetes.io/restartedAt", "") == "2026-11-30T12:00:00Z";
  }));
}

}  // namespace
}  // namespace upkeep::reconcilers::certs

namespace upkeep::reconcilers::certs {
namespace {

// A certificate for example.test that upkeep did not issue: what the endpoint served before.
std::pair<std::string, std::string> UnrelatedCertificate(std::chrono::system_clock::time_point now) {
  auto key = crypto::PrivateKey::Generate({});
  crypto::IssueRequest request;
  request.subject_public_key_der = key->public_key_der();
  request.names.dns_names = {"example.test"};
  request.not_before = now - 1h;
  request.not_after = now + 24h;
  return {*crypto::IssueCertificate(request, crypto::Signer::SelfSigned(*key)),
          *key->ToPem(crypto::KeyEncoding::kPkcs8)};
}

std::unique_ptr<testing::TlsServerProcess> Serve(const std::string& cert, const std::string& key,
                                                 int port = 0) {
  testing::TlsServerOptions options;
  options.cert_pem = cert;
  options.key_pem = key;
  options.port = port;
  auto server = testing::TlsServerProcess::Start(options);
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

// verifyServing against a real TLS server (openssl s_server): Served is False while the
// endpoint still serves another certificate, True once it serves the issued one, False again
// when it cannot be reached; without verifyServing there is no Served condition.
TEST_F(CertRenewalIntegrationTest, VerifyServingReportsWhetherTheIssuedCertificateIsServed) {
  auto [old_cert, old_key] = UnrelatedCertificate(clock_.Now());
  auto server = Serve(old_cert, old_key);
  ASSERT_NE(server, nullptr);
  const std::string address = server->address();
  const int port = std::stoi(address.substr(address.rfind(':') + 1));
  json spec = SelfSignedSpec();
  spec["verifyServing"] = {{"address", address}, {"timeoutSeconds", 5}};
  Create(spec);
  ASSERT_TRUE(WaitIssued(1));
  std::string old_serial = crypto::ParseCertificateChainPem(old_cert)->front().serial_number;
  ASSERT_TRUE(Eventually([&] { return Get()["status"].value("servedSerial", "") == old_serial; }))
      << Get().dump() << server->LogTail();
  EXPECT_THAT(Condition("Served"), HasSubstr("False/ServingOtherCertificate"));
  EXPECT_THAT(Condition("Served"), HasSubstr("(server name example.test) serves serial " +
                                             old_serial + ", not the current"));

  // The endpoint reloads with the Secret's certificate; upkeep looks again within a minute.
  auto secret = *Secret("web-tls");
  server.reset();
  server = Serve(Data(secret, "tls.crt"), Data(secret, "tls.key"), port);
  ASSERT_NE(server, nullptr);
  clock_.Advance(kServingRecheck);
  ASSERT_TRUE(Eventually([&] { return controller::IsConditionTrue(Get(), "Served"); }))
      << Get().dump();
  EXPECT_EQ(Get()["status"]["servedSerial"], Get()["status"]["serialNumber"]);
  EXPECT_THAT(Condition("Served"), HasSubstr("True/Serving"));

  // Gone: Unreachable, with the address in the message.
  server.reset();
  json patch = {{"spec", {{"verifyServing", {{"timeoutSeconds", 2}}}}}};
  ASSERT_TRUE(client()
                  .Patch(api::v1alpha1::CertRenewals(), "default", "web",
                         controller::PatchType::kMerge, patch)
                  .ok());
  ASSERT_TRUE(Eventually([&] { return Condition("Served").starts_with("False/Unreachable"); }))
      << Get().dump();
  EXPECT_THAT(Condition("Served"), HasSubstr(address));

  // Not asked for any more: no Served condition, no servedSerial.
  json remove = {{"spec", {{"verifyServing", nullptr}}}};
  ASSERT_TRUE(client()
                  .Patch(api::v1alpha1::CertRenewals(), "default", "web",
                         controller::PatchType::kMerge, remove)
                  .ok());
  ASSERT_TRUE(Eventually([&] { return Condition("Served").empty(); })) << Get().dump();
  EXPECT_FALSE(Get()["status"].contains("servedSerial"));
  EXPECT_EQ(Get()["status"]["revision"], 1);  // checking serving never re-issues
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
