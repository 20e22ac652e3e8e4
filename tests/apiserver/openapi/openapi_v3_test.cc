#include <algorithm>
#include <cctype>
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
using openapi_testing::ResolveRef;
using openapi_testing::Served;
using ::testing::ElementsAre;
using ::testing::StartsWith;

constexpr char kObjectMetaRef[] =
    "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

// cli-runtime's supportsQueryParamV3: among all PATCH operations, the first whose
// x-kubernetes-group-version-kind equals `gvk` decides, by its operation-level parameters.
// Go iterates paths in random order, so this returns whether *every* such operation has the
// parameter, and false when none matches.
bool SupportsQueryParam(const nlohmann::json& doc, const nlohmann::json& gvk,
                        const std::string& param) {
  int matching = 0;
  for (const auto& [path, item] : doc["paths"].items()) {
    if (!item.contains("patch")) continue;
    const nlohmann::json& op = item["patch"];
    if (op.value("x-kubernetes-group-version-kind", nlohmann::json()) != gvk) continue;
    ++matching;
    bool found = false;
    for (const auto& p : op.value("parameters", nlohmann::json::array())) {
      found = found || p.value("name", "") == param;
    }
    if (!found) return false;
  }
  return matching > 0;
}

// kubectl explain's plaintext template: the GVK of the first get/post/put/patch/delete
// operation on the resource's list or item path (cluster-scoped forms first), then the first
// component schema (in key order) whose x-kubernetes-group-version-kind list contains it.
nlohmann::json ExplainSchema(const nlohmann::json& doc, const std::string& group,
                             const std::string& version, const std::string& resource) {
  const std::string prefix = group.empty() ? "/api" : "/apis/" + group;
  const std::vector<std::string> search = {
      prefix + "/" + version + "/" + resource,
      prefix + "/" + version + "/" + resource + "/{name}",
      prefix + "/" + version + "/namespaces/{namespace}/" + resource,
      prefix + "/" + version + "/namespaces/{namespace}/" + resource + "/{name}"};
  nlohmann::json gvk;
  for (const std::string& path : search) {
    if (!gvk.is_null() || !doc["paths"].contains(path)) continue;
    for (const char* method : {"get", "post", "put", "patch", "delete"}) {
      const nlohmann::json& item = doc["paths"][path];
      if (item.contains(method) && item[method].contains("x-kubernetes-group-version-kind")) {
        gvk = item[method]["x-kubernetes-group-version-kind"];
        break;
      }
    }
  }
  if (gvk.is_null()) return nullptr;
  for (const auto& [name, schema] : doc["components"]["schemas"].items()) {
    const auto gvks = schema.value("x-kubernetes-group-version-kind", nlohmann::json::array());
    if (std::find(gvks.begin(), gvks.end(), gvk) != gvks.end()) return schema;
  }
  return nullptr;
}

TEST(OpenApiV3PathTest, MapsCoreAndNamedGroups) {
  EXPECT_EQ(OpenApiV3Path("v1"), "api/v1");
  EXPECT_EQ(OpenApiV3Path("apps/v1"), "apis/apps/v1");
  EXPECT_EQ(OpenApiV3Path("upkeep.dev/v1alpha1"), "apis/upkeep.dev/v1alpha1");
}

TEST(OpenApiV3RootTest, ListsEveryServedGroupVersionOnce) {
  nlohmann::json root = BuildOpenApiV3Root(Served());
  std::vector<std::string> keys;
  for (const auto& [key, value] : root["paths"].items()) keys.push_back(key);
  EXPECT_THAT(keys, ElementsAre("api/v1", "apis/apps/v1", "apis/upkeep.dev/v1",
                                "apis/upkeep.dev/v1alpha1"));
  EXPECT_THAT(root["paths"]["apis/apps/v1"]["serverRelativeURL"].get<std::string>(),
              StartsWith("/openapi/v3/apis/apps/v1?hash="));
  EXPECT_THAT(root["paths"]["api/v1"]["serverRelativeURL"].get<std::string>(),
              StartsWith("/openapi/v3/api/v1?hash="));
}

TEST(OpenApiV3RootTest, HashIsUppercaseSha512OfTheGroupVersionDocument) {
  const auto served = Served();
  const std::string url =
      BuildOpenApiV3Root(served)["paths"]["apis/upkeep.dev/v1alpha1"]["serverRelativeURL"];
  const std::string hash = url.substr(url.find("?hash=") + 6);
  EXPECT_EQ(hash.size(), 128u);
  EXPECT_TRUE(std::all_of(hash.begin(), hash.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) || (c >= 'A' && c <= 'F');
  })) << hash;
  EXPECT_EQ(hash, OpenApiDocumentHash(
                      BuildOpenApiV3GroupVersion(served, "upkeep.dev/v1alpha1")));
}

TEST(OpenApiDocumentHashTest, IsSha512OfTheCompactJson) {
  // SHA-512("{}"), computed independently.
  EXPECT_EQ(OpenApiDocumentHash(nlohmann::json::object()),
            "27C74670ADB75075FAD058D5CEAF7B20C4E7786C83BAE8A32F626F9782AF34C9"
            "A33C2046EF60FD2A7878D378E29FEC851806BBD9A67878F3A9F1CDA4830763FD");
}

TEST(OpenApiV3RootTest, HashIsStableAcrossBuildsAndServedOrder) {
  auto served = Served();
  const nlohmann::json first = BuildOpenApiV3Root(served);
  std::reverse(served.begin(), served.end());
  EXPECT_EQ(BuildOpenApiV3Root(served), first);
}

TEST(OpenApiV3RootTest, OnlyTheChangedGroupVersionGetsANewHash) {
  auto served = Served();
  const nlohmann::json before = BuildOpenApiV3Root(served);
  for (ResourceInfo& r : served) {
    if (r.group == "upkeep.dev" && r.version == "v1" && r.kind == "BackupPolicy") {
      r.schema["properties"]["spec"]["properties"]["schedule"]["description"] = "Changed.";
    }
  }
  const nlohmann::json after = BuildOpenApiV3Root(served);
  EXPECT_NE(after["paths"]["apis/upkeep.dev/v1"], before["paths"]["apis/upkeep.dev/v1"]);
  EXPECT_EQ(after["paths"]["apis/upkeep.dev/v1alpha1"],
            before["paths"]["apis/upkeep.dev/v1alpha1"]);
  EXPECT_EQ(after["paths"]["api/v1"], before["paths"]["api/v1"]);
}

TEST(OpenApiV3GroupVersionTest, HoldsOnlyThatGroupVersion) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  EXPECT_EQ(doc["openapi"], "3.0.0");
  ASSERT_FALSE(doc["paths"].empty());
  for (const auto& [path, item] : doc["paths"].items()) {
    EXPECT_THAT(path, StartsWith("/apis/apps/v1/"));
  }
  EXPECT_TRUE(doc["components"]["schemas"].contains("io.k8s.api.apps.v1.Deployment"));
  EXPECT_FALSE(doc["components"]["schemas"].contains("io.k8s.api.core.v1.ConfigMap"));
}

TEST(OpenApiV3GroupVersionTest, UnknownGroupVersionHasNoPaths) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "batch/v1");
  EXPECT_TRUE(doc["paths"].empty());
}

TEST(OpenApiV3GroupVersionTest, CustomKindSchemaKeepsTheCrdSchemaAndCarriesItsGvk) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "upkeep.dev/v1alpha1");
  const nlohmann::json& schema =
      doc["components"]["schemas"]["dev.upkeep.v1alpha1.BackupPolicy"];
  ASSERT_TRUE(schema.is_object());
  EXPECT_EQ(schema["x-kubernetes-group-version-kind"],
            nlohmann::json::array({Gvk("upkeep.dev", "v1alpha1", "BackupPolicy")}));
  EXPECT_EQ(schema["description"], "BackupPolicy says when and where a database is backed up.");
  const nlohmann::json& spec = schema["properties"]["spec"];
  EXPECT_EQ(spec["description"], "The desired backups.");
  EXPECT_EQ(spec["properties"]["schedule"]["description"], "Cron schedule of the backups.");
  EXPECT_EQ(spec["properties"]["retention"]["minimum"], 1);
  EXPECT_EQ(spec["required"], nlohmann::json::array({"schedule"}));
  EXPECT_THAT(schema["properties"]["apiVersion"]["description"].get<std::string>(),
              StartsWith("APIVersion defines the versioned schema"));
  EXPECT_THAT(schema["properties"]["kind"]["description"].get<std::string>(),
              StartsWith("Kind is a string value representing the REST resource"));
}

TEST(OpenApiV3GroupVersionTest, MetadataReferencesObjectMetaInTheSameDocument) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "upkeep.dev/v1alpha1");
  const nlohmann::json& metadata =
      doc["components"]["schemas"]["dev.upkeep.v1alpha1.BackupPolicy"]["properties"]
         ["metadata"];
  ASSERT_EQ(metadata["allOf"].size(), 1u);
  EXPECT_EQ(metadata["allOf"][0]["$ref"], kObjectMetaRef);
  EXPECT_FALSE(metadata.contains("type")) << "the CRD's own metadata schema is replaced";
  const nlohmann::json object_meta = ResolveRef(doc, kObjectMetaRef);
  ASSERT_TRUE(object_meta.is_object());
  EXPECT_TRUE(object_meta["properties"].contains("name"));
  EXPECT_TRUE(object_meta["properties"].contains("labels"));
  EXPECT_FALSE(object_meta.value("description", "").empty());
}

TEST(OpenApiV3GroupVersionTest, EmbeddedResourcesGetTypeMetaAndMetadata) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "upkeep.dev/v1alpha1");
  const nlohmann::json& tmpl = doc["components"]["schemas"]["dev.upkeep.v1alpha1.BackupPolicy"]
                                  ["properties"]["spec"]["properties"]["template"];
  EXPECT_EQ(tmpl["properties"]["metadata"]["allOf"][0]["$ref"], kObjectMetaRef);
  EXPECT_TRUE(tmpl["properties"].contains("apiVersion"));
  EXPECT_EQ(tmpl["required"], nlohmann::json::array({"kind", "apiVersion"}));
}

TEST(OpenApiV3GroupVersionTest, EveryRefResolvesInsideTheDocument) {
  const auto served = Served();
  for (const char* gv : {"v1", "apps/v1", "upkeep.dev/v1alpha1", "upkeep.dev/v1"}) {
    nlohmann::json doc = BuildOpenApiV3GroupVersion(served, gv);
    std::set<std::string> refs;
    openapi_testing::CollectRefs(doc, refs);
    EXPECT_FALSE(refs.empty());
    for (const std::string& ref : refs) {
      EXPECT_THAT(ref, StartsWith("#/components/schemas/")) << gv;
      EXPECT_TRUE(ResolveRef(doc, ref).is_object()) << gv << ": " << ref;
    }
  }
}

TEST(OpenApiV3GroupVersionTest, BuiltinKindIsAStubThatKeepsUnknownFields) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "v1");
  const nlohmann::json& schema = doc["components"]["schemas"]["io.k8s.api.core.v1.ConfigMap"];
  EXPECT_EQ(schema["x-kubernetes-preserve-unknown-fields"], true);
  EXPECT_EQ(schema["x-kubernetes-group-version-kind"],
            nlohmann::json::array({Gvk("", "v1", "ConfigMap")}));
  std::vector<std::string> fields;
  for (const auto& [name, property] : schema["properties"].items()) fields.push_back(name);
  EXPECT_THAT(fields, ElementsAre("apiVersion", "kind", "metadata"));
  EXPECT_THAT(schema["description"].get<std::string>(), StartsWith("ConfigMap holds"));
}

TEST(OpenApiV3GroupVersionTest, ListKindReferencesItsItemsAndListMeta) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& list = doc["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentList"];
  EXPECT_EQ(list["x-kubernetes-group-version-kind"],
            nlohmann::json::array({Gvk("apps", "v1", "DeploymentList")}));
  EXPECT_EQ(list["properties"]["items"]["items"]["$ref"],
            "#/components/schemas/io.k8s.api.apps.v1.Deployment");
  EXPECT_EQ(list["properties"]["metadata"]["allOf"][0]["$ref"],
            "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta");
}

TEST(OpenApiV3GroupVersionTest, CustomResourceWithoutSchemaGetsAStub) {
  ResourceInfo r = BackupPolicies();
  r.schema = nullptr;
  nlohmann::json doc = BuildOpenApiV3GroupVersion({r}, "upkeep.dev/v1alpha1");
  const nlohmann::json& schema =
      doc["components"]["schemas"]["dev.upkeep.v1alpha1.BackupPolicy"];
  EXPECT_EQ(schema["x-kubernetes-preserve-unknown-fields"], true);
  EXPECT_EQ(schema["properties"]["metadata"]["allOf"][0]["$ref"], kObjectMetaRef);
}

// --- What kubectl reads ------------------------------------------------------------------

TEST(OpenApiV3KubectlTest, FieldValidationIsOnEveryPatchOfEachKind) {
  const auto served = Served();
  struct Case {
    const char* group_version;
    nlohmann::json gvk;
  };
  for (const Case& c : {Case{"upkeep.dev/v1alpha1", Gvk("upkeep.dev", "v1alpha1", "BackupPolicy")},
                        Case{"upkeep.dev/v1", Gvk("upkeep.dev", "v1", "BackupPolicy")},
                        Case{"upkeep.dev/v1alpha1",
                             Gvk("upkeep.dev", "v1alpha1", "ClusterIssuer")},
                        Case{"apps/v1", Gvk("apps", "v1", "Deployment")},
                        Case{"v1", Gvk("", "v1", "Namespace")},
                        Case{"v1", Gvk("", "v1", "ConfigMap")}}) {
    nlohmann::json doc = BuildOpenApiV3GroupVersion(served, c.group_version);
    EXPECT_TRUE(SupportsQueryParam(doc, c.gvk, "fieldValidation")) << c.gvk.dump();
  }
}

TEST(OpenApiV3KubectlTest, VerifierCheckFailsWhenTheKindIsAbsent) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  EXPECT_FALSE(SupportsQueryParam(doc, Gvk("apps", "v1", "StatefulSet"), "fieldValidation"));
  EXPECT_FALSE(SupportsQueryParam(doc, Gvk("apps", "v1", "Deployment"), "noSuchParameter"));
}

TEST(OpenApiV3KubectlTest, OperationGvkIsASingleObjectWithExactlyThreeKeys) {
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& op =
      doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"];
  EXPECT_EQ(op["x-kubernetes-group-version-kind"], Gvk("apps", "v1", "Deployment"));
  EXPECT_EQ(op["x-kubernetes-action"], "patch");
}

TEST(OpenApiV3KubectlTest, ExplainFindsTheSchemaOfEachResource) {
  const auto served = Served();
  struct Case {
    const char* group;
    const char* version;
    const char* resource;
    const char* expected_description_start;
  };
  for (const Case& c :
       {Case{"upkeep.dev", "v1alpha1", "backuppolicies", "BackupPolicy says"},
        Case{"upkeep.dev", "v1alpha1", "clusterissuers", "ClusterIssuer obtains"},
        Case{"", "v1", "configmaps", "ConfigMap holds"},
        Case{"", "v1", "namespaces", "Namespace is"},
        Case{"apps", "v1", "deployments", "Deployment declares"}}) {
    const std::string gv =
        std::string(c.group).empty() ? c.version : std::string(c.group) + "/" + c.version;
    nlohmann::json doc = BuildOpenApiV3GroupVersion(served, gv);
    nlohmann::json schema = ExplainSchema(doc, c.group, c.version, c.resource);
    ASSERT_TRUE(schema.is_object()) << c.resource;
    EXPECT_THAT(schema["description"].get<std::string>(),
                StartsWith(c.expected_description_start));
  }
}

TEST(OpenApiV3KubectlTest, PatchDoesNotOfferStrategicMergePatch) {
  // kubectl apply would otherwise build strategic merge patches from these schemas, which
  // have no patch strategies; without it, kubectl uses its compiled-in types.
  nlohmann::json doc = BuildOpenApiV3GroupVersion(Served(), "apps/v1");
  const nlohmann::json& content =
      doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
         ["requestBody"]["content"];
  EXPECT_FALSE(content.contains("application/strategic-merge-patch+json"));
  EXPECT_TRUE(content.contains("application/apply-patch+yaml"));
  EXPECT_TRUE(content.contains("application/merge-patch+json"));
  EXPECT_TRUE(content.contains("application/json-patch+json"));
}

}  // namespace
}  // namespace upkeep::apiserver
