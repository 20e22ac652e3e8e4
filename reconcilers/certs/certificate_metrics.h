// The CertRenewal metrics of API.md, on the operator's registry:
//   upkeep_certificate_expiration_timestamp_seconds{namespace,name}  notAfter of the Secret's cert
//   upkeep_certificate_renewal_timestamp_seconds{namespace,name}     when renewal is due
//   upkeep_certificate_ready_status{namespace,name,condition}        1 on the Ready condition's
//                                                                    status (True|False|Unknown)
//   upkeep_certificate_issuances_total{namespace,name,result}        success | failure
//   upkeep_acme_requests_total{status}                               HTTP status, or "error"
// The gauges mirror the CertRenewals' status as cached (Refresh, before each scrape, like
// kube-state-metrics): every replica exports them, a timestamp not known yet is absent (never
// 0), and a deleted CertRenewal's series go with it. Thread-safe.
#pragma once

#include <chrono>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace upkeep::reconcilers::certs {

class CertificateMetrics {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  explicit CertificateMetrics(prometheus::Registry& registry);
  CertificateMetrics(const CertificateMetrics&) = delete;
  CertificateMetrics& operator=(const CertificateMetrics&) = delete;

  // Sets the gauges from `certrenewals` (CertRenewal objects with their status) and drops the
  // series of every object not among them.
  void Refresh(const std::vector<nlohmann::json>& certrenewals);
  void CountIssuance(const std::string& ns, const std::string& name, bool success);
  void CountAcmeRequest(const std::string& status);

 private:
  // Removes every series of a CertRenewal that is gone.
  void Forget(const std::string& ns, const std::string& name);

  prometheus::Family<prometheus::Gauge>& expiration_;
  prometheus::Family<prometheus::Gauge>& renewal_;
  prometheus::Family<prometheus::Gauge>& ready_;
  prometheus::Family<prometheus::Counter>& issuances_;
  prometheus::Family<prometheus::Counter>& acme_requests_;

  std::mutex mu_;
  std::set<std::pair<std::string, std::string>> exported_;  // guarded by mu_
};

}  // namespace upkeep::reconcilers::certs
