// The CertRenewal reconciler: keeps each CertRenewal's kubernetes.io/tls Secret holding a
// valid certificate for its names, issued by its issuer and renewed before it expires
// (API.md "CertRenewal"). Gather (the CertRenewal, its Secret), decide (renewal_policy.h),
// apply (issue, write the Secret, restart reloadTargets, write status and Events).
//
// Status: Ready (the Secret holds an up-to-date certificate), Issuing (an issuance is due or
// running, with the trigger as reason, or held back by the backoff or the budget), Served
// (with verifyServing: whether the endpoint serves the certificate in the Secret; looked at
// when it is new, every minute until it is served, then hourly: serving_schedule.h),
// observedGeneration, notBefore/notAfter/renewalTime/serialNumber of the certificate in the
// Secret, revision, failures and recent issuances. A spec the API server accepted but the
// parser rejects (a key size for the wrong algorithm) is Ready=False, reason InvalidSpec,
// with the field path; nothing is issued and nothing is deleted.
//
// Thread-safe: the controller never reconciles one object on two workers, and the issuers
// are thread-safe.
#pragma once

#include <memory>

#include "controller/runtime/manager.h"
#include "controller/runtime/reconciler.h"
#include "reconcilers/certs/acme_issuer.h"
#include "reconcilers/certs/certificate_issuer.h"
#include "reconcilers/certs/serving_schedule.h"
#include "reconcilers/certs/certificate_metrics.h"

namespace upkeep::reconcilers::certs {

// The issuers by kind; borrowed. A null issuer makes CertRenewals naming that kind report
// it as unavailable.
struct CertRenewalIssuers {
  CertificateIssuer* self_signed = nullptr;
  CertificateIssuer* ca = nullptr;
  CertificateIssuer* acme = nullptr;
};

class CertRenewalReconciler final : public controller::Reconciler {
 public:
  // `metrics` may be null (no issuance counts).
  CertRenewalReconciler(CertRenewalIssuers issuers, CertificateMetrics* metrics);

  absl::StatusOr<controller::Action> Reconcile(const nlohmann::json& object,
                                               controller::ReconcileContext& ctx) override;

 private:
  absl::StatusOr<controller::Action> ReconcileCertRenewal(const nlohmann::json& object,
                                                         controller::ReconcileContext& ctx);
  CertificateIssuer* IssuerFor(const api::v1alpha1::CertRenewalSpec& spec) const;

  // Constant after construction.
  const CertRenewalIssuers issuers_;
  CertificateMetrics* const metrics_;

  ServingSchedule serving_schedule_;  // thread-safe
};

// Everything the CertRenewal controller needs, owned together for the manager's lifetime.
class CertRenewalController {
 public:
  // Adds the controller to `manager`: CertRenewals, and Secrets (a CertRenewal's own Secret,
  // or the CA Secret a `ca` issuer names) mapped back to their CertRenewals; registers the
  // metrics.
  explicit CertRenewalController(controller::Manager& manager,
                                 AcmeIssuerOptions acme_options = {});
  ~CertRenewalController();

 private:
  std::unique_ptr<CertificateIssuer> self_signed_;
  std::unique_ptr<CertificateIssuer> ca_;
  std::unique_ptr<CertificateMetrics> metrics_;
  std::unique_ptr<CertificateIssuer> acme_;
  std::unique_ptr<CertRenewalReconciler> reconciler_;
  std::shared_ptr<controller::GaugeRefresher> gauge_refresher_;
};

}  // namespace upkeep::reconcilers::certs
