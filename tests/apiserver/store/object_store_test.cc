#include "apiserver/store/object_store.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

using json = nlohmann::json;

json ConfigMap(const std::string& ns, const std::string& name, const std::string& value) {
  return {{"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}, {"labels", {{"v", value}}}}},
          {"data", {{"v", value}}}};
}

absl::StatusOr<StoredObject> Put(ObjectStore& store, const json& obj) {
  return store.Mutate("configmaps", obj["metadata"]["namespace"], obj["metadata"]["name"],
                      [&](const StoredObject*) -> absl::StatusOr<Mutation> {
                        return Mutation{Mutation::Kind::kPut, obj};
                      });
}

absl::StatusOr<StoredObject> Delete(ObjectStore& store, const std::string& ns,
                                    const std::string& name) {
  return store.Mutate("configmaps", ns, name, [](const StoredObject*) -> absl::StatusOr<Mutation> {
    return Mutation{Mutation::Kind::kDelete, {}};
  });
}

std::vector<std::string> Names(const ListResult& r) {
  std::vector<std::string> out;
  for (const auto& s : r.items) out.push_back(s.metadata->value("name", ""));
  return out;
}

TEST(ObjectStoreTest, EveryWriteGetsTheNextGlobalResourceVersion) {
  ObjectStore store(nullptr, {});
  auto a = Put(store, ConfigMap("default", "a", "1"));
  auto b = Put(store, ConfigMap("other", "b", "1"));
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->resource_version, 1u);
  EXPECT_EQ(b->resource_version, 2u);
  EXPECT_EQ(b->Object()["metadata"]["resourceVersion"], "2");
  EXPECT_EQ(store.CurrentResourceVersion(), 2u);
}

TEST(ObjectStoreTest, ListIsSortedByNamespaceAndNameAndPages) {
  ObjectStore store(nullptr, {});
  for (const char* n : {"c", "a", "b"}) ASSERT_TRUE(Put(store, ConfigMap("default", n, "x")).ok());
  ASSERT_TRUE(Put(store, ConfigMap("alpha", "z", "x")).ok());
  EXPECT_EQ(Names(store.List("configmaps", {})), (std::vector<std::string>{"z", "a", "b", "c"}));
  ListOptions page;
  page.namespace_ = "default";
  page.limit = 2;
  ListResult first = store.List("configmaps", page);
  EXPECT_EQ(Names(first), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(first.remaining, 1);
  page.start_after = first.last_key;
  ListResult second = store.List("configmaps", page);
  EXPECT_EQ(Names(second), (std::vector<std::string>{"c"}));
  EXPECT_TRUE(second.last_key.empty());
}

TEST(ObjectStoreTest, ListAtAnOlderVersionUndoesLaterWrites) {
  ObjectStore store(nullptr, {});
  for (const char* n : {"s-0", "s-1", "s-2", "s-3"}) {
    ASSERT_TRUE(Put(store, ConfigMap("default", n, "old")).ok());
  }
  uint64_t then = store.CurrentResourceVersion();
  ASSERT_TRUE(Put(store, ConfigMap("default", "s-9", "new")).ok());   // created later
  ASSERT_TRUE(Delete(store, "default", "s-2").ok());                  // deleted later
  ASSERT_TRUE(Put(store, ConfigMap("default", "s-1", "new")).ok());   // modified later
  ListOptions at;
  at.at_resource_version = then;
  ListResult snapshot = store.List("configmaps", at);
  EXPECT_EQ(snapshot.resource_version, then);
  EXPECT_EQ(Names(snapshot), (std::vector<std::string>{"s-0", "s-1", "s-2", "s-3"}));
  EXPECT_EQ(snapshot.items[1].Object()["data"]["v"], "old");
  EXPECT_EQ(Names(store.List("configmaps", {})),
            (std::vector<std::string>{"s-0", "s-1", "s-3", "s-9"}));
}

TEST(ObjectStoreTest, ListOlderThanTheHistoryIsExpired) {
  ObjectStore::Options options;
  options.history_capacity = 2;
  ObjectStore store(nullptr, options);
  for (const char* n : {"a", "b", "c", "d"}) ASSERT_TRUE(Put(store, ConfigMap("default", n, "x")).ok());
  ListOptions at;
  at.at_resource_version = 1;
  EXPECT_TRUE(store.List("configmaps", at).expired);
}

TEST(ObjectStoreTest, WatchReplaysHistoryThenDeliversLiveEventsWithPreviousState) {
  ObjectStore store(nullptr, {});
  ASSERT_TRUE(Put(store, ConfigMap("default", "a", "1")).ok());
  ASSERT_TRUE(Put(store, ConfigMap("default", "a", "2")).ok());
  std::vector<std::pair<WatchEventType, std::string>> seen;
  std::string previous;
  auto id = store.AddWatch("configmaps", 1, false, [&](const StoreEvent& e) {
    seen.push_back({e.type, e.object.Object()["data"]["v"]});
    if (!e.previous.empty()) previous = e.previous.Object()["data"]["v"];
  });
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(Delete(store, "default", "a").ok());
  ASSERT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen[0], std::make_pair(WatchEventType::kModified, std::string("2")));
  EXPECT_EQ(seen[1].first, WatchEventType::kDeleted);
  EXPECT_EQ(previous, "2");
  store.RemoveWatch(*id);
}

TEST(ObjectStoreTest, WatchFromACompactedVersionIsOutOfRange) {
  ObjectStore store(nullptr, {});
  ASSERT_TRUE(Put(store, ConfigMap("default", "a", "1")).ok());
  ASSERT_TRUE(Put(store, ConfigMap("default", "b", "1")).ok());
  store.CompactHistory();
  auto id = store.AddWatch("configmaps", 1, false, [](const StoreEvent&) {});
  EXPECT_TRUE(absl::IsOutOfRange(id.status()));
}

TEST(ObjectStoreTest, StoredMetadataLeavesOutManagedFields) {
  json obj = ConfigMap("default", "a", "1");
  obj["metadata"]["managedFields"] = json::array({{{"manager", "kubectl"}}});
  StoredObject s = StoredObject::Of(obj, 7);
  EXPECT_FALSE(s.metadata->contains("managedFields"));
  EXPECT_EQ(s.Meta("labels")["v"], "1");
  EXPECT_EQ(s.Object()["metadata"]["managedFields"][0]["manager"], "kubectl");
}

}  // namespace
}  // namespace upkeep::apiserver
