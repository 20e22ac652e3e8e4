#include "reconcilers/certs/renewal_policy.h"

#include <gtest/gtest.h>

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers::certs {
namespace {

using api::v1alpha1::AcmeIssuerSpec;
using api::v1alpha1::CaIssuerSpec;
using api::v1alpha1::KeyAlgorithm;
using api::v1alpha1::KeyRotationPolicy;
using Action = IssuanceDecision::Action;
using std::chrono::hours;
using std::chrono::minutes;

TimePoint At(const char* rfc3339) { return *controller::ParseRfc3339(rfc3339); }

const TimePoint kIssued = At("2026-11-01T00:00:00Z");
const TimePoint kExpires = At("2027-01-30T00:00:00Z");  // 90 days later

CertRenewalSpec Spec() {
  CertRenewalSpec spec;
  spec.secret_name = "web-tls";
  spec.dns_names = {"example.com", "www.example.com"};
  spec.issuer = api::v1alpha1::SelfSignedIssuerSpec{};
  return spec;
}

SecretState Present() {
  SecretState s;
  s.kind = SecretState::Kind::kPresent;
  s.facts.dns_names = {"www.example.com", "EXAMPLE.com"};  // order and case do not matter
  s.facts.not_before = kIssued;
  s.facts.not_after = kExpires;
  s.facts.serial_number = "1a2b";
  s.facts.key_matches = true;
  s.facts.key_algorithm = KeyAlgorithm::kEcdsa;
  s.facts.key_size = 256;
  s.issuer = "selfSigned";
  return s;
}

TEST(RenewalTimeTest, RenewsAtTwoThirdsOfLifetimeByDefault) {
  EXPECT_EQ(RenewalTime(Spec(), kIssued, kExpires), kExpires - hours(24 * 30));
}

TEST(RenewalTimeTest, RenewBeforeAndPercentage) {
  CertRenewalSpec spec = Spec();
  spec.renew_before = hours(24 * 7);
  EXPECT_EQ(RenewalTime(spec, kIssued, kExpires), kExpires - hours(24 * 7));
  spec.renew_before.reset();
  spec.renew_before_percentage = 10;
  EXPECT_EQ(RenewalTime(spec, kIssued, kExpires), kExpires - hours(24 * 9));
}

TEST(RenewalTimeTest, MarginLongerThanTheLifetimeFallsBackToTheDefault) {
  CertRenewalSpec spec = Spec();
  spec.renew_before = hours(24 * 120);
  EXPECT_EQ(RenewalTime(spec, kIssued, kExpires), kExpires - hours(24 * 30));
}

TEST(RenewalTimeTest, TruncatedToWholeSeconds) {
  TimePoint odd_end = kIssued + std::chrono::seconds(10);  // lifetime/3 = 3.33 s
  EXPECT_EQ(RenewalTime(Spec(), kIssued, odd_end), kIssued + std::chrono::seconds(6));
}

TEST(FailureBackoffTest, DoublesFromOneHourCappedAt32Hours) {
  const std::pair<int64_t, hours> rows[] = {{1, hours(1)},  {2, hours(2)},  {3, hours(4)},
                                            {6, hours(32)}, {7, hours(32)}, {50, hours(32)}};
  EXPECT_EQ(FailureBackoff(0).count(), 0);
  for (auto [failures, want] : rows) EXPECT_EQ(FailureBackoff(failures), want) << failures;
}

TEST(PickInWindowTest, StaysInsideAndIsStableForASerial) {
  TimePoint start = At("2027-01-01T00:00:00Z");
  TimePoint end = At("2027-01-03T00:00:00Z");
  TimePoint a = PickInWindow(start, end, "1a2b");
  EXPECT_GE(a, start);
  EXPECT_LT(a, end);
  EXPECT_EQ(PickInWindow(start, end, "1a2b"), a);
  EXPECT_NE(PickInWindow(start, end, "ffff"), a);
  EXPECT_EQ(PickInWindow(end, start, "1a2b"), end);  // an empty window is its start
}

struct TriggerRow {
  const char* name;
  void (*change)(CertRenewalSpec&, SecretState&);
  const char* reason;  // "" = no reissue
  const char* message_part;
};

TEST(ReissueTriggerTest, FirstFailingPolicyNamesTheReason) {
  const TriggerRow rows[] = {
      {"good certificate", [](CertRenewalSpec&, SecretState&) {}, "", ""},
      {"missing", [](CertRenewalSpec&, SecretState& s) { s.kind = SecretState::Kind::kMissing; },
       "DoesNotExist", "Secret web-tls does not exist"},
      {"empty data", [](CertRenewalSpec&, SecretState& s) { s.kind = SecretState::Kind::kNoData; },
       "MissingData", "no tls.crt or no tls.key"},
      {"damaged",
       [](CertRenewalSpec&, SecretState& s) {
         s.kind = SecretState::Kind::kDamaged;
         s.damage = "tls.crt: not PEM";
       },
       "InvalidCertificate", "tls.crt: not PEM"},
      {"key of another certificate",
       [](CertRenewalSpec&, SecretState& s) { s.facts.key_matches = false; }, "InvalidKeyPair",
       "tls.key is not the key"},
      {"a name added",
       [](CertRenewalSpec& spec, SecretState&) { spec.dns_names.push_back("api.example.com"); },
       "SecretMismatch", "dnsNames: the certificate has [example.com, www.example.com]"},
      {"common name differs",
       [](CertRenewalSpec& spec, SecretState&) { spec.common_name = "example.com"; },
       "SecretMismatch", "commonName"},
      {"ip address added",
       [](CertRenewalSpec& spec, SecretState&) { spec.ip_addresses = {"10.0.0.1"}; },
       "SecretMismatch", "ipAddresses"},
      {"key algorithm changed",
       [](CertRenewalSpec& spec, SecretState&) {
         spec.private_key.algorithm = KeyAlgorithm::kRsa;
         spec.private_key.size = 2048;
       },
       "SecretMismatch", "privateKey: the key is ECDSA 256, the spec asks for RSA 2048"},
      {"issuer changed",
       [](CertRenewalSpec& spec, SecretState&) { spec.issuer = CaIssuerSpec{"internal-ca"}; },
       "IncorrectIssuer", "issued by selfSigned; the spec names ca:internal-ca"},
  };
  const TimePoint now = At("2026-12-01T00:00:00Z");
  for (const TriggerRow& row : rows) {
    CertRenewalSpec spec = Spec();
    SecretState secret = Present();
    row.change(spec, secret);
    auto trigger = ReissueTrigger(spec, secret, "", RenewalTime(spec, kIssued, kExpires), now);
    if (std::string(row.reason).empty()) {
      EXPECT_FALSE(trigger.has_value()) << row.name << ": " << trigger->message;
      continue;
    }
    ASSERT_TRUE(trigger.has_value()) << row.name;
    EXPECT_EQ(trigger->reason, row.reason) << row.name;
    EXPECT_NE(trigger->message.find(row.message_part), std::string::npos)
        << row.name << ": " << trigger->message;
  }
}

TEST(ReissueTriggerTest, RenewingThenExpiredByTime) {
  TimePoint renewal = RenewalTime(Spec(), kIssued, kExpires);
  EXPECT_FALSE(ReissueTrigger(Spec(), Present(), "", renewal, renewal - minutes(1)));
  EXPECT_EQ(ReissueTrigger(Spec(), Present(), "", renewal, renewal)->reason, "Renewing");
  EXPECT_EQ(ReissueTrigger(Spec(), Present(), "", renewal, kExpires)->reason, "Expired");
}

TEST(ReissueTriggerTest, RunNowAnnotationTriggersOncePerValue) {
  SecretState secret = Present();
  TimePoint renewal = RenewalTime(Spec(), kIssued, kExpires);
  TimePoint now = kIssued + hours(1);
  EXPECT_EQ(ReissueTrigger(Spec(), secret, "2026-11-30", renewal, now)->reason,
            "ManuallyTriggered");
  secret.issued_for_run_now = "2026-11-30";
  EXPECT_FALSE(ReissueTrigger(Spec(), secret, "2026-11-30", renewal, now));
}

TEST(DecideIssuanceTest, GoodCertificateWaitsForItsRenewalTime) {
  auto d = DecideIssuance(Spec(), {}, Present(), "", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(d.action, Action::kNone);
  EXPECT_EQ(d.next_check, kExpires - hours(24 * 30));
  EXPECT_EQ(d.renewal_time, kExpires - hours(24 * 30));
}

TEST(DecideIssuanceTest, AcmeRenewalInformationWindowWins) {
  CertRenewalSpec spec = Spec();
  spec.issuer = AcmeIssuerSpec{};
  SecretState secret = Present();
  secret.issuer = IssuerIdentity(spec);
  TimePoint start = kExpires - hours(24 * 10);
  auto d = DecideIssuance(spec, {}, secret, "", std::pair{start, start + hours(24)},
                          kIssued + hours(1));
  ASSERT_TRUE(d.renewal_time.has_value());
  EXPECT_GE(*d.renewal_time, start);
  EXPECT_LT(*d.renewal_time, start + hours(24));
}

TEST(DecideIssuanceTest, MissingSecretIssuesAtOnce) {
  SecretState missing;
  auto d = DecideIssuance(Spec(), {}, missing, "", std::nullopt, kIssued);
  EXPECT_EQ(d.action, Action::kIssue);
  EXPECT_EQ(d.trigger.reason, "DoesNotExist");
  EXPECT_FALSE(d.renewal_time.has_value());
}

TEST(DecideIssuanceTest, FailuresBackOffThenRetry) {
  CertRenewalStatus status;
  status.failed_issuance_attempts = 3;  // 4 h
  status.last_failure_time = kIssued;
  SecretState missing;
  auto waiting = DecideIssuance(Spec(), status, missing, "", std::nullopt, kIssued + hours(3));
  EXPECT_EQ(waiting.action, Action::kBackingOff);
  EXPECT_EQ(waiting.next_check, kIssued + hours(4));
  auto retry = DecideIssuance(Spec(), status, missing, "", std::nullopt, kIssued + hours(4));
  EXPECT_EQ(retry.action, Action::kIssue);
}

TEST(DecideIssuanceTest, ManualTriggerSkipsTheBackoffButNotTheBudget) {
  CertRenewalStatus status;
  status.failed_issuance_attempts = 6;
  status.last_failure_time = kIssued;
  auto d = DecideIssuance(Spec(), status, Present(), "again", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(d.action, Action::kIssue);
  EXPECT_EQ(d.trigger.reason, "ManuallyTriggered");
  status.recent_issuances.assign(5, kIssued);  // the default budget is 5 per 7 days
  d = DecideIssuance(Spec(), status, Present(), "again", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(d.action, Action::kOverBudget);
}

TEST(DecideIssuanceTest, NewRunNowSkipsTheBackoffAlsoWhenTheSecretIsMissing) {
  CertRenewalStatus status;
  status.failed_issuance_attempts = 4;
  status.last_failure_time = kIssued;
  SecretState missing;
  auto waiting = DecideIssuance(Spec(), status, missing, "", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(waiting.action, Action::kBackingOff);
  auto now = DecideIssuance(Spec(), status, missing, "retry", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(now.action, Action::kIssue);
  EXPECT_EQ(now.trigger.reason, "DoesNotExist");
}

TEST(DecideIssuanceTest, RunNowActedOnIsNotRepeatedEvenAfterAFailure) {
  CertRenewalStatus status;
  status.failed_issuance_attempts = 1;
  status.last_failure_time = kIssued;
  status.common.last_run_now = "again";  // tried, failed: the Secret still has the old value
  auto d = DecideIssuance(Spec(), status, Present(), "again", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(d.action, Action::kNone);  // the certificate in the Secret is fine
  SecretState missing;
  d = DecideIssuance(Spec(), status, missing, "again", std::nullopt, kIssued + minutes(30));
  EXPECT_EQ(d.action, Action::kBackingOff);
  d = DecideIssuance(Spec(), status, missing, "once more", std::nullopt, kIssued + minutes(30));
  EXPECT_EQ(d.action, Action::kIssue);
}

TEST(DecideIssuanceTest, BudgetFreesUpAsIssuancesLeaveTheSevenDayWindow) {
  CertRenewalSpec spec = Spec();
  spec.issuance_budget.max_per_7_days = 2;
  CertRenewalStatus status;
  status.recent_issuances = {kIssued - hours(24 * 8), kIssued - hours(24), kIssued};
  SecretState missing;
  auto d = DecideIssuance(spec, status, missing, "", std::nullopt, kIssued + hours(1));
  EXPECT_EQ(d.action, Action::kOverBudget);
  EXPECT_EQ(d.next_check, kIssued - hours(24) + hours(24 * 7));
  d = DecideIssuance(spec, status, missing, "", std::nullopt, d.next_check);
  EXPECT_EQ(d.action, Action::kIssue);
}

TEST(IssuancesInLast7DaysTest, DropsOlderAndSorts) {
  auto in = IssuancesInLast7Days({kIssued, kIssued - hours(24 * 7), kIssued - hours(1)}, kIssued);
  ASSERT_EQ(in.size(), 2u);
  EXPECT_EQ(in[0], kIssued - hours(1));
}

TEST(ReuseExistingKeyTest, OnlyWithRotationNeverAndAFittingKey) {
  CertRenewalSpec spec = Spec();
  EXPECT_FALSE(ReuseExistingKey(spec, Present()));  // Always is the default
  spec.private_key.rotation_policy = KeyRotationPolicy::kNever;
  EXPECT_TRUE(ReuseExistingKey(spec, Present()));
  SecretState other = Present();
  other.facts.key_size = 384;
  EXPECT_FALSE(ReuseExistingKey(spec, other));
  EXPECT_FALSE(ReuseExistingKey(spec, SecretState{}));
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
