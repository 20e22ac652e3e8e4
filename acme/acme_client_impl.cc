#include "acme/acme_client_impl.h"

#include <utility>

#include "acme/base64url.h"
#include "acme/renewal_cert_id.h"
#include "acme/retry_after.h"

namespace upkeep::acme {
namespace {

constexpr char kJoseContentType[] = "application/jose+json";
constexpr char kPemChainContentType[] = "application/pem-certificate-chain";

std::string Context(const std::string& method, const std::string& url) {
  return method + " " + url;
}

}  // namespace

absl::StatusOr<std::unique_ptr<AcmeClient>> AcmeClient::Create(AcmeClientOptions options,
                                                               const controller::Clock& clock) {
  auto client = AcmeClientImpl::Create(std::move(options), clock);
  if (!client.ok()) return client.status();
  return std::unique_ptr<AcmeClient>(std::move(*client));
}

AcmeClientImpl::AcmeClientImpl(AcmeClientOptions options, const controller::Clock& clock,
                               std::unique_ptr<AcmeTransport> transport)
    : clock_(clock), options_(std::move(options)), transport_(std::move(transport)) {}

absl::StatusOr<std::unique_ptr<AcmeClientImpl>> AcmeClientImpl::Create(
    AcmeClientOptions options, const controller::Clock& clock) {
  if (options.directory_url.empty()) {
    return absl::InvalidArgumentError("the ACME directory URL is empty");
  }
  if (options.max_bad_nonce_retries < 0) options.max_bad_nonce_retries = 0;
  auto transport =
      AcmeTransport::Create({options.ca_bundle_pem, options.user_agent, options.request_timeout});
  if (!transport.ok()) return transport.status();
  std::unique_ptr<AcmeClientImpl> client(
      new AcmeClientImpl(std::move(options), clock, std::move(*transport)));

  const std::string& url = client->options_.directory_url;
  auto response = client->Exchange("GET", url, "", "", "application/json");
  if (!response.ok()) return response.status();
  client->nonces_.Add(response->replay_nonce);
  if (response->code != 200) return client->ErrorFor(*response, Context("GET", url));
  auto json = client->JsonBody(*response, Context("GET", url));
  if (!json.ok()) return json.status();
  auto directory = ParseDirectory(*json, url);
  if (!directory.ok()) return directory.status();
  client->directory_ = std::move(*directory);
  return client;
}

absl::StatusOr<HttpResponse> AcmeClientImpl::Exchange(const std::string& method,
                                                      const std::string& url,
                                                      const std::string& body,
                                                      const std::string& content_type,
                                                      const std::string& accept) {
  auto response = transport_->Send(method, url, body, content_type, accept);
  if (options_.on_exchange) {
    AcmeExchange exchange{method, url, response.ok() ? response->code : 0, ""};
    if (response.ok() && response->code >= 400) {
      auto problem = ParseProblem(nlohmann::json::parse(response->body, nullptr, false));
      if (problem.has_value()) exchange.acme_error_type = problem->type;
    }
    options_.on_exchange(exchange);
  }
  return response;
}

std::optional<std::chrono::seconds> AcmeClientImpl::RetryAfter(const HttpResponse& response) const {
  return ParseRetryAfter(response.retry_after, clock_.Now());
}

absl::Status AcmeClientImpl::ErrorFor(const HttpResponse& response,
                                      const std::string& context) const {
  return ErrorResponseStatus(response.code, response.body, context, RetryAfter(response));
}

absl::StatusOr<nlohmann::json> AcmeClientImpl::JsonBody(const HttpResponse& response,
                                                        const std::string& context) const {
  nlohmann::json json = nlohmann::json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) {
    return absl::InternalError(context +
                               ": the ACME server answered with a body that is not "
                               "JSON: \"" +
                               response.body.substr(0, 200) + "\"");
  }
  return json;
}

absl::StatusOr<std::string> AcmeClientImpl::TakeNonce() {
  if (auto nonce = nonces_.Take()) return *nonce;
  const std::string& url = directory_.new_nonce;
  auto response = Exchange("HEAD", url, "", "", "");
  if (!response.ok()) return response.status();
  if (response->code / 100 != 2) return ErrorFor(*response, Context("HEAD", url));
  if (response->replay_nonce.empty()) {
    return absl::UnavailableError(Context("HEAD", url) +
                                  ": the ACME server sent no Replay-Nonce header");
  }
  return response->replay_nonce;
}

absl::StatusOr<HttpResponse> AcmeClientImpl::Post(const std::string& url,
                                                  const std::optional<nlohmann::json>& payload,
                                                  const Signer& signer, const std::string& accept) {
  const std::string context = Context("POST", url);
  for (int attempt = 0;; ++attempt) {
    auto nonce = TakeNonce();
    if (!nonce.ok()) return nonce.status();
    auto jws = SignJws(signer.key, {*nonce, url, signer.key_id}, payload);
    if (!jws.ok()) return jws.status();
    auto response = Exchange("POST", url, jws->dump(), kJoseContentType, accept);
    if (!response.ok()) return response.status();
    // Every response, errors included, carries a nonce the next request can use.
    nonces_.Add(response->replay_nonce);
    if (response->code < 400) return response;
    absl::Status error = ErrorFor(*response, context);
    // badNonce is the one error a client must retry (RFC 8555 §6.5), with the new nonce.
    if (HasAcmeError(error, "badNonce") && attempt < options_.max_bad_nonce_retries) continue;
    return error;
  }
}

absl::StatusOr<AcmeClientImpl::Signer> AcmeClientImpl::AccountSigner() const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!account_key_.has_value() || account_url_.empty()) {
    return absl::FailedPreconditionError(
        "no ACME account: call RegisterAccount, FindAccount or UseAccount first");
  }
  return Signer{*account_key_, account_url_};
}

absl::StatusOr<std::string> AcmeClientImpl::AccountRequest(const AccountKey& key,
                                                           const nlohmann::json& payload) {
  const std::string& url = directory_.new_account;
  auto response = Post(url, payload, Signer{key, ""});
  if (!response.ok()) return response.status();
  if (response->location.empty()) {
    return absl::InternalError(Context("POST", url) +
                               ": the ACME server sent no Location for the account");
  }
  // The account object is optional in the answer to onlyReturnExisting; check it if sent.
  nlohmann::json body = nlohmann::json::parse(response->body, nullptr, false);
  if (body.is_object()) {
    auto it = body.find("status");
    std::string status = it != body.end() && it->is_string() ? it->get<std::string>() : "valid";
    if (status != "valid") {
      return absl::PermissionDeniedError(Context("POST", url) + ": the account " +
                                         response->location + " is " + status);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  account_key_ = key;
  account_url_ = response->location;
  return account_url_;
}

absl::StatusOr<std::string> AcmeClientImpl::RegisterAccount(const AccountKey& key,
                                                            const AccountOptions& options) {
  nlohmann::json payload = {{"termsOfServiceAgreed", options.terms_of_service_agreed}};
  if (!options.email.empty()) payload["contact"] = {"mailto:" + options.email};
  if (options.external_account_binding.has_value()) {
    auto eab =
        SignExternalAccountBinding(*options.external_account_binding, key, directory_.new_account);
    if (!eab.ok()) return eab.status();
    payload["externalAccountBinding"] = std::move(*eab);
  }
  return AccountRequest(key, payload);
}

absl::StatusOr<std::string> AcmeClientImpl::FindAccount(const AccountKey& key) {
  return AccountRequest(key, {{"onlyReturnExisting", true}});
}

void AcmeClientImpl::UseAccount(const AccountKey& key, std::string account_url) {
  std::lock_guard<std::mutex> lock(mu_);
  account_key_ = key;
  account_url_ = std::move(account_url);
}

absl::StatusOr<Order> AcmeClientImpl::NewOrder(const NewOrderRequest& request) {
  if (request.identifiers.empty()) {
    return absl::InvalidArgumentError("a new ACME order needs at least one identifier");
  }
  auto signer = AccountSigner();
  if (!signer.ok()) return signer.status();
  nlohmann::json identifiers = nlohmann::json::array();
  for (const Identifier& id : request.identifiers) {
    identifiers.push_back({{"type", id.type}, {"value", id.value}});
  }
  nlohmann::json payload = {{"identifiers", identifiers}};
  if (!request.replaces.empty() && !directory_.renewal_info.empty()) {
    payload["replaces"] = request.replaces;
  }
  const std::string& url = directory_.new_order;
  auto response = Post(url, payload, *signer);
  if (!response.ok()) return response.status();
  if (response->location.empty()) {
    return absl::InternalError(Context("POST", url) +
                               ": the ACME server sent no Location for the new order");
  }
  auto json = JsonBody(*response, Context("POST", url));
  if (!json.ok()) return json.status();
  auto order = ParseOrder(*json, response->location);
  if (order.ok()) order->retry_after = RetryAfter(*response);
  return order;
}

absl::StatusOr<Order> AcmeClientImpl::GetOrder(const std::string& order_url) {
  auto signer = AccountSigner();
  if (!signer.ok()) return signer.status();
  auto response = Post(order_url, std::nullopt, *signer);
  if (!response.ok()) return response.status();
  auto json = JsonBody(*response, Context("POST", order_url));
  if (!json.ok()) return json.status();
  auto order = ParseOrder(*json, order_url);
  if (order.ok()) order->retry_after = RetryAfter(*response);
  return order;
}

absl::StatusOr<Authorization> AcmeClientImpl::GetAuthorization(
    const std::string& authorization_url) {
  auto signer = AccountSigner();
  if (!signer.ok()) return signer.status();
  auto response = Post(authorization_url, std::nullopt, *signer);
  if (!response.ok()) return response.status();
  auto json = JsonBody(*response, Context("POST", authorization_url));
  if (!json.ok()) return json.status();
  auto authorization = ParseAuthorization(*json, authorization_url);
  if (authorization.ok()) authorization->retry_after = RetryAfter(*response);
  return authorization;
}

absl::StatusOr<std::string> AcmeClientImpl::KeyAuthorization(const std::string& token) const {
  std::lock_guard<std::mutex> lock(mu_);
  if (!account_key_.has_value()) {
    return absl::FailedPreconditionError(
        "no ACME account key bound to compute a key "
        "authorization");
  }
  return acme::KeyAuthorization(*account_key_, token);
}

absl::StatusOr<Challenge> AcmeClientImpl::AcceptChallenge(const std::string& challenge_url) {
  auto signer = AccountSigner();
  if (!signer.ok()) return signer.status();
  // The payload is an empty object (RFC 8555 §7.5.1), not POST-as-GET's empty string.
  auto response = Post(challenge_url, nlohmann::json::object(), *signer);
  if (!response.ok()) return response.status();
  auto json = JsonBody(*response, Context("POST", challenge_url));
  if (!json.ok()) return json.status();
  return ParseChallenge(*json, challenge_url);
}

absl::StatusOr<Order> AcmeClientImpl::Finalize(const Order& order, const std::string& csr_der) {
  if (csr_der.empty()) return absl::InvalidArgumentError("finalizing " + order.url + ": no CSR");
  auto signer = AccountSigner();
  if (!signer.ok()) return signer.status();
  auto response =
      Post(order.finalize_url, nlohmann::json{{"csr", Base64UrlEncode(csr_der)}}, *signer);
  if (!response.ok()) return response.status();
  auto json = JsonBody(*response, Context("POST", order.finalize_url));
  if (!json.ok()) return json.status();
  auto updated = ParseOrder(*json, order.url.empty() ? response->location : order.url);
  if (updated.ok()) updated->retry_after = RetryAfter(*response);
  return updated;
}

absl::StatusOr<std::string> AcmeClientImpl::DownloadCertificate(
    const std::string& certificate_url) {
  auto signer = AccountSigner();
  if (!signer.ok()) return signer.status();
  auto response = Post(certificate_url, std::nullopt, *signer, kPemChainContentType);
  if (!response.ok()) return response.status();
  if (response->body.find("-----BEGIN CERTIFICATE-----") == std::string::npos) {
    return absl::InternalError(Context("POST", certificate_url) +
                               ": the ACME server sent no PEM certificate chain (Content-Type \"" +
                               response->content_type + "\")");
  }
  return response->body;
}

absl::StatusOr<RenewalInfo> AcmeClientImpl::GetRenewalInfo(const std::string& certificate_der) {
  if (directory_.renewal_info.empty()) {
    return absl::UnimplementedError("the ACME directory " + directory_.url +
                                    " has no renewalInfo: the CA does not offer ACME Renewal "
                                    "Information (RFC 9773)");
  }
  auto cert_id = RenewalCertId(certificate_der);
  if (!cert_id.ok()) return cert_id.status();
  std::string url = directory_.renewal_info;
  if (!url.empty() && url.back() != '/') url += '/';
  url += *cert_id;
  auto response = Exchange("GET", url, "", "", "application/json");
  if (!response.ok()) return response.status();
  nonces_.Add(response->replay_nonce);
  if (response->code != 200) return ErrorFor(*response, Context("GET", url));
  auto json = JsonBody(*response, Context("GET", url));
  if (!json.ok()) return json.status();
  auto info = ParseRenewalInfo(*json, url);
  if (info.ok()) info->retry_after = RetryAfter(*response);
  return info;
}

}  // namespace upkeep::acme
