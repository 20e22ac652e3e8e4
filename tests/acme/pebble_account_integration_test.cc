// Accounts, external account binding, TLS trust and outages against a real pebble.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "acme/problem.h"
#include "tests/acme/pebble_fixture.h"

namespace upkeep::acme {
namespace {

using ::testing::HasSubstr;

// pebble's own example MAC keys, from
// /usr/share/doc/pebble/examples/pebble-config-external-account-bindings.json.
constexpr char kMacKey[] = "zWNDZM6eQGHWpSRTPal5eIUYFTu7EajVIoguysqZ9wG44nMEtx3MUAsUDkMTQ12W";
constexpr char kOtherMacKey[] = "b10lLJs8l1GPIzsLP0s6pMt8O0XVGnfTaCeROxQM0BIt2XrJMDHJZBM5NuQmQJQH";

class PebbleAccountTest : public PebbleFixture {};

TEST_F(PebbleAccountTest, TheSameKeyFindsTheSameAccountAndANewKeyNone) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  auto registered = client->RegisterAccount(*key, {"ops@example.test", true, std::nullopt});
  ASSERT_TRUE(registered.ok()) << registered.status();
  EXPECT_THAT(*registered, HasSubstr("https://127.0.0.1:"));

  // A restarted controller loads the key from its Secret and finds the account again.
  auto reloaded = AccountKey::FromPem(key->ToPem());
  ASSERT_TRUE(reloaded.ok());
  auto other_client = NewClient();
  ASSERT_NE(other_client, nullptr);
  auto found = other_client->FindAccount(*reloaded);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, *registered);
  // Registering an existing key returns its account rather than a second one.
  auto again = other_client->RegisterAccount(*reloaded, {"ops@example.test", true, std::nullopt});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(*again, *registered);

  auto stranger = AccountKey::Generate();
  ASSERT_TRUE(stranger.ok());
  auto none = other_client->FindAccount(*stranger);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kNotFound) << none.status();
  EXPECT_TRUE(HasAcmeError(none.status(), "accountDoesNotExist")) << none.status();
}

TEST_F(PebbleAccountTest, OrdersNeedAnAccount) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto order = client->NewOrder({{Identifier::Dns("a.example.test")}, ""});
  EXPECT_EQ(order.status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(PebbleAccountTest, ExternalAccountBindingIsRequiredAndChecked) {
  testing::PebbleOptions options;
  options.eab_mac_keys = {{"kid-1", kMacKey}};
  StartPebble(options);
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  EXPECT_TRUE(client->directory().external_account_required);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());

  auto without = client->RegisterAccount(*key, {"", true, std::nullopt});
  EXPECT_EQ(without.status().code(), absl::StatusCode::kFailedPrecondition) << without.status();
  EXPECT_TRUE(HasAcmeError(without.status(), "externalAccountRequired")) << without.status();

  auto wrong_key = client->RegisterAccount(
      *key, {"", true, ExternalAccountBinding{"kid-1", kOtherMacKey, "HS256"}});
  EXPECT_FALSE(wrong_key.ok());
  EXPECT_NE(AcmeErrorType(wrong_key.status()), "") << wrong_key.status();

  auto unknown_kid = client->RegisterAccount(
      *key, {"", true, ExternalAccountBinding{"kid-404", kMacKey, "HS256"}});
  EXPECT_FALSE(unknown_kid.ok());

  auto bound =
      client->RegisterAccount(*key, {"", true, ExternalAccountBinding{"kid-1", kMacKey, "HS256"}});
  ASSERT_TRUE(bound.ok()) << bound.status() << "\n" << pebble_->LogTail();
  auto found = client->FindAccount(*key);
  ASSERT_TRUE(found.ok()) << found.status();
  EXPECT_EQ(*found, *bound);
}

TEST_F(PebbleAccountTest, TlsIsVerifiedAgainstTheSystemTrustWithoutABundle) {
  StartPebble();
  AcmeClientOptions options;
  options.directory_url = pebble_->directory_url();  // no CA bundle: pebble is not trusted
  options.request_timeout = std::chrono::seconds(5);
  auto client = AcmeClient::Create(options, clock_);
  EXPECT_EQ(client.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(client.status().message()), HasSubstr("system trust store"));
}

TEST_F(PebbleAccountTest, AStoppedServerIsUnavailableQuicklyAndARestartedOneWorks) {
  StartPebble();
  auto client = NewClient();
  ASSERT_NE(client, nullptr);
  auto key = AccountKey::Generate();
  ASSERT_TRUE(key.ok());
  ASSERT_TRUE(client->RegisterAccount(*key, {"", true, std::nullopt}).ok());

  pebble_->Stop();
  auto started = std::chrono::steady_clock::now();
  auto order = client->NewOrder({{Identifier::Dns("down.example.test")}, ""});
  auto elapsed = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(order.status().code(), absl::StatusCode::kUnavailable) << order.status();
  EXPECT_THAT(std::string(order.status().message()), HasSubstr("https://127.0.0.1:"));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  AcmeClientOptions fresh_options;
  fresh_options.directory_url = pebble_->directory_url();
  fresh_options.ca_bundle_pem = pebble_->tls_ca_pem();
  auto fresh = AcmeClient::Create(fresh_options, clock_);
  EXPECT_EQ(fresh.status().code(), absl::StatusCode::kUnavailable) << fresh.status();
  EXPECT_THAT(std::string(fresh.status().message()), HasSubstr(pebble_->directory_url()));

  // pebble comes back with no memory: the account is gone and is registered again; the
  // client's pooled nonces are stale and get rejected, which the badNonce retry absorbs.
  ASSERT_TRUE(pebble_->Restart().ok()) << pebble_->LogTail();
  auto lost = client->FindAccount(*key);
  EXPECT_EQ(lost.status().code(), absl::StatusCode::kNotFound) << lost.status();
  ASSERT_TRUE(client->RegisterAccount(*key, {"", true, std::nullopt}).ok());
  auto issued = ObtainCertificate(
      *client, *solver_, clock_,
      Request({Identifier::Dns("back.example.test")}, MakeCsr({"back.example.test"})));
  ASSERT_TRUE(issued.ok()) << issued.status() << "\n" << pebble_->LogTail();
  EXPECT_EQ(VerifyWithOpenssl(issued->certificate_chain_pem).exit_code, 0);
}

}  // namespace
}  // namespace upkeep::acme
