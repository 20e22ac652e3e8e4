#include "reconcilers/certs/certificate_metrics.h"

#include "crds/v1alpha1/cert_renewal.h"

namespace upkeep::reconcilers::certs {
namespace {

constexpr const char* kConditionStatuses[] = {"True", "False", "Unknown"};

double Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

template <typename T>
void RemoveIfPresent(prometheus::Family<T>& family,
                     const std::map<std::string, std::string>& labels) {
  if (family.Has(labels)) family.Remove(&family.Add(labels));
}

}  // namespace

CertificateMetrics::CertificateMetrics(prometheus::Registry& registry)
    : expiration_(prometheus::BuildGauge()
                      .Name("upkeep_certificate_expiration_timestamp_seconds")
                      .Help("The date after which the certificate expires (notAfter), in "
                            "seconds since the epoch.")
                      .Register(registry)),
      renewal_(prometheus::BuildGauge()
                   .Name("upkeep_certificate_renewal_timestamp_seconds")
                   .Help("The time at which the certificate will be renewed, in seconds since "
                         "the epoch.")
                   .Register(registry)),
      ready_(prometheus::BuildGauge()
                 .Name("upkeep_certificate_ready_status")
                 .Help("The status of the CertRenewal's Ready condition: 1 on the current "
                       "status (True, False or Unknown), 0 on the others.")
                 .Register(registry)),
      issuances_(prometheus::BuildCounter()
                     .Name("upkeep_certificate_issuances_total")
                     .Help("Certificate issuances attempted, by result.")
                     .Register(registry)),
      acme_requests_(prometheus::BuildCounter()
                         .Name("upkeep_acme_requests_total")
                         .Help("Requests to ACME servers, by HTTP status (\"error\" when no "
                               "response arrived).")
                         .Register(registry)) {}

void CertificateMetrics::Refresh(const std::vector<nlohmann::json>& certrenewals) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const nlohmann::json& object : certrenewals) {
    api::v1alpha1::ObjectMetadata md = api::v1alpha1::ParseObjectMetadata(object);
    api::ParseReport report;
    api::v1alpha1::CertRenewalStatus status;
    {
      const nlohmann::json* status_json =
          object.contains("status") ? &object["status"] : nullptr;
      api::FieldReader reader(status_json, "status", report);
      status = api::v1alpha1::ParseCertRenewalStatus(reader);
    }
    std::map<std::string, std::string> labels = {{"namespace", md.namespace_},
                                                 {"name", md.name}};
    seen.emplace(md.namespace_, md.name);
    if (status.not_after) {
      expiration_.Add(labels).Set(Seconds(*status.not_after));
    } else {
      RemoveIfPresent(expiration_, labels);
    }
    if (status.renewal_time) {
      renewal_.Add(labels).Set(Seconds(*status.renewal_time));
    } else {
      RemoveIfPresent(renewal_, labels);
    }
    std::string ready = "Unknown";
    for (const controller::Condition& c : status.common.conditions) {
      if (c.type == api::v1alpha1::kConditionReady) ready = c.status;
    }
    for (const char* s : kConditionStatuses) {
      auto with = labels;
      with["condition"] = s;
      ready_.Add(with).Set(ready == s ? 1 : 0);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [ns, name] : exported_) {
    if (seen.count({ns, name}) == 0) Forget(ns, name);
  }
  exported_ = std::move(seen);
}

void CertificateMetrics::CountIssuance(const std::string& ns, const std::string& name,
                                       bool success) {
  issuances_.Add({{"namespace", ns}, {"name", name}, {"result", success ? "success" : "failure"}})
      .Increment();
}

void CertificateMetrics::CountAcmeRequest(const std::string& status) {
  acme_requests_.Add({{"status", status}}).Increment();
}

void CertificateMetrics::Forget(const std::string& ns, const std::string& name) {
  std::map<std::string, std::string> labels = {{"namespace", ns}, {"name", name}};
  RemoveIfPresent(expiration_, labels);
  RemoveIfPresent(renewal_, labels);
  for (const char* s : kConditionStatuses) {
    auto with = labels;
    with["condition"] = s;
    RemoveIfPresent(ready_, with);
  }
  for (const char* result : {"success", "failure"}) {
    auto with = labels;
    with["result"] = result;
    RemoveIfPresent(issuances_, with);
  }
}

}  // namespace upkeep::reconcilers::certs
