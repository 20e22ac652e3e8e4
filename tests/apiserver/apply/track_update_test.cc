#include "apiserver/apply/track_update.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

constexpr char kT0[] = "2025-01-01T00:00:00Z";
constexpr char kT1[] = "2025-01-01T00:01:00Z";

UpdateOptions Options(const std::string& manager, const char* now = kT0) {
  UpdateOptions o;
  o.manager = manager;
  o.api_version = "v1";
  o.now_rfc3339 = now;
  return o;
}

json ConfigMap(const json& data, const json& metadata = json::object()) {
  json cm = {{"apiVersion", "v1"}, {"kind", "ConfigMap"}, {"metadata", metadata}, {"data", data}};
  cm["metadata"]["name"] = "settings";
  return cm;
}

json FieldsOf(const json& object, const std::string& manager) {
  for (const json& e : object["metadata"].value("managedFields", json::array())) {
    if (e.value("manager", "") == manager) return e["fieldsV1"];
  }
  return nullptr;
}

TEST(TrackUpdateTest, CreateGivesTheWriterEverythingItSet) {
  json created = ConfigMap({{"a", "1"}}, {{"labels", {{"app", "web"}}}, {"uid", "u"}});
  json out = TrackUpdate(nullptr, created, Options("kubectl-create"));

  json want = created;
  want["metadata"]["managedFields"] = json::parse(R"([{
    "manager": "kubectl-create", "operation": "Update", "apiVersion": "v1",
    "time": "2025-01-01T00:00:00Z", "fieldsType": "FieldsV1",
    "fieldsV1": {"f:data": {".": {}, "f:a": {}},
                 "f:metadata": {"f:labels": {".": {}, "f:app": {}}}}
  }])");
  EXPECT_EQ(out, want);
}

TEST(TrackUpdateTest, ChangedFieldsMoveToTheWriter) {
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}, {"b", "2"}}), Options("creator"));
  json edited = live;
  edited["data"]["a"] = "changed";
  edited["data"]["c"] = "new";
  edited["data"].erase("b");
  json out = TrackUpdate(&live, edited, Options("kubectl-edit", kT1));

  // The creator keeps the map it created ("f:data" alone), not the keys others changed.
  EXPECT_EQ(FieldsOf(out, "creator"), json::parse(R"({"f:data":{}})"));
  EXPECT_EQ(FieldsOf(out, "kubectl-edit"), json::parse(R"({"f:data":{"f:a":{},"f:c":{}}})"));
  EXPECT_EQ(out["metadata"]["managedFields"][1]["time"], kT1);
}

TEST(TrackUpdateTest, RepeatedWritesAccumulateInOneEntry) {
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}}), Options("ctl"));
  json edited = live;
  edited["data"]["b"] = "2";
  json out = TrackUpdate(&live, edited, Options("ctl", kT1));
  ASSERT_EQ(out["metadata"]["managedFields"].size(), 1u);
  EXPECT_EQ(FieldsOf(out, "ctl"), json::parse(R"({"f:data":{".":{},"f:a":{},"f:b":{}}})"));
  EXPECT_EQ(out["metadata"]["managedFields"][0]["time"], kT1);
}

TEST(TrackUpdateTest, WriteThatChangesNothingKeepsTheEntryAndTime) {
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}}), Options("ctl"));
  EXPECT_EQ(TrackUpdate(&live, live, Options("ctl", kT1)), live);
}

TEST(TrackUpdateTest, OtherApiVersionIsAnotherEntry) {
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}}), Options("ctl"));
  json edited = live;
  edited["data"]["b"] = "2";
  UpdateOptions v2 = Options("ctl", kT1);
  v2.api_version = "v2";
  json out = TrackUpdate(&live, edited, v2);
  EXPECT_EQ(out["metadata"]["managedFields"].size(), 2u);
}

TEST(TrackUpdateTest, ClientSentManagedFieldsFollowKubeRules) {
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}}), Options("creator"));
  json replacement = json::parse(R"([{"manager":"someone","operation":"Update","apiVersion":"v1",
      "fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:a":{}}}}])");
  struct Case {
    const char* name;
    json sent;  // metadata.managedFields in the request; null leaves it out
    json want;  // metadata.managedFields stored; null means none
  };
  const Case kCases[] = {
      {"left out keeps the stored ones", nullptr, live["metadata"]["managedFields"]},
      {"empty list resets", json::array(), nullptr},
      {"one empty entry resets", json::array({json::object()}), nullptr},
      {"a valid list replaces", replacement, replacement},
      {"an invalid list keeps the stored ones",
       json::parse(R"([{"manager":"x","operation":"Delete","apiVersion":"v1"}])"),
       live["metadata"]["managedFields"]},
  };
  for (const Case& c : kCases) {
    json request = live;
    request["metadata"].erase("managedFields");
    if (!c.sent.is_null()) request["metadata"]["managedFields"] = c.sent;
    json out = TrackUpdate(&live, request, Options("kubectl-edit", kT1));
    EXPECT_EQ(out["metadata"].value("managedFields", json()), c.want) << c.name;
  }
}

TEST(TrackUpdateTest, AfterAResetUpdatesAreNotTracked) {
  json live = ConfigMap({{"a", "1"}});  // stored without managedFields
  json edited = live;
  edited["data"]["a"] = "2";
  json out = TrackUpdate(&live, edited, Options("kubectl-edit", kT1));
  EXPECT_FALSE(out["metadata"].contains("managedFields"));
}

TEST(TrackUpdateTest, SubresourceWritesIgnoreSentManagedFieldsAndKeepTheirOwnEntry) {
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}}), Options("creator"));
  json edited = live;
  edited["metadata"]["managedFields"] = json::array();
  edited["status"] = {{"ready", true}};
  UpdateOptions status = Options("controller", kT1);
  status.subresource = "status";
  json out = TrackUpdate(&live, edited, status);

  ASSERT_EQ(out["metadata"]["managedFields"].size(), 2u);
  json entry = out["metadata"]["managedFields"][1];
  EXPECT_EQ(entry["manager"], "controller");
  EXPECT_EQ(entry["subresource"], "status");
  EXPECT_EQ(entry["fieldsV1"], json::parse(R"({"f:status":{".":{},"f:ready":{}}})"));
}

TEST(TrackUpdateTest, IgnoredFieldsAreNeitherTakenNorTakenAway) {
  UpdateOptions main = Options("creator");
  main.ignored_fields.Insert({FieldElement("status")});
  json created = ConfigMap({{"a", "1"}});
  created["status"] = {{"ready", true}};
  json out = TrackUpdate(nullptr, created, main);
  EXPECT_EQ(FieldsOf(out, "creator"), json::parse(R"({"f:data":{".":{},"f:a":{}}})"));
}

TEST(TrackUpdateTest, MoreThanTenUpdateEntriesFoldIntoAncientChanges) {
  json live =
      TrackUpdate(nullptr, ConfigMap({{"k0", "v"}}), Options("m00", "2025-01-01T00:00:00Z"));
  for (int i = 1; i <= 10; ++i) {
    json edited = live;
    std::string n = std::to_string(i);
    edited["data"]["k" + n] = "v";
    std::string time = "2025-01-01T00:" + std::string(i < 10 ? "0" : "") + n + ":00Z";
    live = TrackUpdate(&live, edited, Options((i < 10 ? "m0" : "m") + n, time.c_str()));
  }
  const json& entries = live["metadata"]["managedFields"];
  ASSERT_EQ(entries.size(), 10u);
  EXPECT_EQ(FieldsOf(live, "ancient-changes"),
            json::parse(R"({"f:data":{".":{},"f:k0":{},"f:k1":{}}})"));
  EXPECT_TRUE(FieldsOf(live, "m00").is_null());
  EXPECT_TRUE(FieldsOf(live, "m01").is_null());
  EXPECT_FALSE(FieldsOf(live, "m10").is_null());
}

TEST(TrackUpdateTest, ObjectsThatCannotBeComparedKeepTheirManagedFields) {
  UpdateOptions options = Options("creator");
  options.lists = ListSemanticsFromTable({{"items", {ListSemantics::Type::kMap, {"name"}, {}}}});
  json live = TrackUpdate(nullptr, ConfigMap({{"a", "1"}}), options);
  json broken = live;
  broken["items"] = json::parse(R"([{"noName": true}])");
  json out = TrackUpdate(&live, broken, options);
  EXPECT_EQ(out["metadata"]["managedFields"], live["metadata"]["managedFields"]);
  EXPECT_EQ(out["items"], broken["items"]);
}

}  // namespace
}  // namespace upkeep::apiserver
