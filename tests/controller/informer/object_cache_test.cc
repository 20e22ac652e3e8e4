#include "controller/informer/object_cache.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

nlohmann::json Object(const std::string& ns, const std::string& name,
                      const std::string& owner_uid = "", const std::string& app = "") {
  nlohmann::json o = {{"apiVersion", "v1"},
                      {"kind", "ConfigMap"},
                      {"metadata", {{"name", name}, {"resourceVersion", "1"}}}};
  if (!ns.empty()) o["metadata"]["namespace"] = ns;
  if (!owner_uid.empty()) {
    o["metadata"]["ownerReferences"] = {{{"uid", owner_uid}, {"kind", "X"}, {"name", "x"}}};
  }
  if (!app.empty()) o["metadata"]["labels"] = {{"app", app}};
  return o;
}

std::vector<std::string> Names(const std::vector<nlohmann::json>& objects) {
  std::vector<std::string> names;
  for (const auto& o : objects) names.push_back(o["metadata"]["name"]);
  return names;
}

TEST(ObjectCacheTest, GetReturnsTheStoredObjectAndNothingForUnknownKeys) {
  ObjectCache cache;
  cache.Upsert(Object("ns", "a"));
  auto got = cache.Get("ns", "a");
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ((*got)["metadata"]["name"], "a");
  EXPECT_FALSE(cache.Get("ns", "b").has_value());
  EXPECT_FALSE(cache.Get("other", "a").has_value());
}

TEST(ObjectCacheTest, ListsOneNamespaceWithoutItsPrefixNeighbours) {
  ObjectCache cache;
  cache.Upsert(Object("ns", "a"));
  cache.Upsert(Object("ns", "b"));
  cache.Upsert(Object("ns2", "c"));
  cache.Upsert(Object("n", "d"));
  EXPECT_EQ(Names(cache.List("ns")), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(Names(cache.ByIndex(kNamespaceIndex, "ns2")), (std::vector<std::string>{"c"}));
  EXPECT_EQ(cache.List().size(), 4u);
}

TEST(ObjectCacheTest, OwnerIndexFollowsUpdatesAndRemovals) {
  ObjectCache cache;
  cache.Upsert(Object("ns", "a", "uid-1"));
  cache.Upsert(Object("ns", "b", "uid-1"));
  EXPECT_EQ(Names(cache.ByIndex(kOwnerUidIndex, "uid-1")), (std::vector<std::string>{"a", "b"}));
  cache.Upsert(Object("ns", "a", "uid-2"));  // a changes owner
  EXPECT_EQ(Names(cache.ByIndex(kOwnerUidIndex, "uid-1")), (std::vector<std::string>{"b"}));
  EXPECT_EQ(Names(cache.ByIndex(kOwnerUidIndex, "uid-2")), (std::vector<std::string>{"a"}));
  cache.Remove("ns/b");
  EXPECT_TRUE(cache.ByIndex(kOwnerUidIndex, "uid-1").empty());
}

TEST(ObjectCacheTest, CustomIndexAddedLaterCoversExistingObjects) {
  ObjectCache cache;
  cache.Upsert(Object("ns", "a", "", "web"));
  cache.Upsert(Object("ns", "b", "", "db"));
  cache.AddIndex("app", [](const nlohmann::json& o) {
    std::vector<std::string> v;
    if (o["metadata"].contains("labels")) v.push_back(o["metadata"]["labels"].value("app", ""));
    return v;
  });
  cache.Upsert(Object("ns", "c", "", "web"));
  EXPECT_EQ(Names(cache.ByIndex("app", "web")), (std::vector<std::string>{"a", "c"}));
  EXPECT_EQ(Names(cache.ByIndex("app", "db")), (std::vector<std::string>{"b"}));
}

TEST(ObjectCacheTest, ReplaceReturnsThePreviousContentsAndReindexes) {
  ObjectCache cache;
  cache.Upsert(Object("ns", "a", "uid-1"));
  cache.Upsert(Object("ns", "b"));
  auto previous = cache.Replace({Object("ns", "b"), Object("ns", "c", "uid-1")});
  EXPECT_EQ(previous.size(), 2u);
  EXPECT_TRUE(previous.count("ns/a"));
  EXPECT_EQ(Names(cache.List()), (std::vector<std::string>{"b", "c"}));
  EXPECT_EQ(Names(cache.ByIndex(kOwnerUidIndex, "uid-1")), (std::vector<std::string>{"c"}));
}

TEST(ObjectCacheTest, KeepsCompactTextAndCountsItsBytes) {
  ObjectCache cache;
  nlohmann::json o = Object("ns", "a");
  cache.Upsert(o);
  EXPECT_EQ(cache.TextBytes(), o.dump().size());
  cache.Upsert(Object("", "cluster-wide"));
  EXPECT_EQ(*cache.GetText("cluster-wide"), Object("", "cluster-wide").dump());
  cache.Remove("ns/a");
  EXPECT_EQ(cache.TextBytes(), Object("", "cluster-wide").dump().size());
}

}  // namespace
}  // namespace upkeep::controller
