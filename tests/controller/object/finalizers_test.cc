#include "controller/object/finalizers.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using nlohmann::json;

constexpr char kFinalizer[] = "upkeep.dev/backup-cleanup";

TEST(AddFinalizerTest, AddsOnce) {
  json obj = {{"metadata", {{"name", "a"}}}};
  EXPECT_TRUE(AddFinalizer(obj, kFinalizer));
  EXPECT_FALSE(AddFinalizer(obj, kFinalizer));
  EXPECT_EQ(obj["metadata"]["finalizers"], json::array({kFinalizer}));
  EXPECT_TRUE(HasFinalizer(obj, kFinalizer));
}

TEST(AddFinalizerTest, KeepsOtherFinalizers) {
  json obj = {{"metadata", {{"finalizers", {"kubernetes.io/pvc-protection"}}}}};
  EXPECT_TRUE(AddFinalizer(obj, kFinalizer));
  EXPECT_EQ(obj["metadata"]["finalizers"],
            json::array({"kubernetes.io/pvc-protection", kFinalizer}));
}

TEST(RemoveFinalizerTest, RemovesEveryOccurrenceAndTheEmptyList) {
  json obj = {{"metadata", {{"finalizers", {kFinalizer, kFinalizer}}}}};
  EXPECT_TRUE(RemoveFinalizer(obj, kFinalizer));
  EXPECT_FALSE(HasFinalizer(obj, kFinalizer));
  EXPECT_FALSE(obj["metadata"].contains("finalizers"));
  EXPECT_FALSE(RemoveFinalizer(obj, kFinalizer));
}

TEST(RemoveFinalizerTest, KeepsOthers) {
  json obj = {{"metadata", {{"finalizers", {"other", kFinalizer}}}}};
  EXPECT_TRUE(RemoveFinalizer(obj, kFinalizer));
  EXPECT_EQ(obj["metadata"]["finalizers"], json::array({"other"}));
}

TEST(HasFinalizerTest, ToleratesMalformedMetadata) {
  EXPECT_FALSE(HasFinalizer(json(nullptr), kFinalizer));
  EXPECT_FALSE(HasFinalizer(json{{"metadata", {{"finalizers", "x"}}}}, kFinalizer));
  EXPECT_FALSE(HasFinalizer(json{{"metadata", {{"finalizers", {1, 2}}}}}, kFinalizer));
}

TEST(IsBeingDeletedTest, TrueOnceDeletionTimestampIsSet) {
  EXPECT_FALSE(IsBeingDeleted(json{{"metadata", {{"name", "a"}}}}));
  EXPECT_FALSE(IsBeingDeleted(json{{"metadata", {{"deletionTimestamp", nullptr}}}}));
  EXPECT_TRUE(IsBeingDeleted(json{{"metadata", {{"deletionTimestamp", "2026-11-22T05:00:00Z"}}}}));
}

}  // namespace
}  // namespace upkeep::controller
