// The way in for an HTTP-01 challenge in a cluster: while an ACME order is open, the CA's
// request for http://<name>/.well-known/acme-challenge/<token> must reach upkeep's solver.
// With solver.http01.ingress, upkeep creates an Ingress of the given class with a rule per
// name for that path, to a Service: the one named in the spec, or one upkeep creates without a
// selector, with an EndpointSlice naming the controller pod's IP and the solver port (the pod
// usually runs in another namespace, which a Service's selector cannot reach). All of them
// carry an owner reference to the CertRenewal, so a crash mid-challenge leaves nothing behind
// for long: the next issuance replaces them and a deleted CertRenewal takes them along.
//
// Thread-compatible: one route per issuance.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/kube_client.h"
#include "crds/v1alpha1/cert_renewal.h"
#include "reconcilers/certs/certificate_issuer.h"

namespace upkeep::reconcilers::certs {

// The path prefix every challenge lives under (RFC 8555 section 8.3).
inline constexpr char kAcmeChallengePath[] = "/.well-known/acme-challenge/";

class Http01Route {
 public:
  // Creates the Ingress (and the Service with its EndpointSlice, unless the spec names a
  // Service) for `request`'s names. `solver_ip` is the controller pod's IP (POD_IP from the
  // downward API); FailedPrecondition when it is needed and empty. Leftovers of an earlier
  // attempt are replaced. What was created so far is removed when creation fails.
  static absl::StatusOr<std::unique_ptr<Http01Route>> Open(
      controller::KubeClient& client, const CertificateRequest& request,
      const api::v1alpha1::Http01SolverSpec& solver, const std::string& solver_ip);
  Http01Route(const Http01Route&) = delete;
  Http01Route& operator=(const Http01Route&) = delete;
  ~Http01Route();  // Close(), errors ignored

  // Deletes what Open created; NotFound counts as done. Idempotent.
  absl::Status Close();

  // The objects' name: "upkeep-acme-" + the CertRenewal's name (cut to fit 63 characters).
  static std::string ObjectName(const std::string& certrenewal_name);

 private:
  struct Created {
    controller::ResourceType type;
    std::string name;
  };
  Http01Route(controller::KubeClient& client, std::string ns);

  controller::KubeClient& client_;
  const std::string ns_;
  std::vector<Created> created_;  // in creation order; deleted in reverse
};

}  // namespace upkeep::reconcilers::certs
