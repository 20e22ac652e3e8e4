#include "apiserver/apply/merge_semantics.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using Type = ListSemantics::Type;

const json kSchema = json::parse(R"({
  "type": "object",
  "properties": {
    "spec": {
      "type": "object",
      "properties": {
        "servers": {
          "type": "array",
          "x-kubernetes-list-type": "map",
          "x-kubernetes-list-map-keys": ["port", "protocol"],
          "items": {
            "type": "object",
            "properties": {
              "port": {"type": "integer"},
              "protocol": {"type": "string", "default": "TCP"},
              "hosts": {"type": "array", "x-kubernetes-list-type": "set",
                        "items": {"type": "string"}},
              "tls": {"type": "object", "x-kubernetes-map-type": "atomic"}
            }
          }
        },
        "args": {"type": "array", "items": {"type": "string"}},
        "explicitAtomic": {"type": "array", "x-kubernetes-list-type": "atomic",
                           "items": {"type": "string"}},
        "selector": {"type": "object", "x-kubernetes-map-type": "atomic"},
        "pools": {
          "type": "object",
          "additionalProperties": {
            "type": "object",
            "properties": {
              "zones": {"type": "array", "x-kubernetes-list-type": "set",
                        "items": {"type": "string"}}
            }
          }
        }
      }
    }
  }
})");

TEST(ListSemanticsFromSchemaTest, ReadsListTypesAlongThePath) {
  struct Case {
    const char* name;
    std::vector<std::string> path;
    Type want;
  };
  const Case kCases[] = {
      {"map-list", {"spec", "servers"}, Type::kMap},
      {"set inside map-list items", {"spec", "servers", "hosts"}, Type::kSet},
      {"no list type is atomic", {"spec", "args"}, Type::kAtomic},
      {"explicit atomic", {"spec", "explicitAtomic"}, Type::kAtomic},
      {"under additionalProperties", {"spec", "pools", "eu", "zones"}, Type::kSet},
      {"unknown path is atomic", {"spec", "nope"}, Type::kAtomic},
      {"not a list is atomic", {"spec", "selector"}, Type::kAtomic},
  };
  ListSemanticsResolver resolve = ListSemanticsFromSchema(kSchema);
  for (const Case& c : kCases) EXPECT_EQ(resolve(c.path).type, c.want) << c.name;
}

TEST(ListSemanticsFromSchemaTest, ReadsMapKeysAndTheirDefaults) {
  ListSemantics servers = ListSemanticsFromSchema(kSchema)({"spec", "servers"});
  EXPECT_EQ(servers.keys, (std::vector<std::string>{"port", "protocol"}));
  ASSERT_EQ(servers.key_defaults.count("protocol"), 1u);
  EXPECT_EQ(servers.key_defaults.at("protocol"), "TCP");
  EXPECT_EQ(servers.key_defaults.count("port"), 0u);
}

TEST(MapTypesFromSchemaTest, AtomicOnlyWhereTheSchemaSaysSo) {
  MapTypeResolver resolve = MapTypesFromSchema(kSchema);
  EXPECT_EQ(resolve({"spec", "selector"}), MapType::kAtomic);
  EXPECT_EQ(resolve({"spec", "servers", "tls"}), MapType::kAtomic);
  EXPECT_EQ(resolve({"spec"}), MapType::kGranular);
  EXPECT_EQ(resolve({"spec", "pools", "eu"}), MapType::kGranular);
  EXPECT_EQ(resolve({"metadata", "labels"}), MapType::kGranular);
}

TEST(ListSemanticsFromTableTest, LooksUpDottedPathsAndDefaultsToAtomic) {
  ListSemanticsResolver resolve =
      ListSemanticsFromTable({{"spec.template.spec.containers", {Type::kMap, {"name"}, {}}}});
  ListSemantics containers = resolve({"spec", "template", "spec", "containers"});
  EXPECT_EQ(containers.type, Type::kMap);
  EXPECT_EQ(containers.keys, std::vector<std::string>{"name"});
  EXPECT_EQ(resolve({"spec", "template", "spec", "volumes"}).type, Type::kAtomic);
}

TEST(MergeSemanticsTest, ObjectMetaListsApplyToEveryKind) {
  MergeSemantics none;
  EXPECT_EQ(none.ListAt({"metadata", "finalizers"}).type, Type::kSet);
  ListSemantics owners = none.ListAt({"metadata", "ownerReferences"});
  EXPECT_EQ(owners.type, Type::kMap);
  EXPECT_EQ(owners.keys, std::vector<std::string>{"uid"});
  EXPECT_EQ(none.ListAt({"spec", "finalizers"}).type, Type::kAtomic);
  EXPECT_FALSE(none.IsAtomicMap({"spec"}));

  MergeSemantics from_schema{ListSemanticsFromSchema(kSchema), MapTypesFromSchema(kSchema)};
  EXPECT_EQ(from_schema.ListAt({"metadata", "finalizers"}).type, Type::kSet);
  EXPECT_TRUE(from_schema.IsAtomicMap({"spec", "selector"}));
}

}  // namespace
}  // namespace upkeep::apiserver
