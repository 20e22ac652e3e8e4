#include "reconcilers/certs/serving_check.h"

#include "crypto/certificate_info.h"
#include "crypto/served_certificate.h"

namespace upkeep::reconcilers::certs {

std::string ServingServerName(const api::v1alpha1::CertRenewalSpec& spec) {
  if (!spec.verify_serving->server_name.empty()) return spec.verify_serving->server_name;
  if (!spec.dns_names.empty()) return spec.dns_names.front();
  return spec.common_name;
}

ServingCheck CheckServing(const api::v1alpha1::CertRenewalSpec& spec,
                          const std::string& current_serial) {
  const api::v1alpha1::VerifyServingSpec& verify = *spec.verify_serving;
  const std::string server_name = ServingServerName(spec);
  const std::string where =
      verify.address + (server_name.empty() ? "" : " (server name " + server_name + ")");
  ServingCheck check;
  auto served = crypto::FetchServedCertificatePem(
      verify.address, server_name,
      std::chrono::duration_cast<std::chrono::milliseconds>(verify.timeout));
  absl::StatusOr<std::vector<crypto::CertificateInfo>> chain =
      served.ok() ? crypto::ParseCertificateChainPem(*served)
                  : absl::StatusOr<std::vector<crypto::CertificateInfo>>(served.status());
  if (!chain.ok()) {
    check.reason = "Unreachable";
    check.message = "Could not read the certificate served at " + where + ": " +
                    std::string(chain.status().message()) + "; checking again every minute";
    return check;
  }
  check.served_serial = chain->front().serial_number;
  check.serves_current = check.served_serial == current_serial;
  if (check.serves_current) {
    check.reason = "Serving";
    check.message = where + " serves the current certificate, serial " + current_serial;
  } else {
    check.reason = "ServingOtherCertificate";
    check.message = where + " serves serial " + check.served_serial + ", not the current " +
                    current_serial + " (not reloaded yet?); checking again every minute";
  }
  return check;
}

}  // namespace upkeep::reconcilers::certs
