#include "apiserver/apply/object_merge.h"

#include <gtest/gtest.h>

#include "apiserver/apply/object_compare.h"
#include "apiserver/apply/remove_fields.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using Type = ListSemantics::Type;

MergeSemantics ItemsByName() {
  return {ListSemanticsFromTable(
              {{"items", {Type::kMap, {"name"}, {}}}, {"tags", {Type::kSet, {}, {}}}}),
          nullptr};
}

json Merge(const char* live, const char* applied) {
  absl::StatusOr<json> out = MergeObjects(json::parse(live), json::parse(applied), ItemsByName());
  EXPECT_TRUE(out.ok()) << out.status();
  return out.ok() ? *out : json();
}

TEST(MergeObjectsTest, MergesAsStructuredMergeDiffDoes) {
  struct Case {
    const char* name;
    const char* live;
    const char* applied;
    const char* want;
  };
  const Case kCases[] = {
      {"maps merge key by key", R"({"a":{"x":1,"y":2}})", R"({"a":{"y":3,"z":4}})",
       R"({"a":{"x":1,"y":3,"z":4}})"},
      {"null removes", R"({"a":1,"b":2})", R"({"a":null})", R"({"b":2})"},
      {"nulls inside new maps are dropped", R"({})", R"({"a":{"b":null,"c":1}})",
       R"({"a":{"c":1}})"},
      {"map-list items merge by key", R"({"items":[{"name":"a","v":1},{"name":"b","v":1}]})",
       R"({"items":[{"name":"b","w":2}]})",
       R"({"items":[{"name":"a","v":1},{"name":"b","v":1,"w":2}]})"},
      {"shared items follow the applied order, live-only items stay",
       R"({"items":[{"name":"a"},{"name":"b"},{"name":"c"}]})",
       R"({"items":[{"name":"c"},{"name":"a"}]})",
       R"({"items":[{"name":"b"},{"name":"c"},{"name":"a"}]})"},
      {"live-only items come before new items at the same place",
       R"({"items":[{"name":"a"},{"name":"b"}]})", R"({"items":[{"name":"a"},{"name":"n"}]})",
       R"({"items":[{"name":"a"},{"name":"b"},{"name":"n"}]})"},
      {"duplicate live items are replaced by the applied one",
       R"({"items":[{"name":"a","v":1},{"name":"a","v":2}]})", R"({"items":[{"name":"a"}]})",
       R"({"items":[{"name":"a"}]})"},
      {"sets merge by value", R"({"tags":["x","y"]})", R"({"tags":["z","x"]})",
       R"({"tags":["z","x","y"]})"},
      {"atomic lists are replaced", R"({"args":["a","b"]})", R"({"args":["c"]})",
       R"({"args":["c"]})"},
      {"type change takes the applied value", R"({"a":{"x":1}})", R"({"a":"s"})", R"({"a":"s"})"},
  };
  for (const Case& c : kCases) {
    EXPECT_EQ(Merge(c.live, c.applied), json::parse(c.want)) << c.name;
  }
}

TEST(CompareObjectsTest, ReportsLeavesAndWholeItemsThatAppearOrGo) {
  absl::StatusOr<Comparison> diff = CompareObjects(
      json::parse(R"({"a":1,"b":{"c":1},"items":[{"name":"x","v":1}],"tags":["t"]})"),
      json::parse(R"({"a":2,"d":{"e":1},"items":[{"name":"y"}],"tags":["t","u"]})"), ItemsByName());
  ASSERT_TRUE(diff.ok()) << diff.status();
  EXPECT_EQ(diff->modified.ToFieldsV1(), json::parse(R"({"f:a":{}})"));
  EXPECT_EQ(diff->added.ToFieldsV1(),
            json::parse(R"({"f:d":{".":{},"f:e":{}},"f:items":{"k:{\"name\":\"y\"}":{".":{},)"
                        R"("f:name":{}}},"f:tags":{"v:\"u\"":{}}})"));
  EXPECT_EQ(diff->removed.ToFieldsV1(),
            json::parse(R"({"f:b":{".":{},"f:c":{}},"f:items":{"k:{\"name\":\"x\"}":{".":{},)"
                        R"("f:name":{},"f:v":{}}}})"));
}

TEST(RemoveFieldsTest, RemovesPathsWithWhatIsBelowThemAndEmptiedParents) {
  FieldSet fields;
  fields.Insert({FieldElement("items"), KeyElement({{"name", "x"}})});
  fields.Insert({FieldElement("a"), FieldElement("only")});
  fields.Insert({FieldElement("tags"), ValueElement("t")});
  json out = RemoveFields(
      json::parse(R"({"items":[{"name":"x","v":1},{"name":"y"}],"a":{"only":1},"tags":["t","u"],)"
                  R"("keep":{}})"),
      fields, ItemsByName());
  EXPECT_EQ(out, json::parse(R"({"items":[{"name":"y"}],"tags":["u"],"keep":{}})"));
}

}  // namespace
}  // namespace upkeep::apiserver
