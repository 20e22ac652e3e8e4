// The CRD files against the one place that knows the kinds (group_version.h), the API
// conventions every kind follows (crds/README.md), and the chart's copies.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "controller/manifests/manifests.h"
#include "crds/v1alpha1/group_version.h"
#include "tests/crds/support/schema_drift.h"

namespace upkeep::api::v1alpha1 {
namespace {

using nlohmann::json;
using testing::SourcePath;
using ::testing::Contains;

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

json LoadCrd(const KindInfo& kind) {
  auto docs = controller::ReadManifests(SourcePath("crds/" + kind.crd_file));
  if (!docs.ok() || docs->size() != 1) {
    ADD_FAILURE() << kind.crd_file << ": " << docs.status();
    return json::object();
  }
  return (*docs)[0];
}

// Paths of properties below `schema` without a description.
void FindUndescribed(const json& schema, const std::string& path, std::vector<std::string>& out) {
  if (!schema.is_object()) return;
  if (auto props = schema.find("properties"); props != schema.end()) {
    for (const auto& [key, child] : props->items()) {
      std::string p = path + "." + key;
      if (key == "metadata" && path == "") continue;  // the API server's, not ours
      if (child.value("description", "").empty()) out.push_back(p);
      FindUndescribed(child, p, out);
    }
  }
  if (auto items = schema.find("items"); items != schema.end()) {
    FindUndescribed(*items, path + "[]", out);
  }
}

class CrdFileTest : public ::testing::TestWithParam<KindInfo> {};

TEST_P(CrdFileTest, NamesMatchTheKindRegistry) {
  const KindInfo& kind = GetParam();
  json crd = LoadCrd(kind);
  EXPECT_EQ(crd.value("kind", ""), "CustomResourceDefinition");
  EXPECT_EQ(crd["metadata"].value("name", ""), kind.CrdName());
  const json& spec = crd["spec"];
  EXPECT_EQ(spec.value("group", ""), kGroup);
  EXPECT_EQ(spec.value("scope", ""), "Namespaced");
  EXPECT_EQ(spec["names"].value("kind", ""), kind.type.kind);
  EXPECT_EQ(spec["names"].value("plural", ""), kind.type.resource);
  EXPECT_THAT(spec["names"]["shortNames"], Contains(kind.short_name));
  EXPECT_THAT(spec["names"]["categories"], Contains(kCategory));
}

TEST_P(CrdFileTest, OneServedStoredVersionWithStatusAndReadyColumn) {
  json crd = LoadCrd(GetParam());
  const json& versions = crd["spec"]["versions"];
  ASSERT_EQ(versions.size(), 1u);
  const json& v = versions[0];
  EXPECT_EQ(v.value("name", ""), kVersion);
  EXPECT_TRUE(v.value("served", false));
  EXPECT_TRUE(v.value("storage", false));
  EXPECT_TRUE(v["subresources"].contains("status"));
  const json& columns = v["additionalPrinterColumns"];
  ASSERT_GE(columns.size(), 3u);
  EXPECT_EQ(columns.front().value("name", ""), "Ready");
  EXPECT_EQ(columns.front().value("jsonPath", ""),
            R"(.status.conditions[?(@.type=="Ready")].status)");
  EXPECT_EQ(columns.back().value("name", ""), "Age");
  const json& status = v["schema"]["openAPIV3Schema"]["properties"]["status"]["properties"];
  EXPECT_TRUE(status.contains("observedGeneration"));
  EXPECT_EQ(status["conditions"].value("x-kubernetes-list-type", ""), "map");
}

TEST_P(CrdFileTest, EveryFieldHasADescription) {
  json crd = LoadCrd(GetParam());
  const json& schema = crd["spec"]["versions"][0]["schema"]["openAPIV3Schema"];
  EXPECT_FALSE(schema.value("description", "").empty());
  std::vector<std::string> undescribed;
  FindUndescribed(schema, "", undescribed);
  EXPECT_THAT(undescribed, ::testing::IsEmpty());
}

TEST_P(CrdFileTest, ChartCopyIsIdentical) {
  const KindInfo& kind = GetParam();
  std::string original = ReadFile(SourcePath("crds/" + kind.crd_file));
  std::string copy = ReadFile(SourcePath("helm/upkeep/crds/" + kind.crd_file));
  ASSERT_FALSE(original.empty());
  EXPECT_EQ(copy, original) << "helm/upkeep/crds/" << kind.crd_file
                            << " differs from crds/; run scripts/sync-chart-crds.sh";
}

INSTANTIATE_TEST_SUITE_P(Kinds, CrdFileTest, ::testing::ValuesIn(AllKinds()),
                         [](const auto& info) { return info.param.type.kind; });

TEST(CrdFilesTest, KustomizationListsEveryCrd) {
  std::string kustomization = ReadFile(SourcePath("crds/kustomization.yaml"));
  for (const KindInfo& kind : AllKinds()) {
    EXPECT_THAT(kustomization, ::testing::HasSubstr(kind.crd_file));
  }
}

TEST(CrdFilesTest, ShortNamesAreUnique) {
  std::set<std::string> seen;
  for (const KindInfo& kind : AllKinds()) EXPECT_TRUE(seen.insert(kind.short_name).second);
  EXPECT_EQ(seen.size(), 5u);
}

}  // namespace
}  // namespace upkeep::api::v1alpha1
