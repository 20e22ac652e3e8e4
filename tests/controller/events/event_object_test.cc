#include "controller/events/event_object.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

const nlohmann::json kBackup = {
    {"apiVersion", "upkeep.dev/v1alpha1"},
    {"kind", "PostgresBackup"},
    {"metadata",
     {{"namespace", "db"}, {"name", "nightly"}, {"uid", "u-1"}, {"resourceVersion", "42"}}},
    {"spec", {{"schedule", "0 3 * * *"}}}};

TEST(ReferenceToTest, ReadsIdentityFieldsOfTheObject) {
  const EventReference ref = ReferenceTo(kBackup);
  EXPECT_EQ(ref.api_version, "upkeep.dev/v1alpha1");
  EXPECT_EQ(ref.kind, "PostgresBackup");
  EXPECT_EQ(ref.namespace_, "db");
  EXPECT_EQ(ref.name, "nightly");
  EXPECT_EQ(ref.uid, "u-1");
  EXPECT_EQ(ref.resource_version, "42");
}

TEST(ReferenceToTest, ToleratesMalformedObjects) {
  EXPECT_EQ(ReferenceTo(nlohmann::json("text")).name, "");
  EXPECT_EQ(ReferenceTo({{"metadata", 3}}).name, "");
}

TEST(EventNamespaceTest, ClusterScopedObjectsGoToDefault) {
  EXPECT_EQ(EventNamespace(ReferenceTo(kBackup)), "db");
  EXPECT_EQ(EventNamespace(ReferenceTo({{"kind", "Namespace"}, {"metadata", {{"name", "db"}}}})),
            "default");
}

TEST(BuildEventTest, WritesEventsV1Fields) {
  EventOccurrence occurrence{ReferenceTo(kBackup), "Warning", "BackupFailed", "Backup",
                             "ignored: the decision's note is written"};
  CorrelationDecision decision;
  decision.verdict = CorrelationVerdict::kCreate;
  decision.event_name = "nightly.1a2b";
  decision.note = "pg_dump exited with 1";
  decision.event_time = Clock::TimePoint(std::chrono::microseconds(1795323600123456));
  const nlohmann::json event = BuildEvent(occurrence, decision, {"upkeep.dev/upkeep", "upkeep-0"});
  EXPECT_EQ(event["apiVersion"], "events.k8s.io/v1");
  EXPECT_EQ(event["kind"], "Event");
  EXPECT_EQ(event["metadata"]["name"], "nightly.1a2b");
  EXPECT_EQ(event["metadata"]["namespace"], "db");
  EXPECT_EQ(event["eventTime"], "2026-11-22T05:00:00.123456Z");
  EXPECT_EQ(event["reportingController"], "upkeep.dev/upkeep");
  EXPECT_EQ(event["reportingInstance"], "upkeep-0");
  EXPECT_EQ(event["type"], "Warning");
  EXPECT_EQ(event["reason"], "BackupFailed");
  EXPECT_EQ(event["action"], "Backup");
  EXPECT_EQ(event["note"], "pg_dump exited with 1");
  EXPECT_EQ(event["regarding"], (nlohmann::json{{"apiVersion", "upkeep.dev/v1alpha1"},
                                                {"kind", "PostgresBackup"},
                                                {"namespace", "db"},
                                                {"name", "nightly"},
                                                {"uid", "u-1"},
                                                {"resourceVersion", "42"}}));
  EXPECT_FALSE(event.contains("series"));
}

TEST(SeriesPatchTest, SetsCountAndLastObservedTime) {
  CorrelationDecision decision;
  decision.series_count = 3;
  decision.last_observed_time = Clock::TimePoint(std::chrono::microseconds(1795323600000001));
  EXPECT_EQ(SeriesPatch(decision),
            (nlohmann::json{
                {"series", {{"count", 3}, {"lastObservedTime", "2026-11-22T05:00:00.000001Z"}}}}));
}

}  // namespace
}  // namespace upkeep::controller
