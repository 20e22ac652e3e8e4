#include "acme/obtain_certificate.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

namespace upkeep::acme {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

// Time that jumps to each wait's deadline at once, recording the waits: the flow's polling
// runs in microseconds and its schedule can be checked.
class JumpingClock final : public controller::Clock {
 public:
  TimePoint Now() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return now_;
  }
  void WaitUntil(std::unique_lock<std::mutex>&, std::condition_variable&,
                 TimePoint deadline) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (deadline > now_) {
      waits_.push_back(std::chrono::duration_cast<milliseconds>(deadline - now_));
      now_ = deadline;
    }
  }
  std::vector<milliseconds> waits() const {
    std::lock_guard<std::mutex> lock(mu_);
    return waits_;
  }

 private:
  mutable std::mutex mu_;
  mutable TimePoint now_ = TimePoint(std::chrono::hours(24 * 365 * 56));
  mutable std::vector<milliseconds> waits_;
};

class RecordingSolver final : public ChallengeSolver {
 public:
  std::string ChallengeType() const override { return "http-01"; }
  absl::Status Present(const std::string& token, const std::string& key_authorization) override {
    presented[token] = key_authorization;
    live.insert(token);
    return absl::OkStatus();
  }
  void CleanUp(const std::string& token) override { live.erase(token); }

  std::map<std::string, std::string> presented;
  std::set<std::string> live;
};

// One scripted order on a CA: authorizations turn valid (or invalid) a few polls after their
// challenge is accepted; finalization takes `processing_polls` polls.
class FakeAcmeClient final : public AcmeClient {
 public:
  struct ScriptedAuthorization {
    Authorization authz;
    int polls_until_done = 1;
    std::optional<Problem> failure;  // set: the challenge fails with it
  };

  FakeAcmeClient() {
    order_.url = "https://ca.test/order/1";
    order_.status = OrderStatus::kPending;
    order_.finalize_url = "https://ca.test/finalize/1";
  }

  void AddAuthorization(const std::string& name,
                        AuthorizationStatus status = AuthorizationStatus::kPending, int polls = 1,
                        std::optional<Problem> failure = std::nullopt,
                        const std::string& challenge_type = "http-01") {
    ScriptedAuthorization s;
    s.authz.url = "https://ca.test/authz/" + name;
    s.authz.identifier = Identifier::Dns(name);
    s.authz.status = status;
    Challenge c;
    c.type = challenge_type;
    c.url = "https://ca.test/chall/" + name;
    c.token = "token-" + name;
    s.authz.challenges.push_back(c);
    s.polls_until_done = polls;
    s.failure = std::move(failure);
    order_.identifiers.push_back(s.authz.identifier);
    order_.authorization_urls.push_back(s.authz.url);
    authorizations_[s.authz.url] = std::move(s);
  }

  const Directory& directory() const override { return directory_; }
  absl::StatusOr<std::string> RegisterAccount(const AccountKey&, const AccountOptions&) override {
    return "https://ca.test/acct/1";
  }
  absl::StatusOr<std::string> FindAccount(const AccountKey&) override {
    return "https://ca.test/acct/1";
  }
  void UseAccount(const AccountKey&, std::string) override {}

  absl::StatusOr<Order> NewOrder(const NewOrderRequest& request) override {
    ++new_orders;
    last_request = request;
    return order_;
  }
  absl::StatusOr<Order> GetOrder(const std::string& url) override {
    EXPECT_EQ(url, order_.url);
    ++order_polls;
    if (order_.status == OrderStatus::kPending) {
      bool all_valid = true;
      for (auto& [u, s] : authorizations_) {
        if (s.authz.status == AuthorizationStatus::kInvalid) {
          order_.status = OrderStatus::kInvalid;
          return order_;
        }
        all_valid = all_valid && s.authz.status == AuthorizationStatus::kValid;
      }
      if (all_valid) order_.status = OrderStatus::kReady;
    } else if (order_.status == OrderStatus::kProcessing && --processing_polls <= 0) {
      order_.status = OrderStatus::kValid;
      order_.certificate_url = "https://ca.test/cert/1";
    }
    Order copy = order_;
    copy.retry_after = order_retry_after;
    return copy;
  }
  absl::StatusOr<Authorization> GetAuthorization(const std::string& url) override {
    auto it = authorizations_.find(url);
    if (it == authorizations_.end()) return absl::NotFoundError(url);
    ScriptedAuthorization& s = it->second;
    if (s.authz.status == AuthorizationStatus::kPending &&
        s.authz.challenges[0].status == ChallengeStatus::kProcessing && --s.polls_until_done <= 0) {
      if (s.failure.has_value()) {
        s.authz.status = AuthorizationStatus::kInvalid;
        s.authz.challenges[0].status = ChallengeStatus::kInvalid;
        s.authz.challenges[0].error = s.failure;
      } else {
        s.authz.status = AuthorizationStatus::kValid;
        s.authz.challenges[0].status = ChallengeStatus::kValid;
      }
    }
    Authorization copy = s.authz;
    copy.retry_after = authorization_retry_after;
    return copy;
  }
  absl::StatusOr<std::string> KeyAuthorization(const std::string& token) const override {
    return token + ".thumbprint";
  }
  absl::StatusOr<Challenge> AcceptChallenge(const std::string& url) override {
    accepted.push_back(url);
    for (auto& [u, s] : authorizations_) {
      if (s.authz.challenges[0].url == url) {
        s.authz.challenges[0].status = ChallengeStatus::kProcessing;
        return s.authz.challenges[0];
      }
    }
    return absl::NotFoundError(url);
  }
  absl::StatusOr<Order> Finalize(const Order& order, const std::string& csr_der) override {
    if (order.status != OrderStatus::kReady) return absl::FailedPreconditionError("not ready");
    finalized_csr = csr_der;
    order_.status = OrderStatus::kProcessing;
    Order copy = order_;
    copy.retry_after = order_retry_after;
    return copy;
  }
  absl::StatusOr<std::string> DownloadCertificate(const std::string& url) override {
    EXPECT_EQ(url, "https://ca.test/cert/1");
    return std::string("-----BEGIN CERTIFICATE-----\nleaf\n-----END CERTIFICATE-----\n");
  }
  absl::StatusOr<RenewalInfo> GetRenewalInfo(const std::string&) override {
    return absl::UnimplementedError("no ARI");
  }

  Order& order() { return order_; }

  int new_orders = 0;
  int order_polls = 0;
  int processing_polls = 1;
  NewOrderRequest last_request;
  std::optional<seconds> order_retry_after;
  std::optional<seconds> authorization_retry_after;
  std::vector<std::string> accepted;
  std::string finalized_csr;

 private:
  Directory directory_;
  Order order_;
  std::map<std::string, ScriptedAuthorization> authorizations_;
};

ObtainRequest Request() {
  ObtainRequest r;
  r.identifiers = {Identifier::Dns("a.test"), Identifier::Dns("www.a.test")};
  r.csr_der = "csr-bytes";
  return r;
}

TEST(ObtainCertificateTest, PresentsAcceptsAndCleansUpEveryChallenge) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kPending, /*polls=*/2);
  ca.AddAuthorization("www.a.test", AuthorizationStatus::kPending, /*polls=*/3);
  RecordingSolver solver;
  JumpingClock clock;

  auto issued = ObtainCertificate(ca, solver, clock, Request());
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(issued->order_url, "https://ca.test/order/1");
  EXPECT_THAT(issued->certificate_chain_pem, HasSubstr("BEGIN CERTIFICATE"));
  EXPECT_EQ(ca.new_orders, 1);
  EXPECT_EQ(ca.last_request.identifiers, Request().identifiers);
  EXPECT_EQ(ca.finalized_csr, "csr-bytes");
  EXPECT_EQ(solver.presented, (std::map<std::string, std::string>{
                                  {"token-a.test", "token-a.test.thumbprint"},
                                  {"token-www.a.test", "token-www.a.test.thumbprint"}}));
  EXPECT_EQ(ca.accepted.size(), 2u);
  EXPECT_TRUE(solver.live.empty());
  // Without Retry-After, the waits for each authorization (then for the order) start at
  // 100 ms and double.
  EXPECT_EQ(clock.waits(), (std::vector<milliseconds>{milliseconds(100), milliseconds(100),
                                                      milliseconds(200), milliseconds(100)}));
}

TEST(ObtainCertificateTest, PollsBackOffToThePollInterval) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kPending, /*polls=*/6);  // 5 waits
  RecordingSolver solver;
  JumpingClock clock;
  auto issued = ObtainCertificate(ca, solver, clock, Request());
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(clock.waits(),
            (std::vector<milliseconds>{milliseconds(100), milliseconds(200), milliseconds(400),
                                       milliseconds(800), seconds(1),
                                       milliseconds(100)}));  // then the order's first poll
}

TEST(ObtainCertificateTest, HonoursRetryAfterWithinBounds) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kPending, /*polls=*/2);
  ca.authorization_retry_after = seconds(7);
  ca.order_retry_after = seconds(3600);  // capped at max_poll_interval
  RecordingSolver solver;
  JumpingClock clock;
  ObtainRequest request = Request();
  request.max_poll_interval = seconds(30);

  auto issued = ObtainCertificate(ca, solver, clock, request);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(clock.waits(), (std::vector<milliseconds>{seconds(7), seconds(30)}));
}

TEST(ObtainCertificateTest, InvalidAuthorizationSaysWhichNameAndWhy) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test");
  Problem why;
  why.type = "urn:ietf:params:acme:error:unauthorized";
  why.detail = "Invalid response from http://www.a.test/.well-known/acme-challenge/x: 404";
  ca.AddAuthorization("www.a.test", AuthorizationStatus::kPending, 1, why);
  RecordingSolver solver;
  JumpingClock clock;

  auto issued = ObtainCertificate(ca, solver, clock, Request());
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(issued.status().message()), HasSubstr("authorization of dns:www.a.test"));
  EXPECT_THAT(std::string(issued.status().message()), HasSubstr("Invalid response"));
  EXPECT_TRUE(HasAcmeError(issued.status(), "unauthorized"));
  EXPECT_TRUE(solver.live.empty());
  EXPECT_TRUE(ca.finalized_csr.empty());
}

TEST(ObtainCertificateTest, GivesUpAtTheDeadlineNamingTheOrderToResume) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kPending, /*polls=*/1000000);
  RecordingSolver solver;
  JumpingClock clock;
  ObtainRequest request = Request();
  request.timeout = seconds(10);
  auto start = clock.Now();

  auto issued = ObtainCertificate(ca, solver, clock, request);
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kDeadlineExceeded);
  EXPECT_THAT(std::string(issued.status().message()), HasSubstr("https://ca.test/order/1"));
  EXPECT_EQ(clock.Now() - start, seconds(10));
  EXPECT_TRUE(solver.live.empty());
}

TEST(ObtainCertificateTest, ResumesAStoredOrderWithoutANewOne) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kValid);
  ca.order().status = OrderStatus::kProcessing;
  RecordingSolver solver;
  JumpingClock clock;
  ObtainRequest request = Request();
  request.order_url = "https://ca.test/order/1";

  auto issued = ObtainCertificate(ca, solver, clock, request);
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(ca.new_orders, 0);
  EXPECT_TRUE(solver.presented.empty());
  EXPECT_TRUE(ca.finalized_csr.empty());  // the CSR was sent before the restart
}

TEST(ObtainCertificateTest, ReusedValidAuthorizationsNeedNoChallenge) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kValid);
  ca.AddAuthorization("www.a.test");
  RecordingSolver solver;
  JumpingClock clock;

  auto issued = ObtainCertificate(ca, solver, clock, Request());
  ASSERT_TRUE(issued.ok()) << issued.status();
  EXPECT_EQ(ca.accepted, std::vector<std::string>{"https://ca.test/chall/www.a.test"});
}

TEST(ObtainCertificateTest, NoChallengeOfTheSolversTypeIsAConfigurationError) {
  FakeAcmeClient ca;
  ca.AddAuthorization("a.test", AuthorizationStatus::kPending, 1, std::nullopt, "dns-01");
  RecordingSolver solver;
  JumpingClock clock;

  auto issued = ObtainCertificate(ca, solver, clock, Request());
  EXPECT_EQ(issued.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(issued.status().message()), HasSubstr("offers no http-01 challenge, "
                                                                "only: dns-01"));
}

}  // namespace
}  // namespace upkeep::acme
