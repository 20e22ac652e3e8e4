#include "reconcilers/certs/tls_secret.h"

#include <gtest/gtest.h>

namespace upkeep::reconcilers::certs {
namespace {

TEST(BuildTlsSecretTest, KubernetesTlsSecretWithTemplateAndProvenance) {
  api::v1alpha1::CertRenewalSpec spec;
  spec.secret_name = "web-tls";
  spec.secret_template.labels = {{"team", "web"}};
  spec.secret_template.annotations = {{"reflector/allowed", "true"}};
  nlohmann::json secret = BuildTlsSecret("app", spec, "web", "selfSigned", "2026-11-30",
                                         {"CHAIN", "KEY", "CA"});
  EXPECT_EQ(secret["type"], "kubernetes.io/tls");
  EXPECT_EQ(secret["metadata"]["namespace"], "app");
  EXPECT_EQ(secret["metadata"]["name"], "web-tls");
  EXPECT_EQ(secret["metadata"]["labels"]["team"], "web");
  EXPECT_EQ(secret["metadata"]["labels"]["app.kubernetes.io/managed-by"], "upkeep");
  EXPECT_EQ(Annotation(secret, "reflector/allowed"), "true");
  EXPECT_EQ(Annotation(secret, kIssuerAnnotation), "selfSigned");
  EXPECT_EQ(Annotation(secret, kIssuedForRunNowAnnotation), "2026-11-30");
  EXPECT_EQ(Annotation(secret, kCertificateNameAnnotation), "web");
  TlsSecretData data = ReadTlsSecretData(secret);
  EXPECT_EQ(data.certificate_chain_pem, "CHAIN");
  EXPECT_EQ(data.private_key_pem, "KEY");
  EXPECT_EQ(data.ca_pem, "CA");
}

TEST(BuildTlsSecretTest, NoCaAndNoRunNowAreLeftOut) {
  api::v1alpha1::CertRenewalSpec spec;
  spec.secret_name = "web-tls";
  nlohmann::json secret = BuildTlsSecret("app", spec, "web", "acme:https://x", "", {"C", "K", ""});
  EXPECT_FALSE(secret["data"].contains("ca.crt"));
  EXPECT_EQ(Annotation(secret, kIssuedForRunNowAnnotation), "");
}

TEST(ReadTlsSecretDataTest, MissingOrDamagedFieldsReadEmpty) {
  nlohmann::json secret = {{"data", {{"tls.crt", "!!!not base64"}}}};
  TlsSecretData data = ReadTlsSecretData(secret);
  EXPECT_EQ(data.certificate_chain_pem, "");
  EXPECT_EQ(data.private_key_pem, "");
  EXPECT_EQ(ReadTlsSecretData(nlohmann::json::object()).ca_pem, "");
}

}  // namespace
}  // namespace upkeep::reconcilers::certs
