#include "apiserver/apply/field_set.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

FieldSet Parse(const char* fields_v1) {
  absl::StatusOr<FieldSet> set = FieldSet::FromFieldsV1(json::parse(fields_v1));
  EXPECT_TRUE(set.ok()) << set.status();
  return set.ok() ? *set : FieldSet();
}

const FieldPath kReplicas = {FieldElement("spec"), FieldElement("replicas")};
const FieldPath kNginx = {FieldElement("spec"), FieldElement("containers"),
                          KeyElement({{"name", "nginx"}})};
const FieldPath kNginxImage = {FieldElement("spec"), FieldElement("containers"),
                               KeyElement({{"name", "nginx"}}), FieldElement("image")};

TEST(FieldSetTest, FieldsV1RoundTripsAsKubeWritesIt) {
  const char* kFields =
      R"({"f:metadata":{"f:labels":{".":{},"f:app":{}}},)"
      R"("f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{},"f:name":{}}},)"
      R"("f:replicas":{}}})";
  EXPECT_EQ(Parse(kFields).ToFieldsV1(), json::parse(kFields));
}

TEST(FieldSetTest, MemberWithChildrenIsMarkedWithDot) {
  FieldSet set;
  set.Insert(kNginx);
  set.Insert(kNginxImage);
  EXPECT_EQ(set.ToFieldsV1(), json::parse(R"({"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":)"
                                          R"({".":{},"f:image":{}}}}})"));
  EXPECT_TRUE(set.Has(kNginx));
  EXPECT_TRUE(set.Has(kNginxImage));
  EXPECT_FALSE(set.Has({FieldElement("spec")}));
}

TEST(FieldSetTest, KeyElementsAreCanonicalWhateverTheInputOrder) {
  FieldSet parsed = Parse(R"({"f:ports":{"k:{\"protocol\":\"TCP\",\"containerPort\":80}":{}}})");
  EXPECT_TRUE(parsed.Has(
      {FieldElement("ports"), KeyElement({{"containerPort", 80}, {"protocol", "TCP"}})}));
}

TEST(FieldSetTest, RejectsMalformedFieldsV1) {
  struct Case {
    const char* name;
    const char* fields_v1;
  };
  const Case kCases[] = {
      {"not an object", R"([])"},
      {"unknown element prefix", R"({"x:spec":{}})"},
      {"value not an object", R"({"f:spec":1})"},
      {"key not json", R"({"k:{nope":{}})"},
      {"key not an object", R"({"k:[1]":{}})"},
  };
  for (const Case& c : kCases) {
    EXPECT_FALSE(FieldSet::FromFieldsV1(json::parse(c.fields_v1)).ok()) << c.name;
  }
}

TEST(FieldSetTest, PathStringsMatchKubeConflictFields) {
  struct Case {
    const char* name;
    FieldPath path;
    const char* want;
  };
  const Case kCases[] = {
      {"fields", kReplicas, ".spec.replicas"},
      {"map-list key", kNginxImage, ".spec.containers[name=\"nginx\"].image"},
      {"multi-field key",
       {FieldElement("ports"), KeyElement({{"protocol", "TCP"}, {"containerPort", 80}})},
       ".ports[containerPort=80,protocol=\"TCP\"]"},
      {"set value",
       {FieldElement("metadata"), FieldElement("finalizers"), ValueElement("a.io/x")},
       ".metadata.finalizers[=\"a.io/x\"]"},
  };
  for (const Case& c : kCases) EXPECT_EQ(FieldPathString(c.path), c.want) << c.name;
}

TEST(FieldSetTest, SetAlgebra) {
  FieldSet a = Parse(R"({"f:spec":{"f:replicas":{},"f:paused":{}}})");
  FieldSet b = Parse(R"({"f:spec":{"f:replicas":{},"f:selector":{}}})");
  EXPECT_EQ(a.Union(b), Parse(R"({"f:spec":{"f:replicas":{},"f:paused":{},"f:selector":{}}})"));
  EXPECT_EQ(a.Intersection(b), Parse(R"({"f:spec":{"f:replicas":{}}})"));
  EXPECT_EQ(a.Difference(b), Parse(R"({"f:spec":{"f:paused":{}}})"));
  EXPECT_TRUE(a.Difference(a).Empty());
  EXPECT_EQ(a.Difference(a).ToFieldsV1(), json::object());
}

TEST(FieldSetTest, RecursiveDifferenceDropsEverythingUnderAPrefix) {
  FieldSet set =
      Parse(R"({"f:spec":{"f:replicas":{}},"f:status":{"f:phase":{},"f:x":{"f:y":{}}}})");
  FieldSet status;
  status.Insert({FieldElement("status")});
  EXPECT_EQ(set.RecursiveDifference(status), Parse(R"({"f:spec":{"f:replicas":{}}})"));
  // A plain difference only removes the exact path.
  EXPECT_EQ(set.Difference(status), set);
}

TEST(FieldSetTest, FieldParentsBecomeMembersButKeysDoNot) {
  FieldSet set;
  set.Insert(kNginxImage);
  FieldSet with_parents = set.WithFieldParentsAsMembers();
  EXPECT_TRUE(with_parents.Has({FieldElement("spec")}));
  EXPECT_TRUE(with_parents.Has({FieldElement("spec"), FieldElement("containers")}));
  EXPECT_FALSE(with_parents.Has(kNginx));
  EXPECT_TRUE(with_parents.Has(kNginxImage));
}

TEST(FieldSetTest, PathsListMembersOfALevelBeforeDeeperLevels) {
  FieldSet set = Parse(R"({"f:spec":{"f:template":{"f:x":{}},"f:replicas":{},"f:paused":{}}})");
  std::vector<std::string> got;
  for (const FieldPath& p : set.Paths()) got.push_back(FieldPathString(p));
  EXPECT_EQ(got, (std::vector<std::string>{".spec.paused", ".spec.replicas", ".spec.template.x"}));
}

}  // namespace
}  // namespace upkeep::apiserver
