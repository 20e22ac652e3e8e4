#include <set>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver/openapi/openapi.h"
#include "tests/apiserver/openapi/openapi_fixtures.h"

namespace upkeep::apiserver {
namespace {

using openapi_testing::Gvk;
using openapi_testing::ResolveRef;
using openapi_testing::Served;
using ::testing::Contains;
using ::testing::Not;
using ::testing::StartsWith;

TEST(OpenApiV2Test, IsASwaggerDocumentWithDefinitionsAndPaths) {
  nlohmann::json doc = BuildOpenApiV2(Served());
  EXPECT_EQ(doc["swagger"], "2.0");
  EXPECT_TRUE(doc["info"]["title"].is_string());
  EXPECT_TRUE(doc["info"]["version"].is_string());
  for (const char* name :
       {"io.k8s.api.core.v1.ConfigMap", "io.k8s.api.core.v1.Namespace",
        "io.k8s.api.apps.v1.Deployment", "io.k8s.api.apps.v1.DeploymentList",
        "dev.upkeep.v1alpha1.BackupPolicy", "dev.upkeep.v1.BackupPolicy",
        "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        "io.k8s.apimachinery.pkg.apis.meta.v1.Status"}) {
    EXPECT_TRUE(doc["definitions"].contains(name)) << name;
  }
  EXPECT_TRUE(doc["paths"].contains("/api/v1/namespaces/{namespace}/configmaps/{name}"));
  EXPECT_TRUE(doc["paths"].contains(
      "/apis/upkeep.dev/v1/namespaces/{namespace}/backuppolicies/{name}"));
}

TEST(OpenApiV2Test, KindDefinitionsCarryTheirGvk) {
  nlohmann::json doc = BuildOpenApiV2(Served());
  EXPECT_EQ(doc["definitions"]["dev.upkeep.v1alpha1.BackupPolicy"]
               ["x-kubernetes-group-version-kind"],
            nlohmann::json::array({Gvk("upkeep.dev", "v1alpha1", "BackupPolicy")}));
  EXPECT_EQ(doc["definitions"]["dev.upkeep.v1alpha1.BackupPolicy"]["description"],
            "BackupPolicy says when and where a database is backed up.");
}

TEST(OpenApiV2Test, KindDefinitionsListNoPropertiesSoClientValidationAcceptsAnyField) {
  nlohmann::json doc = BuildOpenApiV2(Served());
  for (const char* name : {"dev.upkeep.v1alpha1.BackupPolicy", "io.k8s.api.apps.v1.Deployment"}) {
    EXPECT_EQ(doc["definitions"][name]["type"], "object") << name;
    EXPECT_FALSE(doc["definitions"][name].contains("properties")) << name;
  }
}

TEST(OpenApiV2Test, EveryRefResolvesToADefinition) {
  nlohmann::json doc = BuildOpenApiV2(Served());
  std::set<std::string> refs;
  openapi_testing::CollectRefs(doc, refs);
  EXPECT_FALSE(refs.empty());
  for (const std::string& ref : refs) {
    EXPECT_THAT(ref, StartsWith("#/definitions/"));
    EXPECT_TRUE(ResolveRef(doc, ref).is_object()) << ref;
  }
}

TEST(OpenApiV2Test, PatchCarriesFieldValidationAsATypedQueryParameter) {
  // cli-runtime's v2 QueryParamVerifier: a PATCH with the kind's GVK extension and a
  // non-body query parameter named fieldValidation.
  nlohmann::json doc = BuildOpenApiV2(Served());
  const nlohmann::json& patch =
      doc["paths"]["/apis/upkeep.dev/v1alpha1/namespaces/{namespace}/backuppolicies/{name}"]
         ["patch"];
  EXPECT_EQ(patch["x-kubernetes-group-version-kind"],
            Gvk("upkeep.dev", "v1alpha1", "BackupPolicy"));
  bool found = false;
  for (const auto& p : patch["parameters"]) {
    if (p["name"] == "fieldValidation") {
      found = true;
      EXPECT_EQ(p["in"], "query");
      EXPECT_EQ(p["type"], "string");
    }
  }
  EXPECT_TRUE(found);
  EXPECT_THAT(patch["consumes"].get<std::vector<std::string>>(),
              Not(Contains("application/strategic-merge-patch+json")));
}

TEST(OpenApiV2Test, BodiesAreBodyParametersAndResponsesHaveSchemas) {
  nlohmann::json doc = BuildOpenApiV2(Served());
  const nlohmann::json& item = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"];
  const nlohmann::json& body = item["put"]["parameters"][0];
  EXPECT_EQ(body["in"], "body");
  EXPECT_EQ(body["name"], "body");
  EXPECT_EQ(body["schema"]["$ref"], "#/definitions/io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(item["get"]["responses"]["200"]["schema"]["$ref"],
            "#/definitions/io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(item["get"]["produces"], nlohmann::json({"application/json", "application/yaml"}));
}

}  // namespace
}  // namespace upkeep::apiserver
