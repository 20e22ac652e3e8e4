// The CertRenewal controller against Let's Encrypt's test CA, pebble, with real HTTP-01
// validation of upkeep's own solver: the Secret's chain passes `openssl verify` against
// pebble's root for exactly the requested names and matches tls.key; a short-lived
// certificate is renewed at two thirds of its lifetime with a new key; a deleted or damaged
// Secret is issued again; the ACME account key is kept in its Secret and the account is
// reused, not re-created; a pebble outage is a clear failure with backoff, then recovery.
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver/api/base64.h"
#include "controller/manifests/manifests.h"
#include "controller/object/conditions.h"
#include "controller/object/kube_time.h"
#include "controller/runtime/manager.h"
#include "crds/v1alpha1/group_version.h"
#include "crypto/certificate_info.h"
#include "reconcilers/certs/certrenewal_reconciler.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"
#include "tests/support/free_port.h"
#include "tests/support/openssl_verify.h"
#include "tests/support/pebble_process.h"

namespace upkeep::reconcilers::certs {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using testing::ApiServerProcess;
using testing::Eventually;
using testing::OpensslVerify;
using testing::PebbleOptions;
using testing::PebbleProcess;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

class AcmeIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    solver_port_ = testing::PickFreePort();
    PebbleOptions options = Pebble();
    options.http_port = solver_port_;
    auto pebble = PebbleProcess::Start(options);
    ASSERT_TRUE(pebble.ok()) << pebble.status();
    pebble_ = std::move(*pebble);
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    StartManager();
    auto crd = controller::ReadManifests(std::string(UPKEEP_SOURCE_DIR) +
                                         "/crds/upkeep.dev_certrenewals.yaml");
    ASSERT_TRUE(crd.ok());
    ASSERT_TRUE(controller::ManifestApplier(client()).Apply(*crd).ok());
  }

  // The pebble this test runs against; the solver port is filled in.
  virtual PebbleOptions Pebble() { return {}; }

  void StartManager() {
    controller::ManagerOptions options;
    options.client_config = server_->client_config();
    options.metrics_bind_address = "0";
    options.health_probe_bind_address = "0";
    auto manager = controller::Manager::Create(options);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = std::move(*manager);
    AcmeIssuerOptions acme;
    acme.solver_address = "127.0.0.1";
    acme.solver_pod_ip = "127.0.0.1";  // where the challenge's EndpointSlice points
    acme.timeout = 60s;
    certs_ = std::make_unique<CertRenewalController>(*manager_, acme);
    stop_ = std::stop_source();
    run_ = std::thread([this] { (void)manager_->Run(stop_.get_token()); });
  }

  void StopManager() {
    stop_.request_stop();
    if (run_.joinable()) run_.join();
    certs_.reset();
    manager_.reset();
  }

  void TearDown() override { StopManager(); }

  controller::KubeClient& client() { return manager_->client(); }

  json AcmeSpec(const std::string& secret, std::vector<std::string> names) {
    return {{"secretName", secret},
            {"dnsNames", names},
            {"issuer",
             {{"acme",
               {{"server", pebble_->directory_url()},
                {"email", "ops@example.test"},
                {"accountKeySecretRef", {{"name", "acme-account"}}},
                {"caBundle", pebble_->tls_ca_pem()},
                {"solver", {{"http01", {{"port", solver_port_}}}}}}}}}};
  }

  void Create(const std::string& name, const json& spec) {
    json cr = {{"apiVersion", "upkeep.dev/v1alpha1"},
               {"kind", "CertRenewal"},
               {"metadata", {{"name", name}, {"namespace", "default"}}},
               {"spec", spec}};
    auto created = client().Create(api::v1alpha1::CertRenewals(), "default", cr);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  json Get(const std::string& name) {
    auto got = client().Get(api::v1alpha1::CertRenewals(), "default", name);
    return got.ok() ? *got : json::object();
  }

  std::string Data(const std::string& secret, const char* key) {
    auto got = client().Get(controller::resources::Secrets(), "default", secret);
    if (!got.ok()) return "";
    return apiserver::Base64Decode((*got)["data"].value(key, "")).value_or("");
  }

  bool WaitReady(const std::string& name, std::chrono::seconds timeout = 60s) {
    return Eventually([&] { return controller::IsConditionTrue(Get(name), "Ready"); }, timeout,
                      50ms);
  }

  // Waits until status.revision reaches `revision` with Ready True.
  bool WaitRevision(const std::string& name, int64_t revision) {
    return Eventually([&] {
      json cr = Get(name);
      return cr.contains("status") && cr["status"].value("revision", 0) >= revision &&
             controller::IsConditionTrue(cr, "Ready");
    }, 60s, 50ms);
  }

  int solver_port_ = 0;
  std::unique_ptr<PebbleProcess> pebble_;
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<controller::Manager> manager_;
  std::unique_ptr<CertRenewalController> certs_;
  std::stop_source stop_;
  std::thread run_;
};

TEST_F(AcmeIntegrationTest, IssuesAChainPebbleSignedForExactlyTheNames) {
  Create("site", AcmeSpec("site-tls", {"site.example.test", "www.site.example.test"}));
  ASSERT_TRUE(WaitReady("site")) << Get("site").dump() << "\n" << pebble_->LogTail();
  std::string chain = Data("site-tls", "tls.crt");
  auto parsed = crypto::ParseCertificateChainPem(chain);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_THAT(parsed->front().dns_names, ElementsAre("site.example.test", "www.site.example.test"));
  auto key = crypto::PrivateKey::ParsePem(Data("site-tls", "tls.key"));
  ASSERT_TRUE(key.ok());
  EXPECT_TRUE(crypto::PublicKeyMatches(parsed->front(), *key));
  // The independent judge: the openssl CLI, with pebble's root of this run as the only anchor.
  for (const char* host : {"site.example.test", "www.site.example.test"}) {
    auto [rc, out] = OpensslVerify(pebble_->root_pem(), chain, host);
    EXPECT_EQ(rc, 0) << host << ": " << out;
  }
  auto [rc, out] = OpensslVerify(pebble_->root_pem(), chain, "other.example.test");
  EXPECT_NE(rc, 0) << "a name that was not requested verified: " << out;
  json status = Get("site")["status"];
  EXPECT_THAT(status.value("acmeAccountURI", ""), HasSubstr("/my-account/"));
  EXPECT_FALSE(Data("acme-account", "tls.key").empty());  // the account key is kept
}

TEST_F(AcmeIntegrationTest, AccountIsReusedAcrossRestartsNotRecreated) {
  Create("a", AcmeSpec("a-tls", {"a.example.test"}));
  ASSERT_TRUE(WaitReady("a")) << Get("a").dump();
  std::string account = Get("a")["status"]["acmeAccountURI"];
  std::string account_key = Data("acme-account", "tls.key");
  StopManager();  // the controller restarts
  StartManager();
  Create("b", AcmeSpec("b-tls", {"b.example.test"}));
  ASSERT_TRUE(WaitReady("b")) << Get("b").dump();
  EXPECT_EQ(Get("b")["status"]["acmeAccountURI"], account);
  EXPECT_EQ(Data("acme-account", "tls.key"), account_key);
}

// The issuer keeps its client and account between issuances; a CA that forgot the account
// (pebble keeps accounts in memory) is answered by registering it again, not by a failure.
TEST_F(AcmeIntegrationTest, AKeptAccountTheCaForgotIsRegisteredAgainWithoutAFailure) {
  Create("before", AcmeSpec("before-tls", {"before.example.test"}));
  ASSERT_TRUE(WaitReady("before")) << Get("before").dump();
  ASSERT_TRUE(pebble_->Restart().ok());
  Create("after", AcmeSpec("after-tls", {"after.example.test"}));
  ASSERT_TRUE(WaitReady("after", 30s)) << Get("after").dump();
  json status = Get("after")["status"];
  EXPECT_FALSE(status.contains("failedIssuanceAttempts")) << status.dump();
}

TEST_F(AcmeIntegrationTest, PebbleOutageIsAClearFailureThatBacksOffNotAHotLoop) {
  pebble_->Stop();
  Create("down", AcmeSpec("down-tls", {"down.example.test"}));
  ASSERT_TRUE(Eventually([&] {
    auto c = controller::FindCondition(Get("down"), "Issuing");
    return c && c->reason == "Failed";
  }, 30s)) << Get("down").dump();
  auto issuing = controller::FindCondition(Get("down"), "Issuing");
  EXPECT_THAT(issuing->message, HasSubstr(pebble_->directory_url()));
  EXPECT_THAT(issuing->message, HasSubstr("retrying at"));
  // One failed attempt, then the 1 h backoff: no hot loop against a CA that is down.
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(Get("down")["status"]["failedIssuanceAttempts"], 1);
  EXPECT_TRUE(Data("down-tls", "tls.crt").empty());
  // The issuer itself is not stuck: with the CA back, a new certificate is issued.
  ASSERT_TRUE(pebble_->Restart().ok());
  Create("up", AcmeSpec("up-tls", {"up.example.test"}));
  ASSERT_TRUE(WaitReady("up")) << Get("up").dump();
}

// A deleted Secret and a damaged one are each issued again by the CA: a new order, a new
// certificate that verifies against pebble's root, a new serial each time.
TEST_F(AcmeIntegrationTest, DeletedOrCorruptedSecretIsIssuedAgainByTheCa) {
  Create("site", AcmeSpec("site-tls", {"site.example.test"}));
  ASSERT_TRUE(WaitRevision("site", 1)) << Get("site").dump();
  std::string first_serial = Get("site")["status"]["serialNumber"];

  ASSERT_TRUE(client().Delete(controller::resources::Secrets(), "default", "site-tls").ok());
  ASSERT_TRUE(WaitRevision("site", 2)) << Get("site").dump() << "\n" << pebble_->LogTail();
  std::string second_serial = Get("site")["status"]["serialNumber"];
  EXPECT_NE(second_serial, first_serial);
  auto [rc, out] = OpensslVerify(pebble_->root_pem(), Data("site-tls", "tls.crt"),
                                 "site.example.test");
  EXPECT_EQ(rc, 0) << out;

  json damage = {{"data", {{"tls.crt", apiserver::Base64Encode("not a certificate")}}}};
  ASSERT_TRUE(client()
                  .Patch(controller::resources::Secrets(), "default", "site-tls",
                         controller::PatchType::kMerge, damage)
                  .ok());
  ASSERT_TRUE(WaitRevision("site", 3)) << Get("site").dump() << "\n" << pebble_->LogTail();
  EXPECT_NE(Get("site")["status"]["serialNumber"], second_serial);
  auto [rc2, out2] = OpensslVerify(pebble_->root_pem(), Data("site-tls", "tls.crt"),
                                   "site.example.test");
  EXPECT_EQ(rc2, 0) << out2;
  auto key = crypto::PrivateKey::ParsePem(Data("site-tls", "tls.key"));
  ASSERT_TRUE(key.ok());
  auto leaf = crypto::ParseCertificateChainPem(Data("site-tls", "tls.crt"));
  ASSERT_TRUE(leaf.ok());
  EXPECT_TRUE(crypto::PublicKeyMatches(leaf->front(), *key));
  EXPECT_FALSE(Get("site")["status"].contains("failedIssuanceAttempts"));
}

// Renewal in real time: pebble issues 30-second certificates, so the default renewal point,
// a third of the lifetime before notAfter, comes about 20 s after notBefore.
class AcmeShortLivedTest : public AcmeIntegrationTest {
 protected:
  PebbleOptions Pebble() override {
    PebbleOptions options;
    options.certificate_validity_seconds = 30;
    return options;
  }
};

TEST_F(AcmeShortLivedTest, RenewsAtTwoThirdsOfTheLifetimeWithANewKey) {
  Create("short", AcmeSpec("short-tls", {"short.example.test"}));
  ASSERT_TRUE(WaitRevision("short", 1)) << Get("short").dump() << "\n" << pebble_->LogTail();
  json first = Get("short")["status"];
  std::string first_key = Data("short-tls", "tls.key");
  auto not_before = controller::ParseRfc3339(first.value("notBefore", ""));
  auto not_after = controller::ParseRfc3339(first.value("notAfter", ""));
  auto renewal = controller::ParseRfc3339(first.value("renewalTime", ""));
  ASSERT_TRUE(not_before.ok() && not_after.ok() && renewal.ok()) << first.dump();
  // status times are whole seconds, so the computed point may be truncated below.
  auto expected = *not_after - (*not_after - *not_before) / 3;
  EXPECT_LE(*renewal, expected) << first.dump();
  EXPECT_GT(*renewal, expected - 1s) << first.dump();

  // Until shortly before the renewal time, the first certificate stays.
  std::this_thread::sleep_until(*renewal - 1500ms);
  EXPECT_EQ(Get("short")["status"]["revision"], 1) << Get("short").dump();

  ASSERT_TRUE(Eventually([&] { return Get("short")["status"].value("revision", 0) >= 2; }, 20s,
                         50ms))
      << Get("short").dump() << "\n" << pebble_->LogTail();
  json second = Get("short")["status"];
  auto renewed_not_before = controller::ParseRfc3339(second.value("notBefore", ""));
  ASSERT_TRUE(renewed_not_before.ok()) << second.dump();
  // Certificates count whole seconds: the renewal's notBefore may be truncated below it.
  EXPECT_GE(*renewed_not_before, *renewal - 1s) << second.dump();
  EXPECT_LE(*renewed_not_before, *renewal + 10s) << second.dump();  // and not long after
  EXPECT_NE(second["serialNumber"], first["serialNumber"]);
  EXPECT_NE(Data("short-tls", "tls.key"), first_key);  // a new key each time by default
  std::string chain = Data("short-tls", "tls.crt");
  auto key = crypto::PrivateKey::ParsePem(Data("short-tls", "tls.key"));
  auto leaf = crypto::ParseCertificateChainPem(chain);
  ASSERT_TRUE(key.ok() && leaf.ok());
  EXPECT_TRUE(crypto::PublicKeyMatches(leaf->front(), *key));
  auto [rc, out] = OpensslVerify(pebble_->root_pem(), chain, "short.example.test");
  EXPECT_EQ(rc, 0) << out;
}

}  // namespace
}  // namespace upkeep::reconcilers::certs

namespace upkeep::reconcilers::certs {
namespace {

// Every event of one resource type in "default", recorded by a watch until the end of scope.
class EventLog {
 public:
  EventLog(controller::KubeClient& client, controller::ResourceType type) {
    watching_ = std::thread([this, &client, type] {
      controller::WatchOptions options;
      options.timeout_seconds = 120;
      options.allow_bookmarks = false;  // only the objects' own events
      (void)client.Watch(
          type, "default", options,
          [this](controller::WatchEvent&& event) {
            std::lock_guard<std::mutex> lock(mu_);
            events_.push_back(std::move(event));
            return true;
          },
          stop_.get_token());
    });
  }
  ~EventLog() {
    stop_.request_stop();
    watching_.join();
  }
  std::vector<controller::WatchEvent> Events() {
    std::lock_guard<std::mutex> lock(mu_);
    return events_;
  }
  std::vector<std::string> Types() {
    std::vector<std::string> types;
    for (const auto& e : Events()) types.push_back(e.type);
    return types;
  }

 private:
  std::mutex mu_;
  std::vector<controller::WatchEvent> events_;
  std::stop_source stop_;
  std::thread watching_;
};

// solver.http01.ingress: while the order is open an Ingress of the given class routes the
// challenge path of every name to a Service upkeep made, whose EndpointSlice names the
// controller pod's IP and the solver port; once the certificate is issued all three are gone.
// (No ingress controller runs here: pebble reaches the solver directly, as a cluster's
// ingress controller would through these objects.)
TEST_F(AcmeIntegrationTest, IngressAndServiceRouteTheChallengeWhileItIsOpenThenAreRemoved) {
  EventLog ingresses(client(), controller::resources::Ingresses());
  EventLog services(client(), controller::resources::Services());
  EventLog slices(client(), controller::resources::EndpointSlices());
  std::this_thread::sleep_for(200ms);  // the watches are open
  json spec = AcmeSpec("site-tls", {"site.example.test", "www.site.example.test"});
  spec["issuer"]["acme"]["solver"]["http01"]["ingress"] = {
      {"class", "nginx"},
      {"annotations", {{"nginx.ingress.kubernetes.io/ssl-redirect", "false"}}}};
  Create("site", spec);
  ASSERT_TRUE(WaitReady("site")) << Get("site").dump();
  ASSERT_TRUE(Eventually([&] { return ingresses.Types().size() >= 2; })) << Get("site").dump();
  ASSERT_TRUE(Eventually([&] { return slices.Types().size() >= 2; }));

  EXPECT_THAT(ingresses.Types(), ElementsAre("ADDED", "DELETED"));
  EXPECT_THAT(services.Types(), ElementsAre("ADDED", "DELETED"));
  EXPECT_THAT(slices.Types(), ElementsAre("ADDED", "DELETED"));
  const json ingress = ingresses.Events().front().object;
  EXPECT_EQ(ingress["metadata"]["name"], "upkeep-acme-site");
  EXPECT_EQ(ingress["spec"]["ingressClassName"], "nginx");
  EXPECT_EQ(ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/ssl-redirect"],
            "false");
  EXPECT_EQ(ingress["metadata"]["ownerReferences"][0]["kind"], "CertRenewal");
  EXPECT_EQ(ingress["metadata"]["ownerReferences"][0]["uid"], Get("site")["metadata"]["uid"]);
  ASSERT_EQ(ingress["spec"]["rules"].size(), 2u);
  std::vector<std::string> hosts;
  for (const json& rule : ingress["spec"]["rules"]) {
    hosts.push_back(rule["host"]);
    const json& path = rule["http"]["paths"][0];
    EXPECT_EQ(path["path"], "/.well-known/acme-challenge/");
    EXPECT_EQ(path["pathType"], "Prefix");
    EXPECT_EQ(path["backend"]["service"]["name"], "upkeep-acme-site");
    EXPECT_EQ(path["backend"]["service"]["port"]["number"], 80);
  }
  EXPECT_THAT(hosts, ElementsAre("site.example.test", "www.site.example.test"));
  const json service = services.Events().front().object;
  EXPECT_EQ(service["spec"]["ports"][0]["port"], 80);
  EXPECT_EQ(service["spec"]["ports"][0]["targetPort"], solver_port_);
  EXPECT_FALSE(service["spec"].contains("selector"));  // the pod is in another namespace
  const json slice = slices.Events().front().object;
  EXPECT_EQ(slice["metadata"]["labels"]["kubernetes.io/service-name"], "upkeep-acme-site");
  EXPECT_EQ(slice["endpoints"][0]["addresses"][0], "127.0.0.1");
  EXPECT_EQ(slice["ports"][0]["port"], solver_port_);

  // With a Service of the user's own, only the Ingress is made, pointing at it.
  EventLog more_services(client(), controller::resources::Services());
  EventLog more_ingresses(client(), controller::resources::Ingresses());
  std::this_thread::sleep_for(200ms);
  spec = AcmeSpec("own-tls", {"own.example.test"});
  spec["issuer"]["acme"]["solver"]["http01"]["ingress"] = {{"serviceName", "my-solver"}};
  Create("own", spec);
  ASSERT_TRUE(WaitReady("own")) << Get("own").dump();
  ASSERT_TRUE(Eventually([&] { return more_ingresses.Types().size() >= 2; }));
  for (const auto& event : more_services.Events()) {
    ADD_FAILURE() << "unexpected Service event " << event.type << " " << event.object.dump();
  }
  const json own = more_ingresses.Events().front().object;
  EXPECT_EQ(own["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"],
            "my-solver");
  EXPECT_EQ(own["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["port"]["number"],
            solver_port_);
  EXPECT_FALSE(own["spec"].contains("ingressClassName"));  // the cluster's default class
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
