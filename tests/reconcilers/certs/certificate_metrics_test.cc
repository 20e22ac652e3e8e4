#include "reconcilers/certs/certificate_metrics.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <prometheus/text_serializer.h>

namespace upkeep::reconcilers::certs {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::Not;

std::string Render(prometheus::Registry& registry) {
  return prometheus::TextSerializer().Serialize(registry.Collect());
}

json CertRenewal(const char* name, json status) {
  return {{"metadata", {{"namespace", "app"}, {"name", name}}}, {"status", std::move(status)}};
}

TEST(CertificateMetricsTest, TimestampsAreAbsentUntilKnown) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  metrics.Refresh({CertRenewal("web", json::object())});
  std::string text = Render(registry);
  EXPECT_THAT(text, Not(HasSubstr("upkeep_certificate_expiration_timestamp_seconds{")));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_ready_status{condition="Unknown",name="web",namespace="app"} 1)"));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_ready_status{condition="True",name="web",namespace="app"} 0)"));
}

TEST(CertificateMetricsTest, MirrorsStatusInEpochSeconds) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  metrics.Refresh({CertRenewal("web", {{"notAfter", "2027-01-30T00:00:00Z"},
                                       {"renewalTime", "2026-12-31T00:00:00Z"},
                                       {"conditions", {{{"type", "Ready"}, {"status", "False"}}}}})});
  std::string text = Render(registry);
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_expiration_timestamp_seconds{name="web",namespace="app"} 1801267200)"));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_renewal_timestamp_seconds{name="web",namespace="app"} 1798675200)"));
  EXPECT_THAT(text, HasSubstr(
      R"(upkeep_certificate_ready_status{condition="False",name="web",namespace="app"} 1)"));
}

TEST(CertificateMetricsTest, DeletedObjectsLoseTheirSeries) {
  prometheus::Registry registry;
  CertificateMetrics metrics(registry);
  json status = {{"notAfter", "2027-01-30T00:00:00Z"}};
  metrics.CountIssuance("app", "web", true);
  metrics.Refresh({CertRenewal("web", status), CertRenewal("api", status)});
  metrics.Refresh({CertRenewal("api", status)});
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
