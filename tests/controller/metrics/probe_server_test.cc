#include "controller/metrics/probe_server.h"

#include <atomic>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/controller/metrics/http_get.h"

namespace upkeep::controller {
namespace {

using testing::HasSubstr;
using testing_http::HttpGet;
using testing_http::HttpResult;

class ProbeServerTest : public testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(server_.Start().ok()); }
  HttpResult Get(const std::string& target) { return HttpGet(server_.port(), target); }

  ProbeServer server_{"127.0.0.1:0"};
};

TEST_F(ProbeServerTest, PingAnswersWhenNoChecksAreRegistered) {
  for (const char* path : {"/healthz", "/livez", "/readyz"}) {
    HttpResult r = Get(path);
    EXPECT_EQ(r.status, 200) << path << " " << r.error;
    EXPECT_EQ(r.body, "ok") << path;
  }
  EXPECT_EQ(Get("/readyz?verbose").body, "[+]ping ok\nhealthz check passed\n");
}

TEST_F(ProbeServerTest, ReadyzFailsUntilTheReadyCheckPasses) {
  std::atomic<bool> synced = false;
  ASSERT_TRUE(server_
                  .AddReadyCheck("informers-synced",
                                 [&] {
                                   return synced ? absl::OkStatus()
                                                 : absl::UnavailableError("secret cache empty");
                                 })
                  .ok());
  ASSERT_TRUE(server_.AddReadyCheck("leader", [] { return absl::OkStatus(); }).ok());

  HttpResult r = Get("/readyz");
  EXPECT_EQ(r.status, 500) << r.error;
  EXPECT_EQ(r.body,
            "[-]informers-synced failed: reason withheld\n[+]leader ok\nhealthz check failed\n");
  // The per-check path tells why.
  r = Get("/readyz/informers-synced");
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "internal server error: secret cache empty\n");
  // Liveness is not held up by readiness.
  EXPECT_EQ(Get("/healthz").status, 200);

  synced = true;
  r = Get("/readyz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(Get("/readyz/informers-synced").body, "ok");
}

TEST_F(ProbeServerTest, VerboseListsEveryCheck) {
  ASSERT_TRUE(server_.AddHealthCheck("ping", [] { return absl::OkStatus(); }).ok());
  ASSERT_TRUE(server_.AddHealthCheck("apiserver", [] { return absl::OkStatus(); }).ok());
  HttpResult r = Get("/healthz?verbose");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[+]apiserver ok\n[+]ping ok\nhealthz check passed\n");
  EXPECT_THAT(r.headers, HasSubstr("text/plain; charset=utf-8"));
}

TEST_F(ProbeServerTest, ExcludeSkipsACheck) {
  ASSERT_TRUE(server_.AddHealthCheck("broken", [] { return absl::InternalError("x"); }).ok());
  EXPECT_EQ(Get("/healthz").status, 500);
  HttpResult r = Get("/healthz?exclude=broken&verbose");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "[+]broken excluded: ok\nhealthz check passed\n");
  r = Get("/healthz?exclude=nope");
  EXPECT_EQ(r.status, 500);
  EXPECT_THAT(r.body, HasSubstr("no matches for \"nope\""));
}

TEST_F(ProbeServerTest, UnknownPathsAre404) {
  EXPECT_EQ(Get("/metrics").status, 404);
  EXPECT_EQ(Get("/readyz/nope").status, 404);
}

TEST(ProbeServerChecksTest, RefusesDuplicateAndInvalidNames) {
  ProbeServer server("0");
  ASSERT_TRUE(server.AddReadyCheck("a", [] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(server.AddReadyCheck("a", [] { return absl::OkStatus(); }).code(),
            absl::StatusCode::kAlreadyExists);
  EXPECT_TRUE(server.AddHealthCheck("a", [] { return absl::OkStatus(); }).ok());
  EXPECT_EQ(server.AddHealthCheck("", [] { return absl::OkStatus(); }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(server.AddHealthCheck("a/b", [] { return absl::OkStatus(); }).code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(server.Start().ok());
  EXPECT_FALSE(server.enabled());
}

}  // namespace
}  // namespace upkeep::controller
