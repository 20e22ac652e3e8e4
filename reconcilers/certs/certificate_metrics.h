// The CertRenewal metrics of API.md, on the operator's registry:
//   upkeep_certificate_expiration_timestamp_seconds{namespace,name}  notAfter of the Secret's cert
//   upkeep_certificate_renewal_timestamp_seconds{namespace,name}     when renewal is due
//   upkeep_certificate_ready_status{namespace,name,condition}        1 on the Ready condition's
//                                                                    status (True|False|Unknown)
//   upkeep_certificate_issuances_total{namespace,name,result}        success | failure
//   upkeep_acme_requests_total{status}                               HTTP status, or "error"
// A timestamp that is not known yet is absent, never 0; Forget drops a deleted object's series.
// Thread-safe (prometheus-cpp families are).
#pragma once

#include <chrono>
#include <string>

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

  void SetExpiration(const std::string& ns, const std::string& name, TimePoint not_after);
  void SetRenewal(const std::string& ns, const std::string& name, TimePoint renewal);
  // `status`: "True", "False" or "Unknown".
  void SetReady(const std::string& ns, const std::string& name, const std::string& status);
  void CountIssuance(const std::string& ns, const std::string& name, bool success);
  void CountAcmeRequest(const std::string& status);
  // Removes every series of the object (it was deleted).
  void Forget(const std::string& ns, const std::string& name);

 private:
  prometheus::Family<prometheus::Gauge>& expiration_;
  prometheus::Family<prometheus::Gauge>& renewal_;
  prometheus::Family<prometheus::Gauge>& ready_;
  prometheus::Family<prometheus::Counter>& issuances_;
  prometheus::Family<prometheus::Counter>& acme_requests_;
};

}  // namespace upkeep::reconcilers::certs
