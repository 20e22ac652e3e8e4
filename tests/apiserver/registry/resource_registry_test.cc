#include "apiserver/registry/resource_registry.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

nlohmann::json WidgetCrd() {
  return nlohmann::json::parse(R"({
    "metadata": {"name": "widgets.example.dev"},
    "spec": {"group": "example.dev", "scope": "Namespaced",
             "names": {"plural": "widgets", "kind": "Widget", "shortNames": ["wd"]},
             "versions": [
               {"name": "v1", "served": true, "storage": true,
                "subresources": {"status": {}},
                "additionalPrinterColumns": [{"name": "Size", "type": "integer", "jsonPath": ".spec.size"}],
                "schema": {"openAPIV3Schema": {"type": "object"}}},
               {"name": "v1beta1", "served": true, "storage": false},
               {"name": "v1alpha1", "served": false, "storage": false}]}})");
}

TEST(ResourceRegistryTest, ServesTheBuiltInKinds) {
  ResourceRegistry registry;
  ResourcePtr deployments = registry.Find("apps", "v1", "deployments");
  ASSERT_NE(deployments, nullptr);
  EXPECT_EQ(deployments->kind, "Deployment");
  EXPECT_TRUE(deployments->has_scale);
  ResourcePtr namespaces = registry.Find("", "v1", "namespaces");
  ASSERT_NE(namespaces, nullptr);
  EXPECT_FALSE(namespaces->namespaced);
}

TEST(ResourceRegistryTest, ServesEveryServedVersionOfACrdWithOneStorageVersion) {
  ResourceRegistry registry;
  uint64_t before = registry.Generation();
  registry.ServeCustomResource(WidgetCrd());
  EXPECT_GT(registry.Generation(), before);
  ResourcePtr v1 = registry.Find("example.dev", "v1", "widgets");
  ResourcePtr beta = registry.Find("example.dev", "v1beta1", "widgets");
  ASSERT_NE(v1, nullptr);
  ASSERT_NE(beta, nullptr);
  EXPECT_EQ(registry.Find("example.dev", "v1alpha1", "widgets"), nullptr);
  EXPECT_EQ(v1->singular, "widget");
  EXPECT_EQ(v1->list_kind, "WidgetList");
  EXPECT_EQ(beta->storage_version, "v1");
  EXPECT_TRUE(v1->has_status);
  ASSERT_EQ(v1->printer_columns.size(), 1u);
  EXPECT_EQ(v1->printer_columns[0].json_path, ".spec.size");
  bool listed = false;
  for (const auto& [group, versions] : registry.Groups()) {
    if (group == "example.dev") {
      listed = true;
      EXPECT_EQ(versions, (std::vector<std::string>{"v1", "v1beta1"}));
    }
  }
  EXPECT_TRUE(listed);
}

TEST(ResourceRegistryTest, StopServingRemovesTheResourceAndItsGroup) {
  ResourceRegistry registry;
  registry.ServeCustomResource(WidgetCrd());
  registry.StopServing("widgets.example.dev");
  EXPECT_EQ(registry.Find("example.dev", "v1", "widgets"), nullptr);
  for (const auto& [group, versions] : registry.Groups()) EXPECT_NE(group, "example.dev");
}

TEST(ValidateCustomResourceDefinitionTest, NamesEachWrongField) {
  nlohmann::json crd = WidgetCrd();
  crd["metadata"]["name"] = "gadgets.example.dev";
  crd["spec"]["scope"] = "Galaxy";
  crd["spec"]["versions"][1]["storage"] = true;
  FieldErrors errors = ValidateCustomResourceDefinition(crd);
  std::vector<std::string> fields;
  for (const auto& e : errors) fields.push_back(e.field);
  EXPECT_EQ(fields, (std::vector<std::string>{"metadata.name", "spec.scope", "spec.versions"}));
}

}  // namespace
}  // namespace upkeep::apiserver
