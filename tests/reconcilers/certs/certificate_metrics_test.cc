#include "reconcilers/certs/certificate_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <prometheus/text_serializer.h>

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers::certs {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Render(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

TEST(CertificateMetricsTest, TimestampsAreAbsentUntilKnown) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  metrics.SetReady("app", "web", "False");
  std::string text = Render(registry);
  EXPECT_THAT(text, Not(HasSubstr("upkeep_certificate_expiration_timestamp_seconds{")));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_ready_status{condition="False",name="web",namespace="app"} 1)"));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_ready_status{condition="True",name="web",namespace="app"} 0)"));
}

TEST(CertificateMetricsTest, ExpirationAndRenewalInEpochSeconds) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  metrics.SetExpiration("app", "web", *controller::ParseRfc3339("2027-01-30T00:00:00Z"));
  metrics.SetRenewal("app", "web", *controller::ParseRfc3339("2026-12-31T00:00:00Z"));
  std::string text = Render(registry);
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_expiration_timestamp_seconds{name="web",namespace="app"} 1801267200)"));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_renewal_timestamp_seconds{name="web",namespace="app"} 1798675200)"));
}

TEST(CertificateMetricsTest, ForgetRemovesEverySeriesOfTheObject) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  for (const char* name : {"web", "api"}) {
    metrics.SetExpiration("app", name, std::chrono::system_clock::time_point{});
    metrics.SetReady("app", name, "True");
    metrics.CountIssuance("app", name, true);
  }
  metrics.Forget("app", "web");
  std::string text = Render(registry);
  EXPECT_THAT(text, Not(HasSubstr(R"(name="web")")));
  EXPECT_THAT(text, HasSubstr(R"(name="api")"));
}

TEST(CertificateMetricsTest, AcmeRequestsByStatus) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  metrics.CountAcmeRequest("201");
  metrics.CountAcmeRequest("201");
  metrics.CountAcmeRequest("error");
  std::string text = Render(registry);
  EXPECT_THAT(text, HasSubstr(R"(upkeep_acme_requests_total{status="201"} 2)"));
  EXPECT_THAT(text, HasSubstr(R"(upkeep_acme_requests_total{status="error"} 1)"));
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
