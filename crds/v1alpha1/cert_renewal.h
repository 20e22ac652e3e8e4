// CertRenewal (API.md "CertRenewal", crds/upkeep.dev_certrenewals.yaml): a TLS certificate
// kept in a kubernetes.io/tls Secret, issued by an ACME CA, a CA kept in a Secret, or
// self-signed, and renewed before it expires. Field names and meanings follow cert-manager's
// Certificate. This is the parsed form the certrenewal reconciler decides with; parsing applies
// the schema's defaults (objects may come from files or older stored versions) and checks what
// the schema cannot: key sizes per algorithm, renewBefore against duration, IP address syntax.
// Value types and pure functions; thread-compatible.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "crds/fields/field_reader.h"
#include "crds/v1alpha1/common.h"

namespace upkeep::api::v1alpha1 {

// Condition types of a CertRenewal besides Ready.
inline constexpr char kConditionIssuing[] = "Issuing";  // a new certificate is on its way
inline constexpr char kConditionServed[] = "Served";    // verifyServing saw the current one

// Defaults the schema applies too.
inline constexpr std::chrono::hours kDefaultCertificateDuration{2160};  // 90 days
inline constexpr int kDefaultHttp01Port = 8089;
inline constexpr char kDefaultAcmeAccountKey[] = "tls.key";
inline constexpr int64_t kDefaultMaxIssuancesPer7Days = 5;
// The shortest lifetime and renewal margin accepted; shorter ones renew in a loop.
inline constexpr std::chrono::hours kMinimumCertificateDuration{1};
inline constexpr std::chrono::minutes kMinimumRenewBefore{5};

enum class KeyAlgorithm { kRsa, kEcdsa, kEd25519 };
enum class KeyEncoding { kPkcs1, kPkcs8 };
enum class KeyRotationPolicy { kAlways, kNever };

struct PrivateKeySpec {
  KeyAlgorithm algorithm = KeyAlgorithm::kEcdsa;
  // Bits: RSA 2048 (default) | 3072 | 4096; ECDSA 256 (default, P-256) | 384 (P-384);
  // 0 for Ed25519, whose size is fixed.
  int size = 256;
  KeyEncoding encoding = KeyEncoding::kPkcs8;
  // kNever keeps the Secret's key while it still matches algorithm and size.
  KeyRotationPolicy rotation_policy = KeyRotationPolicy::kAlways;
};

// An Ingress upkeep creates while an HTTP-01 challenge is open.
struct Http01IngressSpec {
  std::string class_name;    // ingressClassName; "" = the cluster's default class
  std::string service_name;  // "" = a Service upkeep creates for the challenge
  std::map<std::string, std::string> annotations;
};

struct Http01SolverSpec {
  int port = kDefaultHttp01Port;  // where upkeep's solver listens
  // Absent: no Ingress; the path reaches the solver some other way (a host's nginx).
  std::optional<Http01IngressSpec> ingress;
};

// How control of each name is proven; HTTP-01 is the only kind so far.
struct AcmeSolverSpec {
  Http01SolverSpec http01;
};

// RFC 8555 section 7.3.4; used once, when the account is registered.
struct ExternalAccountBindingSpec {
  std::string key_id;
  SecretKeySelector key_secret_ref;     // the CA's MAC key, base64url
  std::string key_algorithm = "HS256";  // HS256 | HS384 | HS512 (the JWS "alg")
};

struct AcmeIssuerSpec {
  std::string server;                        // the directory URL, https
  std::string email;                         // "" = no contact registered
  SecretKeySelector account_key_secret_ref;  // key defaults to kDefaultAcmeAccountKey
  std::string ca_bundle;                     // PEM; "" = the system's trusted CAs
  AcmeSolverSpec solver;
  std::optional<ExternalAccountBindingSpec> external_account_binding;
  bool use_ari = true;  // renew inside the CA's ACME Renewal Information window
};

struct SelfSignedIssuerSpec {};

struct CaIssuerSpec {
  std::string secret_name;  // holds the CA's tls.crt and tls.key
};

// Exactly one issuer; after a parse with errors its value is unspecified.
using IssuerSpec = std::variant<SelfSignedIssuerSpec, AcmeIssuerSpec, CaIssuerSpec>;

struct VerifyServingSpec {
  std::string address;      // host:port
  std::string server_name;  // SNI; "" = the first of dnsNames, else commonName
  std::chrono::seconds timeout{10};
};

struct IssuanceBudgetSpec {
  int64_t max_per_7_days = kDefaultMaxIssuancesPer7Days;  // >= 1
};

struct CertRenewalSpec {
  std::string secret_name;
  ObjectMetaTemplate secret_template;
  // At least one of the three names is set.
  std::string common_name;
  std::vector<std::string> dns_names;
  std::vector<std::string> ip_addresses;
  std::chrono::nanoseconds duration = kDefaultCertificateDuration;
  // At most one of the two; neither means "when a third of the lifetime is left".
  std::optional<std::chrono::nanoseconds> renew_before;  // >= 5m and < duration
  std::optional<int> renew_before_percentage;            // 1-99
  PrivateKeySpec private_key;
  IssuerSpec issuer;
  std::vector<WorkloadReference> reload_targets;
  std::optional<VerifyServingSpec> verify_serving;  // absent: not checked
  IssuanceBudgetSpec issuance_budget;
};

struct CertRenewalStatus {
  CommonStatus common;
  // Of the certificate now in the Secret; absent before the first one.
  std::optional<std::chrono::system_clock::time_point> not_before;
  std::optional<std::chrono::system_clock::time_point> not_after;
  std::optional<std::chrono::system_clock::time_point> renewal_time;
  std::string serial_number;  // hex
  int64_t revision = 0;       // certificates written so far
  std::optional<std::chrono::system_clock::time_point> last_failure_time;
  int64_t failed_issuance_attempts = 0;  // since the last success; drives the backoff
  // Issuances of the last 7 days, oldest first, for issuanceBudget.
  std::vector<std::chrono::system_clock::time_point> recent_issuances;
  std::string acme_account_uri;
  std::string served_serial;  // what verifyServing last saw, hex
};

using CertRenewal = Resource<CertRenewalSpec, CertRenewalStatus>;

// Reads spec (a reader at "spec"), applying defaults; problems go to the reader's report.
CertRenewalSpec ParseCertRenewalSpec(FieldReader& spec);
// Reads status (a reader at "status").
CertRenewalStatus ParseCertRenewalStatus(FieldReader& status);
// The status object as the controller writes it: unset times and zero counts are absent.
nlohmann::json CertRenewalStatusToJson(const CertRenewalStatus& status);

// Parses a whole CertRenewal object (metadata, spec, status). InvalidArgument lists every
// field error ("spec.privateKey.size: Invalid value: 384: ...").
absl::StatusOr<CertRenewal> ParseCertRenewal(const nlohmann::json& object);

}  // namespace upkeep::api::v1alpha1
