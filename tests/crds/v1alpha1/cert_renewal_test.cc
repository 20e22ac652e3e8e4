#include "crds/v1alpha1/cert_renewal.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <variant>
#include <vector>

#include "controller/manifests/manifests.h"
#include "controller/object/kube_time.h"
#include "crds/fields/duration.h"
#include "tests/crds/support/schema_drift.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using std::chrono::hours;
using ::testing::HasSubstr;
using upkeep::api::testing::CompareParserWithSchema;
using upkeep::api::testing::DriftReport;
using upkeep::api::testing::LoadCrdSchema;
using upkeep::api::testing::PathsNotInSchema;
using upkeep::api::testing::SampleFromSchema;
using upkeep::api::testing::SourcePath;

constexpr char kCrdFile[] = "crds/upkeep.dev_certrenewals.yaml";

struct Parsed {
  CertRenewalSpec spec;
  ParseReport report;
};

Parsed ParseSpec(const json& spec) {
  Parsed out;
  {
    FieldReader reader(&spec, "spec", out.report);
    out.spec = ParseCertRenewalSpec(reader);
  }
  return out;
}

std::string ErrorsOf(const ParseReport& report) { return report.ToStatus().ToString(); }

// The smallest valid spec; invalid rows patch it.
json MinimalSpec() {
  return json::parse(R"({
    "secretName": "web-tls",
    "commonName": "example.com",
    "issuer": {"selfSigned": {}}
  })");
}

json AcmeSpec() {
  json spec = MinimalSpec();
  spec["issuer"] = json::parse(R"({
    "acme": {"server": "https://acme.example.com/directory",
             "accountKeySecretRef": {"name": "acme-account"}}
  })");
  return spec;
}

json CrdDocument() {
  auto docs = controller::ReadManifests(SourcePath(kCrdFile));
  if (!docs.ok() || docs->empty()) {
    ADD_FAILURE() << "cannot read " << kCrdFile << ": " << docs.status();
    return json();
  }
  return (*docs)[0];
}

// ---- examples ----

std::vector<json> CertRenewalsIn(const std::string& example) {
  auto docs = controller::ReadManifests(SourcePath(example));
  EXPECT_TRUE(docs.ok()) << docs.status();
  std::vector<json> out;
  if (!docs.ok()) return out;
  for (const json& doc : *docs) {
    if (doc.value("kind", "") == "CertRenewal") out.push_back(doc);
  }
  return out;
}

void ExpectParsesCleanly(const json& object) {
  absl::StatusOr<CertRenewal> parsed = ParseCertRenewal(object);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  Parsed spec = ParseSpec(object["spec"]);
  EXPECT_THAT(spec.report.unknown_fields, ::testing::IsEmpty())
      << object["metadata"]["name"] << " has fields the CRD does not know";
}

TEST(CertRenewalExamplesTest, DevExampleIsASelfSignedCertificateForLocalhost) {
  std::vector<json> objects = CertRenewalsIn("examples/dev/10-certrenewal.yaml");
  ASSERT_EQ(objects.size(), 1u);
  ExpectParsesCleanly(objects[0]);
  absl::StatusOr<CertRenewal> cert = ParseCertRenewal(objects[0]);
  ASSERT_TRUE(cert.ok());
  EXPECT_EQ(cert->spec.secret_name, "upkeep-dev-tls");
  EXPECT_TRUE(std::holds_alternative<SelfSignedIssuerSpec>(cert->spec.issuer));
  EXPECT_THAT(cert->spec.dns_names, ::testing::ElementsAre("upkeep.localhost", "localhost"));
  EXPECT_THAT(cert->spec.ip_addresses, ::testing::ElementsAre("127.0.0.1"));
  EXPECT_FALSE(objects[0]["metadata"].contains("namespace"));
}

TEST(CertRenewalExamplesTest, ProductionExampleIsLetsEncryptForTheSite) {
  std::vector<json> objects = CertRenewalsIn("examples/production/certrenewal.yaml");
  ASSERT_EQ(objects.size(), 1u);
  ExpectParsesCleanly(objects[0]);
  absl::StatusOr<CertRenewal> cert = ParseCertRenewal(objects[0]);
  ASSERT_TRUE(cert.ok());
  EXPECT_FALSE(objects[0]["metadata"].contains("namespace"));
  EXPECT_EQ(cert->spec.secret_name, "app-tls");
  EXPECT_THAT(cert->spec.dns_names,
              ::testing::ElementsAre("app.example.com", "www.app.example.com"));
  const auto* acme = std::get_if<AcmeIssuerSpec>(&cert->spec.issuer);
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->server, "https://acme-v02.api.letsencrypt.org/directory");
  EXPECT_EQ(acme->account_key_secret_ref.name, "letsencrypt-account");
  ASSERT_TRUE(acme->solver.http01.ingress.has_value());
  EXPECT_EQ(acme->solver.http01.ingress->class_name, "nginx");
  ASSERT_EQ(cert->spec.reload_targets.size(), 1u);
  EXPECT_EQ(cert->spec.reload_targets[0].kind, "Deployment");
  EXPECT_EQ(cert->spec.reload_targets[0].name, "nginx");
  ASSERT_TRUE(cert->spec.verify_serving.has_value());
  EXPECT_EQ(cert->spec.issuance_budget.max_per_7_days, 5);
}

// ---- defaults ----

TEST(CertRenewalDefaultsTest, MinimalSpecGetsTheDocumentedDefaults) {
  Parsed p = ParseSpec(MinimalSpec());
  ASSERT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  EXPECT_EQ(p.spec.duration, hours(2160));
  EXPECT_FALSE(p.spec.renew_before.has_value());
  EXPECT_FALSE(p.spec.renew_before_percentage.has_value());
  EXPECT_EQ(p.spec.private_key.algorithm, KeyAlgorithm::kEcdsa);
  EXPECT_EQ(p.spec.private_key.size, 256);
  EXPECT_EQ(p.spec.private_key.encoding, KeyEncoding::kPkcs8);
  EXPECT_EQ(p.spec.private_key.rotation_policy, KeyRotationPolicy::kAlways);
  EXPECT_TRUE(p.spec.reload_targets.empty());
  EXPECT_FALSE(p.spec.verify_serving.has_value());
  EXPECT_EQ(p.spec.issuance_budget.max_per_7_days, 5);
  EXPECT_TRUE(std::holds_alternative<SelfSignedIssuerSpec>(p.spec.issuer));
}

TEST(CertRenewalDefaultsTest, KeySizeDefaultsPerAlgorithm) {
  struct Row {
    const char* algorithm;
    KeyAlgorithm expected_algorithm;
    int expected_size;
  };
  for (const Row& row :
       {Row{"RSA", KeyAlgorithm::kRsa, 2048}, Row{"ECDSA", KeyAlgorithm::kEcdsa, 256},
        Row{"Ed25519", KeyAlgorithm::kEd25519, 0}}) {
    json spec = MinimalSpec();
    spec["privateKey"] = {{"algorithm", row.algorithm}};
    Parsed p = ParseSpec(spec);
    EXPECT_TRUE(p.report.ok()) << row.algorithm << ": " << ErrorsOf(p.report);
    EXPECT_EQ(p.spec.private_key.algorithm, row.expected_algorithm) << row.algorithm;
    EXPECT_EQ(p.spec.private_key.size, row.expected_size) << row.algorithm;
  }
}

TEST(CertRenewalDefaultsTest, Ed25519IgnoresAGivenSize) {
  json spec = MinimalSpec();
  spec["privateKey"] = {{"algorithm", "Ed25519"}, {"size", 4096}};
  Parsed p = ParseSpec(spec);
  EXPECT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  EXPECT_EQ(p.spec.private_key.size, 0);
}

TEST(CertRenewalDefaultsTest, AcmeIssuerDefaultsToHttp01OnPort8089WithAri) {
  json spec = AcmeSpec();
  spec["issuer"]["acme"]["externalAccountBinding"] = {
      {"keyID", "kid-1"}, {"keySecretRef", {{"name", "eab"}, {"key", "secret"}}}};
  Parsed p = ParseSpec(spec);
  ASSERT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  const auto* acme = std::get_if<AcmeIssuerSpec>(&p.spec.issuer);
  ASSERT_NE(acme, nullptr);
  EXPECT_EQ(acme->account_key_secret_ref.name, "acme-account");
  EXPECT_EQ(acme->account_key_secret_ref.key, "tls.key");
  EXPECT_EQ(acme->solver.http01.port, 8089);
  EXPECT_FALSE(acme->solver.http01.ingress.has_value());
  EXPECT_TRUE(acme->use_ari);
  EXPECT_TRUE(acme->email.empty());
  ASSERT_TRUE(acme->external_account_binding.has_value());
  EXPECT_EQ(acme->external_account_binding->key_algorithm, "HS256");
}

TEST(CertRenewalDefaultsTest, ReloadTargetsAreDeploymentsAndVerifyServingWaitsTenSeconds) {
  json spec = MinimalSpec();
  spec["reloadTargets"] = json::array({{{"name", "nginx"}}});
  spec["verifyServing"] = {{"address", "127.0.0.1:443"}};
  Parsed p = ParseSpec(spec);
  ASSERT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  ASSERT_EQ(p.spec.reload_targets.size(), 1u);
  EXPECT_EQ(p.spec.reload_targets[0].kind, "Deployment");
  ASSERT_TRUE(p.spec.verify_serving.has_value());
  EXPECT_EQ(p.spec.verify_serving->timeout, std::chrono::seconds(10));
  EXPECT_EQ(p.spec.verify_serving->server_name, "");
}

TEST(CertRenewalDefaultsTest, CaIssuerNamesItsSecret) {
  json spec = MinimalSpec();
  spec["issuer"] = {{"ca", {{"secretName", "internal-ca"}}}};
  Parsed p = ParseSpec(spec);
  ASSERT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  const auto* ca = std::get_if<CaIssuerSpec>(&p.spec.issuer);
  ASSERT_NE(ca, nullptr);
  EXPECT_EQ(ca->secret_name, "internal-ca");
}

TEST(CertRenewalDefaultsTest, RenewalMarginsAreReadAsWritten) {
  json spec = MinimalSpec();
  spec["duration"] = "90d";
  spec["renewBefore"] = "30d";
  Parsed p = ParseSpec(spec);
  ASSERT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  EXPECT_EQ(p.spec.duration, hours(2160));
  EXPECT_EQ(p.spec.renew_before, hours(720));

  spec.erase("renewBefore");
  spec["renewBeforePercentage"] = 25;
  p = ParseSpec(spec);
  ASSERT_TRUE(p.report.ok()) << ErrorsOf(p.report);
  EXPECT_EQ(p.spec.renew_before_percentage, 25);
}

TEST(CertRenewalDefaultsTest, AnyOneKindOfNameIsEnough) {
  for (const json& names :
       {json{{"commonName", "example.com"}}, json{{"dnsNames", json::array({"*.example.com"})}},
        json{{"ipAddresses", json::array({"::1"})}}}) {
    json spec = MinimalSpec();
    spec.erase("commonName");
    spec.update(names);
    Parsed p = ParseSpec(spec);
    EXPECT_TRUE(p.report.ok()) << names << ": " << ErrorsOf(p.report);
  }
}

// The schema applies the same defaults as the parser, so `kubectl get -o yaml` shows what the
// controller uses.
TEST(CertRenewalDefaultsTest, SchemaDefaultsMatchTheParser) {
  json spec_schema = LoadCrdSchema(SourcePath(kCrdFile))["properties"]["spec"];
  json props = spec_schema["properties"];
  EXPECT_EQ(props["duration"]["default"], FormatDuration(kDefaultCertificateDuration));
  EXPECT_EQ(props["privateKey"]["properties"]["algorithm"]["default"], "ECDSA");
  EXPECT_EQ(props["privateKey"]["properties"]["encoding"]["default"], "PKCS8");
  EXPECT_EQ(props["privateKey"]["properties"]["rotationPolicy"]["default"], "Always");
  json acme = props["issuer"]["properties"]["acme"]["properties"];
  EXPECT_EQ(acme["accountKeySecretRef"]["properties"]["key"]["default"], kDefaultAcmeAccountKey);
  EXPECT_EQ(acme["solver"]["properties"]["http01"]["properties"]["port"]["default"],
            kDefaultHttp01Port);
  EXPECT_EQ(acme["externalAccountBinding"]["properties"]["keyAlgorithm"]["default"], "HS256");
  EXPECT_EQ(acme["useARI"]["default"], true);
  EXPECT_EQ(props["reloadTargets"]["items"]["properties"]["kind"]["default"], "Deployment");
  EXPECT_EQ(props["verifyServing"]["properties"]["timeoutSeconds"]["default"], 10);
  EXPECT_EQ(props["issuanceBudget"]["properties"]["maxPer7Days"]["default"],
            kDefaultMaxIssuancesPer7Days);
}

// ---- invalid specs ----

struct InvalidRow {
  const char* name;
  json spec;
  const char* field;   // the exact path reported
  const char* detail;  // a substring of the message
};

// `base` with a JSON merge patch applied (null removes a field).
json Patched(json base, const json& patch) {
  base.merge_patch(patch);
  return base;
}

json Replaced(json base, const char* key, json value) {
  base[key] = std::move(value);
  return base;
}

std::vector<InvalidRow> InvalidRows() {
  const json minimal = MinimalSpec();
  const json acme = AcmeSpec();
  auto acme_with = [&](const json& patch) {
    return Patched(acme, {{"issuer", {{"acme", patch}}}});
  };
  return {
      {"SecretNameMissing", Patched(minimal, {{"secretName", nullptr}}), "spec.secretName",
       "Required value"},
      {"SecretNameNotASubdomain", Patched(minimal, {{"secretName", "Web_TLS"}}), "spec.secretName",
       "RFC 1123 subdomain"},
      {"NoNames", Patched(minimal, {{"commonName", nullptr}}), "spec",
       "at least one of commonName, dnsNames, ipAddresses must be set"},
      {"EmptyNameListsCountAsNoNames",
       Patched(
           minimal,
           {{"commonName", nullptr}, {"dnsNames", json::array()}, {"ipAddresses", json::array()}}),
       "spec", "at least one of commonName, dnsNames, ipAddresses must be set"},
      {"CommonNameLongerThan64", Patched(minimal, {{"commonName", std::string(65, 'a')}}),
       "spec.commonName", "no more than 64 characters"},
      {"DnsNameWithScheme",
       Patched(minimal, {{"dnsNames", json::array({"example.com", "https://x.com"})}}),
       "spec.dnsNames[1]", "must be a DNS name"},
      {"DnsNamesNotAList", Patched(minimal, {{"dnsNames", "example.com"}}), "spec.dnsNames",
       "must be of type array"},
      {"IpAddressNotAnAddress", Patched(minimal, {{"ipAddresses", json::array({"300.1.1.1"})}}),
       "spec.ipAddresses[0]", "IPv4 or IPv6"},
      {"DurationMalformed", Patched(minimal, {{"duration", "90 days"}}), "spec.duration",
       "must be a duration"},
      {"DurationShorterThanAnHour", Patched(minimal, {{"duration", "30m"}}), "spec.duration",
       "must be at least 1h"},
      {"RenewBeforeAndPercentage",
       Patched(minimal, {{"renewBefore", "720h"}, {"renewBeforePercentage", 33}}), "spec",
       "only one of renewBefore, renewBeforePercentage may be set"},
      {"RenewBeforeNotShorterThanDuration",
       Patched(minimal, {{"duration", "720h"}, {"renewBefore", "30d"}}), "spec.renewBefore",
       "must be shorter than duration (720h)"},
      {"RenewBeforeDefaultDuration", Patched(minimal, {{"renewBefore", "2200h"}}),
       "spec.renewBefore", "must be shorter than duration (2160h)"},
      {"RenewBeforeUnderFiveMinutes", Patched(minimal, {{"renewBefore", "1m"}}), "spec.renewBefore",
       "must be at least 5m"},
      {"RenewBeforeMalformed", Patched(minimal, {{"renewBefore", "soon"}}), "spec.renewBefore",
       "must be a duration"},
      {"RenewBeforePercentageZero", Patched(minimal, {{"renewBeforePercentage", 0}}),
       "spec.renewBeforePercentage", "between 1 and 99"},
      {"RenewBeforePercentageHundred", Patched(minimal, {{"renewBeforePercentage", 100}}),
       "spec.renewBeforePercentage", "between 1 and 99"},
      {"KeyAlgorithmUnknown", Patched(minimal, {{"privateKey", {{"algorithm", "DSA"}}}}),
       "spec.privateKey.algorithm", "Unsupported value: \"DSA\""},
      {"RsaKeyOf256Bits", Patched(minimal, {{"privateKey", {{"algorithm", "RSA"}, {"size", 256}}}}),
       "spec.privateKey.size", "RSA keys are 2048, 3072 or 4096 bits"},
      {"EcdsaKeyOf2048Bits", Patched(minimal, {{"privateKey", {{"size", 2048}}}}),
       "spec.privateKey.size", "ECDSA keys are 256 (P-256) or 384 (P-384) bits"},
      {"Ed25519InPkcs1",
       Patched(minimal, {{"privateKey", {{"algorithm", "Ed25519"}, {"encoding", "PKCS1"}}}}),
       "spec.privateKey.encoding", "Ed25519 keys have no PKCS1 form"},
      {"KeyEncodingUnknown", Patched(minimal, {{"privateKey", {{"encoding", "DER"}}}}),
       "spec.privateKey.encoding", "Unsupported value"},
      {"RotationPolicyUnknown",
       Patched(minimal, {{"privateKey", {{"rotationPolicy", "Sometimes"}}}}),
       "spec.privateKey.rotationPolicy", "Unsupported value"},
      {"IssuerMissing", Patched(minimal, {{"issuer", nullptr}}), "spec.issuer", "Required value"},
      {"IssuerEmpty", Replaced(minimal, "issuer", json::object()), "spec.issuer",
       "exactly one of acme, selfSigned, ca must be set"},
      {"TwoIssuers", Patched(minimal, {{"issuer", {{"ca", {{"secretName", "internal-ca"}}}}}}),
       "spec.issuer", "only one of acme, selfSigned, ca may be set"},
      {"AcmeWildcardName", Patched(acme, {{"dnsNames", json::array({"*.example.com"})}}),
       "spec.dnsNames[0]", "only through DNS-01 challenges"},
      {"AcmeServerMissing", acme_with({{"server", nullptr}}), "spec.issuer.acme.server",
       "Required value"},
      {"AcmeServerNotHttps", acme_with({{"server", "http://acme.example.com/directory"}}),
       "spec.issuer.acme.server", "must be an https URL"},
      {"AcmeEmailWithoutAt", acme_with({{"email", "ops.example.com"}}), "spec.issuer.acme.email",
       "must be an email address"},
      {"AcmeAccountKeyMissing", acme_with({{"accountKeySecretRef", nullptr}}),
       "spec.issuer.acme.accountKeySecretRef", "Required value"},
      {"AcmeAccountKeyWithoutName",
       acme_with({{"accountKeySecretRef", {{"name", nullptr}, {"key", "k"}}}}),
       "spec.issuer.acme.accountKeySecretRef.name", "Required value"},
      {"AcmeCaBundleNotPem", acme_with({{"caBundle", "MIIBszCCAVmgAwIBAgIU"}}),
       "spec.issuer.acme.caBundle", "BEGIN CERTIFICATE"},
      {"AcmeSolverWithoutHttp01", acme_with({{"solver", json::object()}}),
       "spec.issuer.acme.solver.http01", "Required value"},
      {"Http01PortZero", acme_with({{"solver", {{"http01", {{"port", 0}}}}}}),
       "spec.issuer.acme.solver.http01.port", "between 1 and 65535"},
      {"Http01PortTooHigh", acme_with({{"solver", {{"http01", {{"port", 65536}}}}}}),
       "spec.issuer.acme.solver.http01.port", "between 1 and 65535"},
      {"EabKeyIdMissing",
       acme_with({{"externalAccountBinding", {{"keySecretRef", {{"name", "e"}, {"key", "k"}}}}}}),
       "spec.issuer.acme.externalAccountBinding.keyID", "Required value"},
      {"EabKeySecretKeyMissing",
       acme_with(
           {{"externalAccountBinding", {{"keyID", "kid"}, {"keySecretRef", {{"name", "e"}}}}}}),
       "spec.issuer.acme.externalAccountBinding.keySecretRef.key", "Required value"},
      {"EabKeyAlgorithmUnknown",
       acme_with({{"externalAccountBinding",
                   {{"keyID", "kid"},
                    {"keySecretRef", {{"name", "e"}, {"key", "k"}}},
                    {"keyAlgorithm", "RS256"}}}}),
       "spec.issuer.acme.externalAccountBinding.keyAlgorithm", "Unsupported value"},
      {"CaIssuerWithoutSecret",
       Patched(minimal, {{"issuer", {{"selfSigned", nullptr}, {"ca", json::object()}}}}),
       "spec.issuer.ca.secretName", "Required value"},
      {"ReloadTargetKindUnknown",
       Patched(minimal, {{"reloadTargets", json::array({{{"kind", "Pod"}, {"name", "nginx"}}})}}),
       "spec.reloadTargets[0].kind", "Unsupported value: \"Pod\""},
      {"ReloadTargetWithoutName",
       Patched(minimal, {{"reloadTargets", json::array({{{"kind", "Deployment"}}})}}),
       "spec.reloadTargets[0].name", "Required value"},
      {"VerifyServingWithoutAddress",
       Patched(minimal, {{"verifyServing", {{"serverName", "example.com"}}}}),
       "spec.verifyServing.address", "Required value"},
      {"VerifyServingAddressWithoutPort",
       Patched(minimal, {{"verifyServing", {{"address", "example.com"}}}}),
       "spec.verifyServing.address", "must be host:port"},
      {"VerifyServingPortOutOfRange",
       Patched(minimal, {{"verifyServing", {{"address", "example.com:70000"}}}}),
       "spec.verifyServing.address", "must be host:port"},
      {"VerifyServingTimeoutZero",
       Patched(minimal, {{"verifyServing", {{"address", "[::1]:443"}, {"timeoutSeconds", 0}}}}),
       "spec.verifyServing.timeoutSeconds", "greater than or equal to 1"},
      {"IssuanceBudgetZero", Patched(minimal, {{"issuanceBudget", {{"maxPer7Days", 0}}}}),
       "spec.issuanceBudget.maxPer7Days", "greater than or equal to 1"},
  };
}

class CertRenewalInvalidSpecTest : public ::testing::TestWithParam<InvalidRow> {};

TEST_P(CertRenewalInvalidSpecTest, ReportsTheFieldThatIsWrong) {
  const InvalidRow& row = GetParam();
  Parsed p = ParseSpec(row.spec);
  bool found = false;
  for (const FieldError& e : p.report.errors) {
    if (e.field == row.field && e.detail.find(row.detail) != std::string::npos) found = true;
  }
  EXPECT_TRUE(found) << "want " << row.field << ": ..." << row.detail
                     << "...\ngot: " << ErrorsOf(p.report);
}

INSTANTIATE_TEST_SUITE_P(Rules, CertRenewalInvalidSpecTest, ::testing::ValuesIn(InvalidRows()),
                         [](const ::testing::TestParamInfo<InvalidRow>& info) {
                           return std::string(info.param.name);
                         });

TEST(CertRenewalParseTest, ObjectWithoutSpecIsInvalid) {
  absl::StatusOr<CertRenewal> parsed = ParseCertRenewal(json{{"apiVersion", "upkeep.dev/v1alpha1"},
                                                             {"kind", "CertRenewal"},
                                                             {"metadata", {{"name", "x"}}}});
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(), HasSubstr("spec: Required value"));
}

TEST(CertRenewalParseTest, ListsEveryErrorAndReadsMetadata) {
  json object = {{"apiVersion", "upkeep.dev/v1alpha1"},
                 {"kind", "CertRenewal"},
                 {"metadata", {{"name", "web"}, {"namespace", "app"}, {"generation", 3}}},
                 {"spec", Patched(MinimalSpec(), {{"secretName", nullptr}, {"duration", "1m"}})}};
  absl::StatusOr<CertRenewal> parsed = ParseCertRenewal(object);
  ASSERT_FALSE(parsed.ok());
  EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(parsed.status().message(), HasSubstr("spec.secretName: Required value"));
  EXPECT_THAT(parsed.status().message(), HasSubstr("spec.duration: Invalid value: \"1m\""));

  object["spec"] = MinimalSpec();
  parsed = ParseCertRenewal(object);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(parsed->metadata.name, "web");
  EXPECT_EQ(parsed->metadata.namespace_, "app");
  EXPECT_EQ(parsed->metadata.generation, 3);
}

// ---- status ----

json FullStatus() {
  return json::parse(R"({
    "observedGeneration": 4,
    "conditions": [
      {"type": "Ready", "status": "True", "reason": "Issued",
       "message": "certificate valid until 2027-02-28T03:00:00Z", "observedGeneration": 4,
       "lastTransitionTime": "2026-11-30T03:00:05Z"},
      {"type": "Issuing", "status": "False", "reason": "UpToDate",
       "lastTransitionTime": "2026-11-30T03:00:05Z"},
      {"type": "Served", "status": "True", "reason": "Verified",
       "lastTransitionTime": "2026-11-30T03:01:00Z"}
    ],
    "notBefore": "2026-11-30T02:00:00Z",
    "notAfter": "2027-02-28T02:00:00Z",
    "renewalTime": "2027-01-29T02:00:00Z",
    "serialNumber": "04a1b2c3d4e5f6",
    "revision": 7,
    "lastFailureTime": "2026-11-29T12:00:00Z",
    "failedIssuanceAttempts": 2,
    "recentIssuances": ["2026-11-25T03:00:00Z", "2026-11-30T03:00:00Z"],
    "acmeAccountURI": "https://acme.example.com/acct/123",
    "servedSerial": "04a1b2c3d4e5f6"
  })");
}

CertRenewalStatus ParseStatus(const json& status, ParseReport& report) {
  FieldReader reader(&status, "status", report);
  return ParseCertRenewalStatus(reader);
}

TEST(CertRenewalStatusTest, RoundTripsThroughJson) {
  ParseReport report;
  CertRenewalStatus status = ParseStatus(FullStatus(), report);
  ASSERT_TRUE(report.ok()) << ErrorsOf(report);
  EXPECT_TRUE(report.unknown_fields.empty());
  EXPECT_EQ(status.revision, 7);
  EXPECT_EQ(status.failed_issuance_attempts, 2);
  ASSERT_EQ(status.recent_issuances.size(), 2u);
  ASSERT_TRUE(status.not_after.has_value());
  EXPECT_EQ(controller::FormatRfc3339(*status.not_after), "2027-02-28T02:00:00Z");
  EXPECT_EQ(CertRenewalStatusToJson(status), FullStatus());

  ParseReport again;
  CertRenewalStatus reparsed = ParseStatus(CertRenewalStatusToJson(status), again);
  EXPECT_TRUE(again.ok());
  EXPECT_EQ(CertRenewalStatusToJson(reparsed), FullStatus());
}

TEST(CertRenewalStatusTest, UnknownValuesStayAbsent) {
  EXPECT_EQ(CertRenewalStatusToJson(CertRenewalStatus{}), json::object());
}

TEST(CertRenewalStatusTest, MalformedIssuanceTimeNamesItsIndex) {
  json status = FullStatus();
  status["recentIssuances"][1] = "yesterday";
  ParseReport report;
  ParseStatus(status, report);
  ASSERT_EQ(report.errors.size(), 1u) << ErrorsOf(report);
  EXPECT_EQ(report.errors[0].field, "status.recentIssuances[1]");
}

// ---- drift between the CRD and the C++ types ----

TEST(CertRenewalDriftTest, SpecParserReadsExactlyTheSchema) {
  json schema = LoadCrdSchema(SourcePath(kCrdFile));
  DriftReport drift = CompareParserWithSchema(schema["properties"]["spec"], "spec",
                                              [](FieldReader& r) { ParseCertRenewalSpec(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(CertRenewalDriftTest, StatusParserReadsExactlyTheSchema) {
  json schema = LoadCrdSchema(SourcePath(kCrdFile));
  DriftReport drift = CompareParserWithSchema(schema["properties"]["status"], "status",
                                              [](FieldReader& r) { ParseCertRenewalStatus(r); });
  EXPECT_TRUE(drift.ok()) << drift.ToString();
}

TEST(CertRenewalDriftTest, StatusWriterWritesOnlySchemaFields) {
  json status_schema = LoadCrdSchema(SourcePath(kCrdFile))["properties"]["status"];
  json sample = SampleFromSchema(status_schema);
  // The sample's strings are "x"; timestamps must parse, so give them real ones.
  for (const char* key : {"notBefore", "notAfter", "renewalTime", "lastFailureTime"}) {
    sample[key] = "2026-11-30T03:00:00Z";
  }
  sample["recentIssuances"] = json::array({"2026-11-30T03:00:00Z"});
  ParseReport report;
  CertRenewalStatus status = ParseStatus(sample, report);
  ASSERT_TRUE(report.ok()) << ErrorsOf(report);
  json written = CertRenewalStatusToJson(status);
  EXPECT_THAT(PathsNotInSchema(written, status_schema, "status"), ::testing::IsEmpty());
  // Every status field the CRD has is written back.
  EXPECT_EQ(written.size(), sample.size()) << written.dump();
}

// ---- the CRD's names and columns ----

TEST(CertRenewalCrdTest, HasShortNameCategoryAndPrinterColumns) {
  json crd = CrdDocument();
  EXPECT_EQ(crd["metadata"]["name"], "certrenewals.upkeep.dev");
  EXPECT_EQ(crd["spec"]["names"]["shortNames"], json::array({"cr"}));
  EXPECT_EQ(crd["spec"]["names"]["categories"], json::array({"upkeep"}));
  std::vector<std::string> columns;
  for (const json& c : crd["spec"]["versions"][0]["additionalPrinterColumns"]) {
    columns.push_back(c.value("name", ""));
  }
  EXPECT_THAT(columns,
              ::testing::ElementsAre("Ready", "Secret", "Expires", "Renews", "ACME Server", "Age"));
}

}  // namespace
}  // namespace upkeep::api::v1alpha1
