#include "reconcilers/certs/tls_secret.h"

#include "apiserver/api/base64.h"

namespace upkeep::reconcilers::certs {
namespace {

using nlohmann::json;

std::string DataField(const json& secret, const char* key) {
  auto data = secret.find("data");
  if (data == secret.end() || !data->is_object()) return "";
  auto it = data->find(key);
  if (it == data->end() || !it->is_string()) return "";
  return apiserver::Base64Decode(it->get<std::string>()).value_or("");
}

}  // namespace

json BuildTlsSecret(const std::string& ns, const api::v1alpha1::CertRenewalSpec& spec,
                    const std::string& certificate_name, const std::string& issuer_identity,
                    const std::string& run_now, const TlsSecretData& data) {
  json labels = json::object();
  for (const auto& [k, v] : spec.secret_template.labels) labels[k] = v;
  labels["app.kubernetes.io/managed-by"] = "upkeep";
  json annotations = json::object();
  for (const auto& [k, v] : spec.secret_template.annotations) annotations[k] = v;
  annotations[kCertificateNameAnnotation] = certificate_name;
  annotations[kIssuerAnnotation] = issuer_identity;
  if (!run_now.empty()) annotations[kIssuedForRunNowAnnotation] = run_now;
  json secret_data = {{"tls.crt", apiserver::Base64Encode(data.certificate_chain_pem)},
                      {"tls.key", apiserver::Base64Encode(data.private_key_pem)}};
  if (!data.ca_pem.empty()) secret_data["ca.crt"] = apiserver::Base64Encode(data.ca_pem);
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata",
           {{"name", spec.secret_name},
            {"namespace", ns},
            {"labels", labels},
            {"annotations", annotations}}},
          {"type", "kubernetes.io/tls"},
          {"data", secret_data}};
}

TlsSecretData ReadTlsSecretData(const json& secret) {
  return TlsSecretData{DataField(secret, "tls.crt"), DataField(secret, "tls.key"),
                       DataField(secret, "ca.crt")};
}

std::string Annotation(const json& object, const std::string& key) {
  auto md = object.find("metadata");
  if (md == object.end() || !md->is_object()) return "";
  auto annotations = md->find("annotations");
  if (annotations == md->end() || !annotations->is_object()) return "";
  auto it = annotations->find(key);
  return it != annotations->end() && it->is_string() ? it->get<std::string>() : "";
}

}  // namespace upkeep::reconcilers::certs
