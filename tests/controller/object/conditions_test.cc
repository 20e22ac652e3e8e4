#include "controller/object/conditions.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using nlohmann::json;

// 2026-11-22T05:00:00Z
const Clock::TimePoint kStart =
    std::chrono::sys_days(std::chrono::year(2026) / 11 / 22) + std::chrono::hours(5);

json Policy() {
  return {{"apiVersion", "upkeep.dev/v1"},
          {"kind", "BackupPolicy"},
          {"metadata", {{"name", "a"}, {"namespace", "ns"}, {"generation", 3}}}};
}

Condition Ready(const char* status, const char* reason, const char* message = "") {
  return Condition{"Ready", status, reason, message, 0, ""};
}

TEST(SetConditionTest, AddsAConditionWithTheTransitionTimeInSeconds) {
  FakeClock clock(kStart + std::chrono::milliseconds(250));
  json obj = Policy();
  EXPECT_TRUE(
      SetCondition(obj, Ready(kConditionTrue, "Scheduled", "next run at 03:00"), clock.Now()));
  EXPECT_EQ(obj["status"]["conditions"],
            json::parse(R"([{"type":"Ready","status":"True","reason":"Scheduled",
                             "message":"next run at 03:00",
                             "lastTransitionTime":"2026-11-22T05:00:00Z"}])"));
}

TEST(SetConditionTest, KeepsTransitionTimeWhenOnlyReasonOrMessageChange) {
  FakeClock clock(kStart);
  json obj = Policy();
  SetCondition(obj, Ready(kConditionFalse, "Pending"), clock.Now());
  clock.Advance(std::chrono::minutes(5));
  EXPECT_TRUE(
      SetCondition(obj, Ready(kConditionFalse, "WaitingForSecret", "no secret"), clock.Now()));
  std::optional<Condition> c = FindCondition(obj, "Ready");
  ASSERT_TRUE(c.has_value());
  EXPECT_EQ(c->reason, "WaitingForSecret");
  EXPECT_EQ(c->message, "no secret");
  EXPECT_EQ(c->last_transition_time, "2026-11-22T05:00:00Z");
}

TEST(SetConditionTest, MovesTransitionTimeWhenStatusFlips) {
  FakeClock clock(kStart);
  json obj = Policy();
  SetCondition(obj, Ready(kConditionFalse, "Pending"), clock.Now());
  clock.Advance(std::chrono::minutes(5));
  EXPECT_TRUE(SetCondition(obj, Ready(kConditionTrue, "Pending"), clock.Now()));
  EXPECT_EQ(FindCondition(obj, "Ready")->last_transition_time, "2026-11-22T05:05:00Z");
  EXPECT_TRUE(IsConditionTrue(obj, "Ready"));
}

TEST(SetConditionTest, ReportsNoChangeForTheSameCondition) {
  FakeClock clock(kStart);
  json obj = Policy();
  SetCondition(obj, Ready(kConditionTrue, "Ok", "fine"), clock.Now());
  const json before = obj;
  clock.Advance(std::chrono::hours(1));
  EXPECT_FALSE(SetCondition(obj, Ready(kConditionTrue, "Ok", "fine"), clock.Now()));
  EXPECT_EQ(obj, before);
}

TEST(SetConditionTest, KeepsOtherConditionsAndTheirOrder) {
  json obj = Policy();
  SetCondition(obj, Condition{"Scheduled", kConditionTrue, "Ok", "", 0, ""}, kStart);
  SetCondition(obj, Ready(kConditionUnknown, "Starting"), kStart);
  SetCondition(obj, Ready(kConditionTrue, "Ok"), kStart);
  ASSERT_EQ(obj["status"]["conditions"].size(), 2u);
  EXPECT_EQ(obj["status"]["conditions"][0]["type"], "Scheduled");
  EXPECT_EQ(obj["status"]["conditions"][1]["type"], "Ready");
}

TEST(SetConditionTest, WritesObservedGenerationOnlyWhenSet) {
  json obj = Policy();
  SetCondition(obj, Ready(kConditionTrue, "Ok"), kStart);
  EXPECT_FALSE(obj["status"]["conditions"][0].contains("observedGeneration"));
  Condition c = Ready(kConditionTrue, "Ok");
  c.observed_generation = 3;
  EXPECT_TRUE(SetCondition(obj, c, kStart));
  EXPECT_EQ(obj["status"]["conditions"][0]["observedGeneration"], 3);
  EXPECT_EQ(FindCondition(obj, "Ready")->observed_generation, 3);
}

TEST(SetConditionTest, ReplacesMalformedStatusInsteadOfThrowing) {
  json obj = Policy();
  obj["status"] = "garbage";
  EXPECT_TRUE(SetCondition(obj, Ready(kConditionTrue, "Ok"), kStart));
  obj["status"]["conditions"] = {{{"type", 5}}, "not an object"};
  EXPECT_TRUE(SetCondition(obj, Ready(kConditionTrue, "Ok"), kStart));
  EXPECT_EQ(obj["status"]["conditions"].size(), 3u);
  EXPECT_TRUE(IsConditionTrue(obj, "Ready"));
}

TEST(FindConditionTest, AbsentWithoutStatus) {
  EXPECT_FALSE(FindCondition(Policy(), "Ready").has_value());
  EXPECT_FALSE(IsConditionTrue(Policy(), "Ready"));
  EXPECT_FALSE(IsConditionTrue(json(nullptr), "Ready"));
}

TEST(RemoveConditionTest, RemovesOnlyThatType) {
  json obj = Policy();
  SetCondition(obj, Ready(kConditionTrue, "Ok"), kStart);
  SetCondition(obj, Condition{"Degraded", kConditionFalse, "Ok", "", 0, ""}, kStart);
  EXPECT_TRUE(RemoveCondition(obj, "Ready"));
  EXPECT_FALSE(RemoveCondition(obj, "Ready"));
  EXPECT_FALSE(FindCondition(obj, "Ready").has_value());
  EXPECT_TRUE(FindCondition(obj, "Degraded").has_value());
  EXPECT_FALSE(RemoveCondition(Policy()["metadata"], "Ready"));
}

TEST(SetObservedGenerationTest, CopiesMetadataGeneration) {
  json obj = Policy();
  EXPECT_TRUE(SetObservedGeneration(obj));
  EXPECT_EQ(obj["status"]["observedGeneration"], 3);
  EXPECT_FALSE(SetObservedGeneration(obj));
  obj["metadata"]["generation"] = 4;
  EXPECT_TRUE(SetObservedGeneration(obj));
  EXPECT_EQ(obj["status"]["observedGeneration"], 4);
}

TEST(SetObservedGenerationTest, DoesNothingWithoutGeneration) {
  json obj = {{"metadata", {{"name", "a"}}}};
  EXPECT_FALSE(SetObservedGeneration(obj));
  EXPECT_FALSE(obj.contains("status"));
}

}  // namespace
}  // namespace upkeep::controller
