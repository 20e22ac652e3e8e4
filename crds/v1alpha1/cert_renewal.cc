#include "crds/v1alpha1/cert_renewal.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <regex>
#include <utility>

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>

#include "controller/object/kube_time.h"
#include "crds/fields/duration.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using std::chrono::nanoseconds;


// Kubernetes' IsDNS1123Subdomain: the names a Secret may have.
bool IsDns1123Subdomain(const std::string& name) {
  static const std::regex kSubdomain(
      R"(^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$)");
  return name.size() <= 253 && std::regex_match(name, kSubdomain);
}

// A host name a certificate can name, optionally a wildcard ("*.example.com").
bool IsCertificateDnsName(const std::string& name) {
  static const std::regex kDnsName(
      R"(^(\*\.)?([a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?\.)*[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$)");
  return name.size() <= 253 && std::regex_match(name, kDnsName);
}

bool IsIpAddress(const std::string& text) {
  in6_addr buffer;
  return inet_pton(AF_INET, text.c_str(), &buffer) == 1 ||
         inet_pton(AF_INET6, text.c_str(), &buffer) == 1;
}

// "host:port" or "[ipv6]:port", port 1-65535.
bool IsHostPort(const std::string& address) {
  size_t colon = address.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  std::string host = address.substr(0, colon);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return false;
    in6_addr buffer;
    if (inet_pton(AF_INET6, host.substr(1, host.size() - 2).c_str(), &buffer) != 1) return false;
  } else if (host.find_first_of("[]:/ ") != std::string::npos) {
    return false;
  }
  std::string port_text = address.substr(colon + 1);
  int port = 0;
  if (port_text.empty() || port_text.size() > 5 ||
      port_text.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(port_text, &port)) {
    return false;
  }
  return port >= 1 && port <= 65535;
}

void CheckSecretName(FieldReader& r, const char* key, const std::optional<std::string>& name) {
  if (name && !IsDns1123Subdomain(*name)) {
    r.Invalid(key, *name,
              "a Secret name must be a lowercase RFC 1123 subdomain of at most 253 characters, "
              "e.g. \"web-tls\"");
  }
}

PrivateKeySpec ParsePrivateKey(FieldReader& r) {
  PrivateKeySpec key;
  std::string algorithm = r.Enum("algorithm", {"RSA", "ECDSA", "Ed25519"}).value_or("ECDSA");
  std::optional<int64_t> size = r.Integer("size");
  if (algorithm == "RSA") {
    key.algorithm = KeyAlgorithm::kRsa;
    key.size = 2048;
    if (size && *size != 2048 && *size != 3072 && *size != 4096) {
      r.Invalid("size", *size, "RSA keys are 2048, 3072 or 4096 bits");
    } else if (size) {
      key.size = static_cast<int>(*size);
    }
  } else if (algorithm == "ECDSA") {
    key.algorithm = KeyAlgorithm::kEcdsa;
    key.size = 256;
    if (size && *size != 256 && *size != 384) {
      r.Invalid("size", *size, "ECDSA keys are 256 (P-256) or 384 (P-384) bits");
    } else if (size) {
      key.size = static_cast<int>(*size);
    }
  } else {
    key.algorithm = KeyAlgorithm::kEd25519;
    key.size = 0;  // fixed; a size given is ignored, as cert-manager does
  }
  std::string encoding = r.Enum("encoding", {"PKCS1", "PKCS8"}).value_or("PKCS8");
  key.encoding = encoding == "PKCS1" ? KeyEncoding::kPkcs1 : KeyEncoding::kPkcs8;
  if (key.algorithm == KeyAlgorithm::kEd25519 && key.encoding == KeyEncoding::kPkcs1) {
    r.Invalid("encoding", encoding, "Ed25519 keys have no PKCS1 form; use PKCS8");
  }
  std::string rotation = r.Enum("rotationPolicy", {"Always", "Never"}).value_or("Always");
  key.rotation_policy =
      rotation == "Never" ? KeyRotationPolicy::kNever : KeyRotationPolicy::kAlways;
  return key;
}

Http01SolverSpec ParseHttp01Solver(FieldReader& r) {
  Http01SolverSpec http01;
  if (std::optional<int64_t> port = r.Integer("port")) {
    if (*port < 1 || *port > 65535) {
      r.Invalid("port", *port, "must be between 1 and 65535, inclusive");
    } else {
      http01.port = static_cast<int>(*port);
    }
  }
  FieldReader ingress = r.Object("ingress");
  Http01IngressSpec spec;
  spec.class_name = ingress.String("class").value_or("");
  spec.service_name = ingress.String("serviceName").value_or("");
  spec.annotations = ingress.StringMap("annotations");
  if (ingress.present()) http01.ingress = std::move(spec);
  return http01;
}

AcmeSolverSpec ParseAcmeSolver(FieldReader& r) {
  AcmeSolverSpec solver;
  // An absent solver is the schema's default, {http01: {}}.
  FieldReader http01 = r.Object("http01", Need::kRequired);
  solver.http01 = ParseHttp01Solver(http01);
  return solver;
}

std::optional<ExternalAccountBindingSpec> ParseExternalAccountBinding(FieldReader& r) {
  ExternalAccountBindingSpec eab;
  eab.key_id = r.String("keyID", Need::kRequired).value_or("");
  FieldReader key_ref = r.Object("keySecretRef", Need::kRequired);
  eab.key_secret_ref = ParseSecretKeySelector(key_ref);
  eab.key_algorithm = r.Enum("keyAlgorithm", {"HS256", "HS384", "HS512"}).value_or("HS256");
  if (!r.present()) return std::nullopt;
  return eab;
}

AcmeIssuerSpec ParseAcmeIssuer(FieldReader& r) {
  AcmeIssuerSpec acme;
  if (std::optional<std::string> server = r.String("server", Need::kRequired)) {
    if (server->rfind("https://", 0) != 0 || *server == "https://") {
      r.Invalid("server", *server,
                "must be an https URL of an ACME directory, e.g. "
                "\"https://acme-v02.api.letsencrypt.org/directory\"");
    }
    acme.server = *server;
  }
  if (std::optional<std::string> email = r.String("email")) {
    static const std::regex kEmail(R"(^[^@\s]+@[^@\s]+$)");
    if (!std::regex_match(*email, kEmail)) {
      r.Invalid("email", *email, "must be an email address, e.g. \"ops@example.com\"");
    }
    acme.email = *email;
  }
  FieldReader account_key = r.Object("accountKeySecretRef", Need::kRequired);
  acme.account_key_secret_ref = ParseSecretKeySelector(account_key, /*key_required=*/false);
  if (acme.account_key_secret_ref.key.empty()) {
    acme.account_key_secret_ref.key = kDefaultAcmeAccountKey;
  }
  acme.ca_bundle = ParseCaBundle(r);
  FieldReader solver = r.Object("solver");
  acme.solver = ParseAcmeSolver(solver);
  FieldReader eab = r.Object("externalAccountBinding");
  acme.external_account_binding = ParseExternalAccountBinding(eab);
  acme.use_ari = r.Bool("useARI").value_or(true);
  return acme;
}

IssuerSpec ParseIssuer(FieldReader& r) {
  std::optional<std::string> chosen = r.ExactlyOneOf({"acme", "selfSigned", "ca"});
  // Every issuer is read, chosen or not, so a misspelt field inside any of them shows.
  FieldReader acme_reader = r.Object("acme");
  AcmeIssuerSpec acme = ParseAcmeIssuer(acme_reader);
  FieldReader self_signed_reader = r.Object("selfSigned");
  FieldReader ca_reader = r.Object("ca");
  CaIssuerSpec ca;
  std::optional<std::string> ca_secret = ca_reader.String("secretName", Need::kRequired);
  CheckSecretName(ca_reader, "secretName", ca_secret);
  ca.secret_name = ca_secret.value_or("");
  if (chosen == "acme") return acme;
  if (chosen == "ca") return ca;
  return SelfSignedIssuerSpec{};
}

std::optional<VerifyServingSpec> ParseVerifyServing(FieldReader& r) {
  VerifyServingSpec verify;
  if (std::optional<std::string> address = r.String("address", Need::kRequired)) {
    if (!IsHostPort(*address)) {
      r.Invalid("address", *address,
                "must be host:port with a port from 1 to 65535, e.g. \"nginx.default.svc:443\" "
                "or \"[::1]:443\"");
    }
    verify.address = *address;
  }
  verify.server_name = r.String("serverName").value_or("");
  if (std::optional<int64_t> timeout = r.Integer("timeoutSeconds")) {
    if (*timeout < 1) {
      r.Invalid("timeoutSeconds", *timeout, "must be greater than or equal to 1");
    } else {
      verify.timeout = std::chrono::seconds(*timeout);
    }
  }
  if (!r.present()) return std::nullopt;
  return verify;
}

IssuanceBudgetSpec ParseIssuanceBudget(FieldReader& r) {
  IssuanceBudgetSpec budget;
  if (std::optional<int64_t> max = r.Integer("maxPer7Days")) {
    if (*max < 1) {
      r.Invalid("maxPer7Days", *max, "must be greater than or equal to 1");
    } else {
      budget.max_per_7_days = *max;
    }
  }
  return budget;
}

// renewBefore or renewBeforePercentage (at most one), against the lifetime.
void ParseRenewalMargin(FieldReader& r, CertRenewalSpec& spec, bool duration_ok) {
  r.AtMostOneOf({"renewBefore", "renewBeforePercentage"});
  if (std::optional<nanoseconds> before = r.Duration("renewBefore")) {
    json as_written = r.Raw("renewBefore").value_or(json());
    if (*before < kMinimumRenewBefore) {
      r.Invalid("renewBefore", as_written, "must be at least 5m");
    } else if (duration_ok && *before >= spec.duration) {
      r.Invalid(
          "renewBefore", as_written,
          absl::StrCat("must be shorter than duration (", FormatDuration(spec.duration), ")"));
    } else {
      spec.renew_before = *before;
    }
  }
  if (std::optional<int64_t> percentage = r.Integer("renewBeforePercentage")) {
    if (*percentage < 1 || *percentage > 99) {
      r.Invalid("renewBeforePercentage", *percentage, "must be between 1 and 99, inclusive");
    } else {
      spec.renew_before_percentage = static_cast<int>(*percentage);
    }
  }
}

}  // namespace

CertRenewalSpec ParseCertRenewalSpec(FieldReader& r) {
  CertRenewalSpec spec;
  std::optional<std::string> secret_name = r.String("secretName", Need::kRequired);
  CheckSecretName(r, "secretName", secret_name);
  spec.secret_name = secret_name.value_or("");
  FieldReader secret_template = r.Object("secretTemplate");
  spec.secret_template = ParseObjectMetaTemplate(secret_template);

  spec.common_name = r.String("commonName").value_or("");
  if (spec.common_name.size() > 64) {
    r.Invalid("commonName", spec.common_name, "must be no more than 64 characters");
  }
  spec.dns_names = r.StringList("dnsNames");
  for (size_t i = 0; i < spec.dns_names.size(); ++i) {
    if (!IsCertificateDnsName(spec.dns_names[i])) {
      r.Invalid(absl::StrCat("dnsNames[", i, "]"), spec.dns_names[i],
                "must be a DNS name such as \"example.com\" or \"*.example.com\"");
    }
  }
  spec.ip_addresses = r.StringList("ipAddresses");
  for (size_t i = 0; i < spec.ip_addresses.size(); ++i) {
    if (!IsIpAddress(spec.ip_addresses[i])) {
      r.Invalid(absl::StrCat("ipAddresses[", i, "]"), spec.ip_addresses[i],
                "must be an IPv4 or IPv6 address such as \"127.0.0.1\" or \"::1\"");
    }
  }
  if (r.present() && spec.common_name.empty() && spec.dns_names.empty() &&
      spec.ip_addresses.empty()) {
    r.Required("", "at least one of commonName, dnsNames, ipAddresses must be set");
  }

  bool duration_ok = true;
  if (std::optional<nanoseconds> duration = r.Duration("duration")) {
    if (*duration < kMinimumCertificateDuration) {
      r.Invalid("duration", r.Raw("duration").value_or(json()), "must be at least 1h");
      duration_ok = false;
    } else {
      spec.duration = *duration;
    }
  } else if (r.Has("duration")) {
    duration_ok = false;  // malformed, already reported
  }
  ParseRenewalMargin(r, spec, duration_ok);

  FieldReader private_key = r.Object("privateKey");
  spec.private_key = ParsePrivateKey(private_key);
  FieldReader issuer = r.Object("issuer", Need::kRequired);
  spec.issuer = ParseIssuer(issuer);
  if (std::holds_alternative<AcmeIssuerSpec>(spec.issuer)) {
    // HTTP-01 cannot prove control of a wildcard; the order would fail at every renewal.
    for (size_t i = 0; i < spec.dns_names.size(); ++i) {
      if (spec.dns_names[i].rfind("*.", 0) == 0) {
        r.Invalid(absl::StrCat("dnsNames[", i, "]"), spec.dns_names[i],
                  "ACME CAs issue wildcard names only through DNS-01 challenges, which upkeep "
                  "does not answer; use the ca or selfSigned issuer");
      }
    }
  }
  spec.reload_targets = ParseWorkloadReferences(r, "reloadTargets");
  FieldReader verify_serving = r.Object("verifyServing");
  spec.verify_serving = ParseVerifyServing(verify_serving);
  FieldReader issuance_budget = r.Object("issuanceBudget");
  spec.issuance_budget = ParseIssuanceBudget(issuance_budget);
  return spec;
}

CertRenewalStatus ParseCertRenewalStatus(FieldReader& r) {
  CertRenewalStatus status;
  status.common = ParseCommonStatus(r);
  status.not_before = r.Timestamp("notBefore");
  status.not_after = r.Timestamp("notAfter");
  status.renewal_time = r.Timestamp("renewalTime");
  status.serial_number = r.String("serialNumber").value_or("");
  status.revision = r.Integer("revision").value_or(0);
  status.last_failure_time = r.Timestamp("lastFailureTime");
  status.failed_issuance_attempts = r.Integer("failedIssuanceAttempts").value_or(0);
  std::vector<std::string> issuances = r.StringList("recentIssuances");
  for (size_t i = 0; i < issuances.size(); ++i) {
    auto time = controller::ParseRfc3339(issuances[i]);
    if (!time.ok()) {
      r.Invalid(absl::StrCat("recentIssuances[", i, "]"), issuances[i],
                "must be an RFC 3339 timestamp such as \"2026-11-30T03:00:00Z\"");
      continue;
    }
    status.recent_issuances.push_back(*time);
  }
  status.acme_account_uri = r.String("acmeAccountURI").value_or("");
  status.served_serial = r.String("servedSerial").value_or("");
  return status;
}

json CertRenewalStatusToJson(const CertRenewalStatus& status) {
  json out = json::object();
  WriteCommonStatus(status.common, out);
  WriteTimestamp(out, "notBefore", status.not_before);
  WriteTimestamp(out, "notAfter", status.not_after);
  WriteTimestamp(out, "renewalTime", status.renewal_time);
  if (!status.serial_number.empty()) out["serialNumber"] = status.serial_number;
  if (status.revision != 0) out["revision"] = status.revision;
  WriteTimestamp(out, "lastFailureTime", status.last_failure_time);
  if (status.failed_issuance_attempts != 0) {
    out["failedIssuanceAttempts"] = status.failed_issuance_attempts;
  }
  if (!status.recent_issuances.empty()) {
    json& list = out["recentIssuances"] = json::array();
    for (const auto& t : status.recent_issuances) list.push_back(controller::FormatRfc3339(t));
  }
  if (!status.acme_account_uri.empty()) out["acmeAccountURI"] = status.acme_account_uri;
  if (!status.served_serial.empty()) out["servedSerial"] = status.served_serial;
  return out;
}

absl::StatusOr<CertRenewal> ParseCertRenewal(const json& object) {
  CertRenewal cert;
  cert.metadata = ParseObjectMetadata(object);
  ParseReport report;
  auto field = [&](const char* key) -> const json* {
    if (!object.is_object()) return nullptr;
    auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
  };
  const json* spec = field("spec");
  const json* status = field("status");
  if (spec == nullptr || spec->is_null()) {
    report.errors.push_back(FieldError{"FieldValueRequired", "spec", "Required value"});
  }
  {
    FieldReader spec_reader(spec, "spec", report);
    cert.spec = ParseCertRenewalSpec(spec_reader);
    FieldReader status_reader(status, "status", report);
    cert.status = ParseCertRenewalStatus(status_reader);
  }
  if (absl::Status s = report.ToStatus(); !s.ok()) return s;
  return cert;
}

}  // namespace upkeep::api::v1alpha1
