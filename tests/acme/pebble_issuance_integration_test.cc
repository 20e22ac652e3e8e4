// Issuance against a real pebble with real HTTP-01 validation of Http01Solver.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "acme/problem.h"
#include "acme/renewal_cert_id.h"
#include "tests/acme/pebble_fixture.h"

namespace upkeep::acme {
namespace {

using ::testing::HasSubstr;

// Answers nothing: the token is never served, so the CA's validation gets a 404.
class SilentSolver final : public ChallengeSolver {
 public:
  std::string ChallengeType() const override { return "http-01"; }
  absl::Status Present(const std::string&, const std::string&) override { return absl::OkStatus(); }
  void CleanUp(const std::string&) override {}
};

class PebbleIssuanceTest : public PebbleFixture {};

TEST_F(PebbleIssuanceTest, IssuesAChainOpensslVerifiesForExactlyTheNames) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  auto account = client->RegisterAccount(*key, {"ops@example.test", true, std::nullopt});
  ASSERT_TRUE(account.ok()) << account.status();

  auto issued = ObtainCertificate(
      *client, *solver_, clock_,
      Request({Identifier::Dns("test1.example.test"), Identifier::Dns("www.test1.example.test")},
              MakeCsr({"test1.example.test", "www.test1.example.test"})));
  ASSERT_TRUE(issued.ok()) << issued.status() << "\n" << pebble_->LogTail();

  std::vector<std::string> chain = SplitPemChain(issued->certificate_chain_pem);
  ASSERT_GE(chain.size(), 2u);  // leaf first, then pebble's intermediate
  CommandResult verified = VerifyWithOpenssl(issued->certificate_chain_pem);
  EXPECT_EQ(verified.exit_code, 0) << verified.output;
  EXPECT_THAT(verified.output, HasSubstr("leaf.pem: OK"));
  EXPECT_EQ(SubjectAltNames(issued->certificate_chain_pem),
            "DNS:test1.example.test, DNS:www.test1.example.test");
  // Each name was validated by a request pebble made to the solver.
  EXPECT_GE(solver_->served(), 2);
}

TEST_F(PebbleIssuanceTest, StepsResumeFromAStoredOrderUrlAfterARestart) {
  StartPebble();
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  std::string account_url;
  std::string order_url;
  {
    // The first controller: registers, orders and accepts the challenge, then "crashes".
    auto client = NewClient();
    ASSERT_NE(client, nullptr);
    auto account = client->RegisterAccount(*key, {"", true, std::nullopt});
    ASSERT_TRUE(account.ok()) << account.status();
    account_url = *account;
    auto order = client->NewOrder({{Identifier::Dns("resume.example.test")}, ""});
    ASSERT_TRUE(order.ok()) << order.status();
    EXPECT_EQ(order->status, OrderStatus::kPending);
    ASSERT_EQ(order->authorization_urls.size(), 1u);
    EXPECT_FALSE(order->finalize_url.empty());
    EXPECT_TRUE(order->expires.has_value());
    order_url = order->url;

    auto authz = client->GetAuthorization(order->authorization_urls[0]);
    ASSERT_TRUE(authz.ok()) << authz.status();
    EXPECT_EQ(authz->identifier, Identifier::Dns("resume.example.test"));
    const Challenge* http = authz->FindChallenge("http-01");
    ASSERT_NE(http, nullptr);
    auto key_authorization = client->KeyAuthorization(http->token);
    ASSERT_TRUE(key_authorization.ok());
    EXPECT_EQ(*key_authorization, KeyAuthorization(*key, http->token));
    ASSERT_TRUE(solver_->Present(http->token, *key_authorization).ok());
    auto accepted = client->AcceptChallenge(http->url);
    ASSERT_TRUE(accepted.ok()) << accepted.status();
  }
  // The next controller knows only the account key and the stored order URL.
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto found = client->FindAccount(*key);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, account_url);
  ObtainRequest request = Request({}, MakeCsr({"resume.example.test"}));
  request.order_url = order_url;
  auto issued = ObtainCertificate(*client, *solver_, clock_, request);
  ASSERT_TRUE(issued.ok()) << issued.status() << "\n" << pebble_->LogTail();
  EXPECT_EQ(issued->order_url, order_url);
  EXPECT_EQ(VerifyWithOpenssl(issued->certificate_chain_pem).exit_code, 0);

  auto order = client->GetOrder(order_url);
  ASSERT_TRUE(order.ok()) << order.status();
  EXPECT_EQ(order->status, OrderStatus::kValid);
  EXPECT_EQ(order->certificate_url, issued->certificate_url);
}

TEST_F(PebbleIssuanceTest, IssuesForAnIpAddressWithAnRsaAccountKey) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate(KeyAlgorithm::kRs256);
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(client->RegisterAccount(*key, {"", true, std::nullopt}).ok());

  auto issued =
      ObtainCertificate(*client, *solver_, clock_,
                        Request({Identifier::Ip("127.0.0.1")}, MakeCsr({}, {"127.0.0.1"})));
  ASSERT_TRUE(issued.ok()) << issued.status() << "\n" << pebble_->LogTail();
  EXPECT_EQ(VerifyWithOpenssl(issued->certificate_chain_pem).exit_code, 0);
  EXPECT_EQ(SubjectAltNames(issued->certificate_chain_pem), "IP Address:127.0.0.1");
}

TEST_F(PebbleIssuanceTest, IssuesWhenHalfTheNoncesAreRejected) {
  testing::PebbleOptions options;
  options.nonce_reject_percent = 50;
  StartPebble(options);
  std::mutex mu;
  int posts = 0;
  int bad_nonces = 0;
  auto client = NewClient([&](const AcmeExchange& exchange) {
    std::lock_guard<std::mutex> lock(mu);
    if (exchange.method == "POST") ++posts;
    if (exchange.acme_error_type == "urn:ietf:params:acme:error:badNonce") ++bad_nonces;
  }, /*max_bad_nonce_retries=*/25);
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  auto account = client->RegisterAccount(*key, {"", true, std::nullopt});
  ASSERT_TRUE(account.ok()) << account.status();

  auto issued = ObtainCertificate(
      *client, *solver_, clock_,
      Request({Identifier::Dns("nonce.example.test"), Identifier::Dns("www.nonce.example.test")},
              MakeCsr({"nonce.example.test", "www.nonce.example.test"})));
  ASSERT_TRUE(issued.ok()) << issued.status() << "\n" << pebble_->LogTail();
  EXPECT_EQ(VerifyWithOpenssl(issued->certificate_chain_pem).exit_code, 0);
  // pebble really rejected nonces (about half of the POSTs), and each was retried.
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_GT(bad_nonces, 0) << posts << " POSTs";
}

TEST_F(PebbleIssuanceTest, UnansweredChallengeInvalidatesTheOrderAndSaysWhy) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(client->RegisterAccount(*key, {"", true, std::nullopt}).ok());

  // Step by step: accept without presenting; the CA's request gets the solver's 404.
  auto order = client->NewOrder({{Identifier::Dns("unanswered.example.test")}, ""});
  ASSERT_TRUE(order.ok()) << order.status();
  auto authz = client->GetAuthorization(order->authorization_urls[0]);
  ASSERT_TRUE(authz.ok()) << authz.status();
  const Challenge* http = authz->FindChallenge("http-01");
  ASSERT_NE(http, nullptr);
  ASSERT_TRUE(client->AcceptChallenge(http->url).ok());
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (authz->status == AuthorizationStatus::kPending &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    authz = client->GetAuthorization(order->authorization_urls[0]);
    ASSERT_TRUE(authz.ok()) << authz.status();
  }
  EXPECT_EQ(authz->status, AuthorizationStatus::kInvalid);
  const Challenge* failed = authz->FindChallenge("http-01");
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(failed->status, ChallengeStatus::kInvalid);
  ASSERT_TRUE(failed->error.has_value());
  EXPECT_EQ(failed->error->ShortType(), "unauthorized");
  EXPECT_THAT(failed->error->detail, HasSubstr("404"));
  auto invalid_order = client->GetOrder(order->url);
  ASSERT_TRUE(invalid_order.ok()) << invalid_order.status();
  EXPECT_EQ(invalid_order->status, OrderStatus::kInvalid);

  // The whole flow reports the same, naming the identifier.
  SilentSolver silent;
  auto issued = ObtainCertificate(
      *client, silent, clock_,
      Request({Identifier::Dns("silent.example.test")}, MakeCsr({"silent.example.test"})));
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kPermissionDenied) << issued.status();
  EXPECT_TRUE(HasAcmeError(issued.status(), "unauthorized")) << issued.status();
  EXPECT_THAT(std::string(issued.status().message()),
              HasSubstr("authorization of dns:silent.example.test"));
  EXPECT_THAT(std::string(issued.status().message()), HasSubstr("404"));
}

TEST_F(PebbleIssuanceTest, ReusedValidAuthorizationsNeedNoNewChallenge) {
  testing::PebbleOptions options;
  options.authz_reuse_percent = 100;
  StartPebble(options);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(client->RegisterAccount(*key, {"", true, std::nullopt}).ok());
  auto first = ObtainCertificate(
      *client, *solver_, clock_,
      Request({Identifier::Dns("reuse.example.test")}, MakeCsr({"reuse.example.test"})));
  ASSERT_TRUE(first.ok()) << first.status();

  // A renewal soon after: the CA reuses the valid authorization, so nothing is validated
  // and a solver that serves nothing is enough.
  SilentSolver silent;
  auto renewed = ObtainCertificate(
      *client, silent, clock_,
      Request({Identifier::Dns("reuse.example.test")}, MakeCsr({"reuse.example.test"})));
  ASSERT_TRUE(renewed.ok()) << renewed.status();
  EXPECT_NE(renewed->order_url, first->order_url);
  EXPECT_EQ(VerifyWithOpenssl(renewed->certificate_chain_pem).exit_code, 0);
}

TEST_F(PebbleIssuanceTest, RenewalInfoIsUnimplementedBecausePebble24HasNoAri) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  // pebble 2.4's directory has no renewalInfo; ARI arrived in pebble 2.5.
  EXPECT_EQ(client->directory().renewal_info, "");
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(client->RegisterAccount(*key, {"", true, std::nullopt}).ok());
  auto issued = ObtainCertificate(
      *client, *solver_, clock_,
      Request({Identifier::Dns("ari.example.test")}, MakeCsr({"ari.example.test"})));
  ASSERT_TRUE(issued.ok()) << issued.status();
  std::string leaf_der = PemToDer(SplitPemChain(issued->certificate_chain_pem).front());

  // The CertID still comes from the certificate (pebble's carry an AKI)...
  auto cert_id = RenewalCertId(leaf_der);
  ASSERT_TRUE(cert_id.ok()) << cert_id.status();
  EXPECT_NE(cert_id->find('.'), std::string::npos);
  // ...but the CA cannot be asked, and says so.
  auto info = client->GetRenewalInfo(leaf_der);
  EXPECT_EQ(info.status().code(), absl::StatusCode::kUnimplemented);
  EXPECT_THAT(std::string(info.status().message()), HasSubstr("no renewalInfo"));
}

}  // namespace
}  // namespace upkeep::acme
