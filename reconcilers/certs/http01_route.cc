#include "reconcilers/certs/http01_route.h"

#include <arpa/inet.h>

#include "controller/client/api_error.h"
#include "controller/object/owner_references.h"
#include "reconcilers/certs/tls_secret.h"

namespace upkeep::reconcilers::certs {
namespace {

using nlohmann::json;

constexpr char kServicePortName[] = "http";
// The port the created Service listens on; the EndpointSlice forwards it to the solver.
constexpr int kServicePort = 80;

json Metadata(const CertificateRequest& request, const std::string& name) {
  return {{"name", name},
          {"namespace", request.ns},
          {"labels",
           {{"app.kubernetes.io/managed-by", "upkeep"},
            {"app.kubernetes.io/component", "acme-http01-solver"}}},
          {"annotations", {{kCertificateNameAnnotation, request.name}}}};
}

json Owner(const CertificateRequest& request) {
  return {{"apiVersion", "upkeep.dev/v1alpha1"},
          {"kind", "CertRenewal"},
          {"metadata", {{"name", request.name}, {"namespace", request.ns}, {"uid", request.uid}}}};
}

bool IsIpv6(const std::string& ip) {
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET6, ip.c_str(), buf) == 1;
}

}  // namespace

std::string Http01Route::ObjectName(const std::string& certrenewal_name) {
  std::string name = "upkeep-acme-" + certrenewal_name;
  if (name.size() > 63) name.resize(63);
  while (!name.empty() && (name.back() == '-' || name.back() == '.')) name.pop_back();
  return name;
}

Http01Route::Http01Route(controller::KubeClient& client, std::string ns)
    : client_(client), ns_(std::move(ns)) {}

Http01Route::~Http01Route() { Close().IgnoreError(); }

absl::StatusOr<std::unique_ptr<Http01Route>> Http01Route::Open(
    controller::KubeClient& client, const CertificateRequest& request,
    const api::v1alpha1::Http01SolverSpec& solver, const std::string& solver_ip) {
  const api::v1alpha1::Http01IngressSpec& ingress = *solver.ingress;
  const std::string name = ObjectName(request.name);
  std::unique_ptr<Http01Route> route(new Http01Route(client, request.ns));
  const json owner = Owner(request);

  // Creates `object`, replacing a leftover of an interrupted issuance.
  auto create = [&](const controller::ResourceType& type, json object) -> absl::Status {
    if (absl::Status owned = controller::SetControllerReference(owner, object); !owned.ok()) {
      return owned;
    }
    auto created = client.Create(type, request.ns, object);
    if (!created.ok() && controller::IsAlreadyExists(created.status())) {
      absl::Status removed = client.Delete(type, request.ns, name);
      if (!removed.ok() && !controller::IsNotFound(removed)) return removed;
      created = client.Create(type, request.ns, object);
    }
    if (!created.ok()) {
      return absl::Status(created.status().code(),
                          "creating " + type.kind + " " + request.ns + "/" + name +
                              " for the HTTP-01 challenge: " +
                              std::string(created.status().message()));
    }
    route->created_.push_back({type, name});
    return absl::OkStatus();
  };

  std::string service = ingress.service_name;
  int service_port = solver.port;
  if (service.empty()) {
    if (solver_ip.empty()) {
      return absl::FailedPreconditionError(
          "solver.http01.ingress needs the controller pod's IP to route the challenge to it "
          "(the POD_IP environment variable, from the downward API); set "
          "solver.http01.ingress.serviceName to route through a Service of your own");
    }
    service = name;
    service_port = kServicePort;
    json svc = {{"apiVersion", "v1"},
                {"kind", "Service"},
                {"metadata", Metadata(request, name)},
                {"spec",
                 {{"type", "ClusterIP"},
                  {"ports",
                   {{{"name", kServicePortName},
                     {"port", kServicePort},
                     {"targetPort", solver.port},
                     {"protocol", "TCP"}}}}}}};
    if (absl::Status s = create(controller::resources::Services(), svc); !s.ok()) return s;
    json slice = {{"apiVersion", "discovery.k8s.io/v1"},
                  {"kind", "EndpointSlice"},
                  {"metadata", Metadata(request, name)},
                  {"addressType", IsIpv6(solver_ip) ? "IPv6" : "IPv4"},
                  {"endpoints", {{{"addresses", {solver_ip}}, {"conditions", {{"ready", true}}}}}},
                  {"ports",
                   {{{"name", kServicePortName}, {"port", solver.port}, {"protocol", "TCP"}}}}};
    slice["metadata"]["labels"]["kubernetes.io/service-name"] = name;
    slice["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] = "upkeep.dev";
    if (absl::Status s = create(controller::resources::EndpointSlices(), slice); !s.ok()) return s;
  }

  json rules = json::array();
  json backend = {{"service", {{"name", service}, {"port", {{"number", service_port}}}}}};
  for (const std::string& host : request.spec.dns_names) {
    rules.push_back(
        {{"host", host},
         {"http",
          {{"paths",
            {{{"path", kAcmeChallengePath}, {"pathType", "Prefix"}, {"backend", backend}}}}}}});
  }
  json ing = {{"apiVersion", "networking.k8s.io/v1"},
              {"kind", "Ingress"},
              {"metadata", Metadata(request, name)},
              {"spec", {{"rules", rules}}}};
  for (const auto& [key, value] : ingress.annotations) {
    ing["metadata"]["annotations"][key] = value;
  }
  if (!ingress.class_name.empty()) ing["spec"]["ingressClassName"] = ingress.class_name;
  if (absl::Status s = create(controller::resources::Ingresses(), ing); !s.ok()) return s;
  return route;
}

absl::Status Http01Route::Close() {
  absl::Status first_error;
  while (!created_.empty()) {
    Created last = created_.back();
    created_.pop_back();
    absl::Status removed = client_.Delete(last.type, ns_, last.name);
    if (!removed.ok() && !controller::IsNotFound(removed) && first_error.ok()) {
      first_error = removed;
    }
  }
  return first_error;
}

}  // namespace upkeep::reconcilers::certs
