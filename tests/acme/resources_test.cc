#include "acme/resources.h"

#include <gtest/gtest.h>

#include "controller/object/kube_time.h"

namespace upkeep::acme {
namespace {

TEST(ParseDirectoryTest, ReadsEndpointsAndMeta) {
  // As pebble 2.4 serves it: no renewalInfo.
  auto json = nlohmann::json::parse(R"({
    "keyChange": "https://127.0.0.1:14000/rollover-account-key",
    "meta": {"externalAccountRequired": true,
             "termsOfService": "data:text/plain,Do%20what%20thou%20wilt"},
    "newAccount": "https://127.0.0.1:14000/sign-me-up",
    "newNonce": "https://127.0.0.1:14000/nonce-plz",
    "newOrder": "https://127.0.0.1:14000/order-plz",
    "revokeCert": "https://127.0.0.1:14000/revoke-cert"})");
  auto d = ParseDirectory(json, "https://127.0.0.1:14000/dir");
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->new_nonce, "https://127.0.0.1:14000/nonce-plz");
  EXPECT_EQ(d->new_account, "https://127.0.0.1:14000/sign-me-up");
  EXPECT_EQ(d->new_order, "https://127.0.0.1:14000/order-plz");
  EXPECT_EQ(d->renewal_info, "");
  EXPECT_TRUE(d->external_account_required);
  EXPECT_EQ(d->terms_of_service, "data:text/plain,Do%20what%20thou%20wilt");
}

TEST(ParseDirectoryTest, NamesTheMissingMember) {
  auto d = ParseDirectory({{"newNonce", "https://x/nonce"}, {"newAccount", "https://x/acct"}},
                          "https://x/dir");
  EXPECT_EQ(d.status().code(), absl::StatusCode::kInternal);
  EXPECT_NE(std::string(d.status().message())
                .find("directory from https://x/dir: member "
                      "\"newOrder\" is missing"),
            std::string::npos)
      << d.status();
}

TEST(ParseOrderTest, ReadsAnInvalidOrderWithItsError) {
  auto json = nlohmann::json::parse(R"({
    "status": "invalid",
    "expires": "2026-12-01T11:03:26Z",
    "identifiers": [{"type": "dns", "value": "a.test"}, {"type": "ip", "value": "127.0.0.1"}],
    "finalize": "https://ca/finalize/1",
    "authorizations": ["https://ca/authz/1", "https://ca/authz/2"],
    "error": {"type": "urn:ietf:params:acme:error:unauthorized", "detail": "nope", "status": 403}
  })");
  auto o = ParseOrder(json, "https://ca/order/1");
  ASSERT_TRUE(o.ok()) << o.status();
  EXPECT_EQ(o->url, "https://ca/order/1");
  EXPECT_EQ(o->status, OrderStatus::kInvalid);
  EXPECT_EQ(o->identifiers,
            (std::vector<Identifier>{Identifier::Dns("a.test"), Identifier::Ip("127.0.0.1")}));
  EXPECT_EQ(o->authorization_urls.size(), 2u);
  EXPECT_EQ(o->finalize_url, "https://ca/finalize/1");
  EXPECT_EQ(o->certificate_url, "");
  EXPECT_EQ(o->expires, *controller::ParseRfc3339("2026-12-01T11:03:26Z"));
  ASSERT_TRUE(o->error.has_value());
  EXPECT_EQ(o->error->ShortType(), "unauthorized");
}

TEST(ParseOrderTest, RejectsAnUnknownStatus) {
  auto o = ParseOrder({{"status", "exploded"},
                       {"identifiers", nlohmann::json::array()},
                       {"authorizations", nlohmann::json::array()},
                       {"finalize", "f"}},
                      "https://ca/order/1");
  EXPECT_NE(std::string(o.status().message()).find("\"exploded\" is not a known status"),
            std::string::npos);
}

TEST(ParseAuthorizationTest, ReadsChallengesAndFindsByType) {
  auto json = nlohmann::json::parse(R"({
    "status": "pending",
    "identifier": {"type": "dns", "value": "www.a.test"},
    "challenges": [
      {"type": "dns-01", "url": "https://ca/chal/1", "token": "t1", "status": "pending"},
      {"type": "http-01", "url": "https://ca/chal/2", "token": "t2", "status": "invalid",
       "error": {"type": "urn:ietf:params:acme:error:connection", "detail": "refused"}}],
    "expires": "2026-12-01T11:03:26Z"})");
  auto a = ParseAuthorization(json, "https://ca/authz/1");
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->identifier, Identifier::Dns("www.a.test"));
  EXPECT_EQ(a->status, AuthorizationStatus::kPending);
  const Challenge* http = a->FindChallenge("http-01");
  ASSERT_NE(http, nullptr);
  EXPECT_EQ(http->token, "t2");
  EXPECT_EQ(http->status, ChallengeStatus::kInvalid);
  EXPECT_EQ(http->error->detail, "refused");
  EXPECT_EQ(a->FindChallenge("tls-alpn-01"), nullptr);
}

TEST(ParseRenewalInfoTest, ReadsTheSuggestedWindow) {
  auto info = ParseRenewalInfo(nlohmann::json::parse(R"({
    "suggestedWindow": {"start": "2025-01-02T04:00:00Z", "end": "2025-01-03T04:00:00Z"},
    "explanationURL": "https://acme.example.com/docs/ari"})"),
                               "https://ca/renewal-info/x.y");
  ASSERT_TRUE(info.ok()) << info.status();
  EXPECT_EQ(info->window_start, *controller::ParseRfc3339("2025-01-02T04:00:00Z"));
  EXPECT_EQ(info->window_end, *controller::ParseRfc3339("2025-01-03T04:00:00Z"));
  EXPECT_EQ(info->explanation_url, "https://acme.example.com/docs/ari");
}

TEST(ParseRenewalInfoTest, RejectsAWindowThatEndsBeforeItStarts) {
  auto info = ParseRenewalInfo(
      {{"suggestedWindow", {{"start", "2025-01-03T04:00:00Z"}, {"end", "2025-01-02T04:00:00Z"}}}},
      "https://ca/ri");
  EXPECT_FALSE(info.ok());
}

}  // namespace
}  // namespace upkeep::acme
