#include "reconcilers/certs/acme_issuer.h"

#include <algorithm>
#include <variant>

#include "acme/account_key.h"
#include "acme/acme_client.h"
#include "acme/obtain_certificate.h"
#include "acme/problem.h"
#include "apiserver/api/base64.h"
#include "controller/client/api_error.h"
#include "crypto/csr.h"
#include "reconcilers/certs/http01_route.h"
#include "reconcilers/certs/tls_secret.h"

namespace upkeep::reconcilers::certs {
namespace {

using api::v1alpha1::AcmeIssuerSpec;
using nlohmann::json;

// Clients kept per (CA, trust, account); more than this many accounts is not a real setup,
// so the cache simply starts over.
constexpr size_t kMaxCachedClients = 256;

std::string SecretValue(const json& secret, const std::string& key) {
  if (!secret.contains("data") || !secret["data"].is_object()) return "";
  return apiserver::Base64Decode(secret["data"].value(key, "")).value_or("");
}

// The account key from its Secret, created (and stored) when the Secret or the key is missing.
absl::StatusOr<acme::AccountKey> LoadOrCreateAccountKey(controller::KubeClient& client,
                                                        const std::string& ns,
                                                        const AcmeIssuerSpec& acme) {
  const api::v1alpha1::SecretKeySelector& ref = acme.account_key_secret_ref;
  auto secret = client.Get(controller::resources::Secrets(), ns, ref.name);
  if (secret.ok()) {
    std::string pem = SecretValue(*secret, ref.key);
    if (!pem.empty()) {
      auto key = acme::AccountKey::FromPem(pem);
      if (!key.ok()) {
        return absl::FailedPreconditionError("ACME account key Secret " + ref.name + " key " +
                                             ref.key + ": " + std::string(key.status().message()));
      }
      return key;
    }
  } else if (!controller::IsNotFound(secret.status())) {
    return secret.status();
  }
  auto key = acme::AccountKey::Generate();
  if (!key.ok()) return key.status();
  json desired = {{"apiVersion", "v1"},
                  {"kind", "Secret"},
                  {"metadata",
                   {{"name", ref.name},
                    {"namespace", ns},
                    {"labels", {{"app.kubernetes.io/managed-by", "upkeep"}}}}},
                  {"type", "Opaque"},
                  {"data", {{ref.key, apiserver::Base64Encode(key->ToPem())}}}};
  controller::WriteOptions force;
  force.force = true;
  auto stored = client.Patch(controller::resources::Secrets(), ns, ref.name,
                             controller::PatchType::kApply, desired, force);
  if (!stored.ok()) return stored.status();
  return key;
}

absl::StatusOr<std::optional<acme::ExternalAccountBinding>> ReadExternalAccountBinding(
    controller::KubeClient& client, const std::string& ns, const AcmeIssuerSpec& acme) {
  if (!acme.external_account_binding) return std::optional<acme::ExternalAccountBinding>();
  const auto& eab = *acme.external_account_binding;
  auto secret = client.Get(controller::resources::Secrets(), ns, eab.key_secret_ref.name);
  if (!secret.ok()) {
    if (controller::IsNotFound(secret.status())) {
      return absl::FailedPreconditionError("externalAccountBinding Secret " +
                                           eab.key_secret_ref.name + " not found");
    }
    return secret.status();
  }
  std::string mac = SecretValue(*secret, eab.key_secret_ref.key);
  if (mac.empty()) {
    return absl::FailedPreconditionError("externalAccountBinding Secret " +
                                         eab.key_secret_ref.name + " has no key " +
                                         eab.key_secret_ref.key);
  }
  return std::optional<acme::ExternalAccountBinding>(
      acme::ExternalAccountBinding{eab.key_id, mac, eab.key_algorithm});
}

}  // namespace

AcmeIssuer::AcmeIssuer(const controller::Clock& clock, CertificateMetrics* metrics,
                       AcmeIssuerOptions options)
    : clock_(clock), metrics_(metrics), options_(std::move(options)) {}

AcmeIssuer::~AcmeIssuer() = default;

absl::StatusOr<acme::Http01Solver*> AcmeIssuer::SolverOn(int port) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = solvers_.find(port);
  if (it != solvers_.end()) return it->second.get();
  auto solver = acme::Http01Solver::Start(options_.solver_address, port);
  if (!solver.ok()) return solver.status();
  acme::Http01Solver* raw = solver->get();
  solvers_.emplace(port, std::move(*solver));
  return raw;
}

acme::AcmeClientOptions AcmeIssuer::ClientOptions(const AcmeIssuerSpec& spec) const {
  acme::AcmeClientOptions options;
  options.directory_url = spec.server;
  options.ca_bundle_pem = spec.ca_bundle;
  options.user_agent = "upkeep";
  if (metrics_ != nullptr) {
    CertificateMetrics* metrics = metrics_;
    options.on_exchange = [metrics](const acme::AcmeExchange& exchange) {
      metrics->CountAcmeRequest(exchange.http_code > 0 ? std::to_string(exchange.http_code)
                                                         : "error");
    };
  }
  return options;
}

std::optional<RenewalWindow> AcmeIssuer::SuggestedRenewalWindow(
    const api::v1alpha1::CertRenewalSpec& spec, const std::string& leaf_der) {
  const auto* acme = std::get_if<AcmeIssuerSpec>(&spec.issuer);
  if (acme == nullptr || !acme->use_ari || leaf_der.empty()) return std::nullopt;
  const std::string key = acme->server + "\n" + leaf_der;
  const auto now = clock_.Now();
  if (auto kept = renewal_info_.Lookup(key, now)) return *kept;
  auto client = RenewalInfoClientFor(*acme);
  absl::StatusOr<acme::RenewalInfo> answer =
      client.ok() ? (*client)->GetRenewalInfo(leaf_der)
                  : absl::StatusOr<acme::RenewalInfo>(client.status());
  if (!answer.ok() && answer.status().code() == absl::StatusCode::kUnavailable) {
    std::lock_guard<std::mutex> lock(mu_);  // a broken connection: a fresh client next time
    renewal_info_clients_.erase(acme->server + "\n" + acme->ca_bundle);
  }
  return renewal_info_.Store(key, answer, now);
}

absl::StatusOr<std::shared_ptr<acme::AcmeClient>> AcmeIssuer::RenewalInfoClientFor(
    const AcmeIssuerSpec& spec) {
  const std::string cache_key = spec.server + "\n" + spec.ca_bundle;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = renewal_info_clients_.find(cache_key); it != renewal_info_clients_.end()) {
      return it->second;
    }
  }
  auto created = acme::AcmeClient::Create(ClientOptions(spec), clock_);
  if (!created.ok()) return created.status();
  std::shared_ptr<acme::AcmeClient> client = std::move(*created);
  std::lock_guard<std::mutex> lock(mu_);
  if (renewal_info_clients_.size() >= kMaxCachedClients) renewal_info_clients_.clear();
  renewal_info_clients_.emplace(cache_key, client);
  return client;
}

absl::StatusOr<AcmeIssuer::BoundClient> AcmeIssuer::ClientFor(
    const AcmeIssuerSpec& spec, const acme::AccountKey& account_key,
    const std::optional<acme::ExternalAccountBinding>& eab) {
  const std::string cache_key = spec.server + "\n" + spec.ca_bundle + "\n" +
                                account_key.Thumbprint();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (auto it = clients_.find(cache_key); it != clients_.end()) {
      BoundClient kept = it->second;
      kept.reused = true;
      return kept;
    }
  }
  auto created = acme::AcmeClient::Create(ClientOptions(spec), clock_);
  if (!created.ok()) return created.status();
  std::shared_ptr<acme::AcmeClient> acme_client = std::move(*created);
  // The account: found again with its key, registered only the first time.
  absl::StatusOr<std::string> account_url = acme_client->FindAccount(account_key);
  if (!account_url.ok() && account_url.status().code() == absl::StatusCode::kNotFound) {
    acme::AccountOptions account;
    account.email = spec.email;
    account.terms_of_service_agreed = true;
    account.external_account_binding = eab;
    account_url = acme_client->RegisterAccount(account_key, account);
  }
  if (!account_url.ok()) return account_url.status();
  BoundClient bound{cache_key, acme_client, *account_url};
  std::lock_guard<std::mutex> lock(mu_);
  if (clients_.size() >= kMaxCachedClients) clients_.clear();
  clients_.emplace(cache_key, bound);
  return bound;
}

void AcmeIssuer::ForgetClient(const std::string& cache_key) {
  std::lock_guard<std::mutex> lock(mu_);
  clients_.erase(cache_key);
}

absl::StatusOr<IssuedCertificate> AcmeIssuer::Issue(const CertificateRequest& request,
                                                    controller::KubeClient& client) {
  const auto& spec = std::get<AcmeIssuerSpec>(request.spec.issuer);
  auto account_key = LoadOrCreateAccountKey(client, request.ns, spec);
  if (!account_key.ok()) return account_key.status();
  auto eab = ReadExternalAccountBinding(client, request.ns, spec);
  if (!eab.ok()) return eab.status();

  auto bound = ClientFor(spec, *account_key, *eab);
  if (!bound.ok()) return bound.status();
  std::shared_ptr<acme::AcmeClient> acme_client = bound->client;

  crypto::SubjectNames names{request.spec.common_name, request.spec.dns_names,
                             request.spec.ip_addresses};
  auto csr = crypto::BuildCsr(request.key, names);
  if (!csr.ok()) return csr.status();
  acme::ObtainRequest obtain;
  for (const std::string& dns : request.spec.dns_names) {
    obtain.identifiers.push_back(acme::Identifier::Dns(dns));
  }
  for (const std::string& ip : request.spec.ip_addresses) {
    obtain.identifiers.push_back(acme::Identifier::Ip(ip));
  }
  if (!request.spec.common_name.empty() &&
      std::find(request.spec.dns_names.begin(), request.spec.dns_names.end(),
                request.spec.common_name) == request.spec.dns_names.end()) {
    obtain.identifiers.push_back(acme::Identifier::Dns(request.spec.common_name));
  }
  obtain.csr_der = csr->der;
  obtain.timeout = options_.timeout;
  auto solver = SolverOn(spec.solver.http01.port);
  if (!solver.ok()) return solver.status();
  std::unique_ptr<Http01Route> route;
  if (spec.solver.http01.ingress) {
    auto opened = Http01Route::Open(client, request, spec.solver.http01, options_.solver_pod_ip);
    if (!opened.ok()) return opened.status();
    route = std::move(*opened);
  }
  auto issued = acme::ObtainCertificate(*acme_client, **solver, clock_, obtain);
  if (!issued.ok() && bound->reused &&
      (acme::HasAcmeError(issued.status(), "accountDoesNotExist") ||
       issued.status().code() == absl::StatusCode::kUnavailable)) {
    // The kept client's account or connection is gone (a CA restarted and forgot the
    // account, a connection reset): find or register the account afresh and try once more.
    ForgetClient(bound->cache_key);
    bound = ClientFor(spec, *account_key, *eab);
    if (!bound.ok()) return bound.status();
    issued = acme::ObtainCertificate(*bound->client, **solver, clock_, obtain);
  }
  if (route) route->Close().IgnoreError();  // owned by the CertRenewal if it lingers
  if (!issued.ok()) {
    ForgetClient(bound->cache_key);  // whatever failed, the next attempt starts afresh
    return issued.status();
  }
  return IssuedCertificate{issued->certificate_chain_pem, "", bound->account_url};
}

}  // namespace upkeep::reconcilers::certs
