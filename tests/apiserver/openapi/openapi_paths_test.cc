// The paths and operations published for each resource, checked through the OpenAPI 3
// document (the v2 document renders the same operations).
#include <set>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apiserver/openapi/openapi.h"
#include "tests/apiserver/openapi/openapi_fixtures.h"

namespace upkeep::apiserver {
namespace {

using openapi_testing::BackupPolicies;
using openapi_testing::Gvk;
using openapi_testing::Served;
using ::testing::Contains;
using ::testing::IsSupersetOf;
using ::testing::Not;
using ::testing::UnorderedElementsAre;

std::vector<std::string> Paths(const nlohmann::json& doc) {
  std::vector<std::string> paths;
  for (const auto& [path, item] : doc["paths"].items()) paths.push_back(path);
  return paths;
}

std::vector<std::string> Methods(const nlohmann::json& item) {
  std::vector<std::string> methods;
  for (const auto& [key, value] : item.items()) {
    if (key != "parameters") methods.push_back(key);
  }
  return methods;
}

std::vector<std::string> ParameterNames(const nlohmann::json& params) {
  std::vector<std::string> names;
  for (const auto& p : params) names.push_back(p["name"]);
  return names;
}

TEST(OpenApiPathsTest, NamespacedCustomResourceHasNamespacedAndAllNamespacesPaths) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion({BackupPolicies()}, "upkeep.dev/v1alpha1");
  const std::string base = "/apis/upkeep.dev/v1alpha1";
  EXPECT_THAT(Paths(doc),
              UnorderedElementsAre(base + "/backuppolicies",
                                   base + "/namespaces/{namespace}/backuppolicies",
                                   base + "/namespaces/{namespace}/backuppolicies/{name}",
                                   base + "/namespaces/{namespace}/backuppolicies/{name}/status"))
      << "custom resources get no deprecated /watch/ paths, like kube-apiserver";
  EXPECT_THAT(Methods(doc["paths"][base + "/namespaces/{namespace}/backuppolicies"]),
              UnorderedElementsAre("get", "post", "delete"));
  EXPECT_THAT(Methods(doc["paths"][base + "/namespaces/{namespace}/backuppolicies/{name}"]),
              UnorderedElementsAre("get", "put", "patch", "delete"));
  EXPECT_THAT(
      Methods(doc["paths"][base + "/namespaces/{namespace}/backuppolicies/{name}/status"]),
      UnorderedElementsAre("get", "put", "patch"));
  EXPECT_EQ(doc["paths"][base + "/backuppolicies"]["get"]["operationId"],
            "listUpkeepDevV1alpha1BackupPolicyForAllNamespaces");
}

TEST(OpenApiPathsTest, ClusterScopedResourceHasNoNamespacePaths) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "v1");
  std::vector<std::string> namespace_paths;
  for (const std::string& path : Paths(doc)) {
    if (path.find("namespaces") != std::string::npos) namespace_paths.push_back(path);
  }
  EXPECT_THAT(namespace_paths,
              UnorderedElementsAre("/api/v1/namespaces", "/api/v1/namespaces/{name}",
                                   "/api/v1/namespaces/{name}/status", "/api/v1/watch/namespaces",
                                   "/api/v1/watch/namespaces/{name}",
                                   // ConfigMaps, which are namespaced:
                                   "/api/v1/namespaces/{namespace}/configmaps",
                                   "/api/v1/namespaces/{namespace}/configmaps/{name}",
                                   "/api/v1/watch/namespaces/{namespace}/configmaps",
                                   "/api/v1/watch/namespaces/{namespace}/configmaps/{name}"));
  EXPECT_EQ(doc["paths"]["/api/v1/namespaces/{name}"]["patch"]["operationId"],
            "patchCoreV1Namespace");
}

TEST(OpenApiPathsTest, VerbsLimitTheOperations) {
  // Namespaces lack deletecollection in the fixture.
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "v1");
  EXPECT_THAT(Methods(doc["paths"]["/api/v1/namespaces"]), UnorderedElementsAre("get", "post"));

  ResourceInfo read_only = BackupPolicies();
  read_only.verbs = {"get", "list", "watch"};
  read_only.has_status = false;
  doc = BuildOpenApiV3GroupVersion({read_only}, "upkeep.dev/v1alpha1");
  for (const auto& [path, item] : doc["paths"].items()) {
    EXPECT_THAT(Methods(item), Not(Contains("patch"))) << path;
    EXPECT_THAT(Methods(item), Not(Contains("post"))) << path;
    EXPECT_THAT(Methods(item), Not(Contains("delete"))) << path;
  }
}

TEST(OpenApiPathsTest, WritesTakeDryRunFieldManagerAndFieldValidation) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const std::string collection = "/apis/apps/v1/namespaces/{namespace}/deployments";
  const nlohmann::json& item = doc["paths"][collection + "/{name}"];
  EXPECT_THAT(ParameterNames(item["patch"]["parameters"]),
              UnorderedElementsAre("dryRun", "fieldManager", "fieldValidation", "force"));
  EXPECT_THAT(ParameterNames(item["put"]["parameters"]),
              UnorderedElementsAre("dryRun", "fieldManager", "fieldValidation"));
  EXPECT_THAT(ParameterNames(doc["paths"][collection]["post"]["parameters"]),
              UnorderedElementsAre("dryRun", "fieldManager", "fieldValidation"));
  EXPECT_THAT(ParameterNames(item["delete"]["parameters"]),
              IsSupersetOf({"dryRun", "gracePeriodSeconds", "propagationPolicy"}));
  EXPECT_THAT(ParameterNames(item["parameters"]),
              UnorderedElementsAre("name", "namespace", "pretty"));
  for (const auto& p : item["parameters"]) {
    if (p["in"] == "path") {
      EXPECT_EQ(p["required"], true) << p.dump();
    }
  }
  const nlohmann::json& field_validation = item["patch"]["parameters"][2];
  EXPECT_EQ(field_validation["name"], "fieldValidation");
  EXPECT_EQ(field_validation["in"], "query");
  EXPECT_EQ(field_validation["schema"]["type"], "string");
}

TEST(OpenApiPathsTest, ListTakesSelectorsPagingAndWatch) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& list =
      doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments"]["get"];
  EXPECT_EQ(list["x-kubernetes-action"], "list");
  EXPECT_THAT(ParameterNames(list["parameters"]),
              IsSupersetOf({"labelSelector", "fieldSelector", "limit", "continue",
                            "resourceVersion", "watch", "allowWatchBookmarks",
                            "timeoutSeconds"}));
  EXPECT_EQ(list["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.DeploymentList");
  // kubectl explain takes the kind from list operations too, so they name the kind, not the
  // list kind, as kube-apiserver does.
  EXPECT_EQ(list["x-kubernetes-group-version-kind"], Gvk("apps", "v1", "Deployment"));
}

TEST(OpenApiPathsTest, BuiltinKindsKeepTheDeprecatedWatchPaths) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& watch =
      doc["paths"]["/apis/apps/v1/watch/namespaces/{namespace}/deployments/{name}"]["get"];
  EXPECT_EQ(watch["x-kubernetes-action"], "watch");
  EXPECT_EQ(watch["responses"]["200"]["content"]["application/json;stream=watch"]["schema"]
                 ["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent");
  EXPECT_EQ(doc["paths"]["/apis/apps/v1/watch/deployments"]["get"]["x-kubernetes-action"],
            "watchlist");
}

TEST(OpenApiPathsTest, ScaleSubresourceUsesAutoscalingScale) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& scale =
      doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale"];
  EXPECT_EQ(scale["patch"]["x-kubernetes-group-version-kind"],
            Gvk("autoscaling", "v1", "Scale"));
  EXPECT_EQ(scale["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/io.k8s.api.autoscaling.v1.Scale");
  EXPECT_EQ(scale["put"]["operationId"], "replaceAppsV1NamespacedDeploymentScale");
  EXPECT_TRUE(doc["components"]["schemas"].contains("io.k8s.api.autoscaling.v1.Scale"));
  EXPECT_FALSE(BuildOpenApiV3GroupVersion(Served(), "v1")["components"]["schemas"].contains(
      "io.k8s.api.autoscaling.v1.Scale"));
}

TEST(OpenApiPathsTest, StatusSubresourceActsOnTheKind) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& status =
      doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status"];
  EXPECT_EQ(status["patch"]["x-kubernetes-group-version-kind"],
            Gvk("apps", "v1", "Deployment"));
  EXPECT_EQ(status["patch"]["operationId"], "patchAppsV1NamespacedDeploymentStatus");
  EXPECT_EQ(status["patch"]["description"],
            "partially update status of the specified Deployment");
}

TEST(OpenApiPathsTest, SubresourceEntriesAreNotPublishedOnTheirOwn) {
  ResourceInfo scale = openapi_testing::Deployments();
  scale.resource = "deployments/scale";
  scale.kind = "Scale";
  nlohmann::json doc = BuildOpenApiV3GroupVersion({scale}, "apps/v1");
  EXPECT_TRUE(doc["paths"].empty());
  EXPECT_TRUE(BuildOpenApiV3Root({scale})["paths"].empty());
}

}  // namespace
}  // namespace upkeep::apiserver
