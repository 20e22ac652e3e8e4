// CertRenewalController: the wiring of the CertRenewal reconciler into a manager.
#include "controller/informer/informer.h"
#include "controller/metrics/metrics.h"
#include "controller/metrics/refreshing_collectable.h"
#include "crds/v1alpha1/group_version.h"
#include "reconcilers/certs/certrenewal_reconciler.h"
#include "reconcilers/certs/local_issuers.h"
#include "reconcilers/certs/tls_secret.h"

namespace upkeep::reconcilers::certs {
namespace {

using nlohmann::json;

constexpr char kCaSecretIndex[] = "ca-secret";

// Sets the certificate gauges from the CertRenewal cache before each scrape.
class CertificateGaugeRefresher final : public controller::GaugeRefresher {
 public:
  CertificateGaugeRefresher(const controller::CacheReader& cache, CertificateMetrics& metrics)
      : cache_(cache), metrics_(metrics) {}
  void Refresh() override { metrics_.Refresh(cache_.List()); }

 private:
  const controller::CacheReader& cache_;
  CertificateMetrics& metrics_;
};

std::string StringAt(const json& object, std::initializer_list<const char*> path) {
  const json* at = &object;
  for (const char* key : path) {
    if (!at->is_object() || !at->contains(key)) return "";
    at = &(*at)[key];
  }
  return at->is_string() ? at->get<std::string>() : "";
}

}  // namespace

CertRenewalController::CertRenewalController(controller::Manager& manager,
                                             AcmeIssuerOptions acme_options)
    : self_signed_(std::make_unique<SelfSignedIssuer>()),
      ca_(std::make_unique<CaIssuer>()),
      metrics_(std::make_unique<CertificateMetrics>(manager.metrics().registry())),
      acme_(std::make_unique<AcmeIssuer>(manager.clock(), metrics_.get(),
                                         std::move(acme_options))),
      reconciler_(std::make_unique<CertRenewalReconciler>(
          CertRenewalIssuers{self_signed_.get(), ca_.get(), acme_.get()}, metrics_.get())) {
  controller::Informer& informer = manager.informers().For(api::v1alpha1::CertRenewals());
  // "namespace/secretName" of the CA Secret a `ca` issuer reads: a Secret event finds its
  // readers without parsing every cached CertRenewal (which made 1,000 issuances quadratic).
  informer.AddIndex(kCaSecretIndex, [](const json& cr) -> std::vector<std::string> {
    std::string secret = StringAt(cr, {"spec", "issuer", "ca", "secretName"});
    if (secret.empty()) return {};
    return {StringAt(cr, {"metadata", "namespace"}) + "/" + secret};
  });
  const controller::CacheReader& certrenewals = informer.Cache();
  controller::ControllerOptions options;
  options.name = "certrenewal";
  // An ACME issuance mostly waits on the CA (seconds of polling), so more CertRenewals are
  // worked on at once than CPUs: 1,000 certificates due together (a fresh install, a CA's
  // mass revocation) are through in seconds, not minutes.
  options.max_concurrent_reconciles = 16;
  controller::Controller& controller =
      manager.AddController(options, api::v1alpha1::CertRenewals(), *reconciler_);
  // A Secret change reaches the CertRenewal that writes it (annotated), and every CertRenewal
  // whose `ca` issuer reads it (a CA put in place after the fact unblocks them).
  controller.Watches(controller::resources::Secrets(), [&certrenewals](const json& secret) {
    std::vector<controller::Request> requests;
    std::string ns = StringAt(secret, {"metadata", "namespace"});
    std::string name = StringAt(secret, {"metadata", "name"});
    std::string owner = Annotation(secret, kCertificateNameAnnotation);
    if (!owner.empty()) requests.push_back({ns, owner});
    for (const json& cr : certrenewals.ByIndex(kCaSecretIndex, ns + "/" + name)) {
      requests.push_back({ns, StringAt(cr, {"metadata", "name"})});
    }
    return requests;
  });
  gauge_refresher_ = std::make_shared<CertificateGaugeRefresher>(certrenewals, *metrics_);
  manager.metrics().AddGaugeRefresher(gauge_refresher_);
}

CertRenewalController::~CertRenewalController() = default;

}  // namespace upkeep::reconcilers::certs
