#include "controller/object/owner_references.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using nlohmann::json;

json Object(const char* api_version, const char* kind, const char* ns, const char* name,
            const char* uid) {
  json meta = {{"name", name}, {"uid", uid}};
  if (ns[0] != '\0') meta["namespace"] = ns;
  return {{"apiVersion", api_version}, {"kind", kind}, {"metadata", meta}};
}

json Policy(const char* name = "nightly", const char* uid = "uid-policy") {
  return Object("upkeep.dev/v1", "BackupPolicy", "ns", name, uid);
}

json CronJob() { return Object("batch/v1", "CronJob", "ns", "nightly-backup", "uid-cron"); }

TEST(SetControllerReferenceTest, AddsAControllerReference) {
  json job = CronJob();
  ASSERT_TRUE(SetControllerReference(Policy(), job).ok());
  EXPECT_EQ(job["metadata"]["ownerReferences"], json::parse(R"([{
      "apiVersion": "upkeep.dev/v1", "kind": "BackupPolicy", "name": "nightly",
      "uid": "uid-policy", "controller": true, "blockOwnerDeletion": true}])"));
  std::optional<OwnerReference> ref = ControllerOf(job);
  ASSERT_TRUE(ref.has_value());
  EXPECT_EQ(ref->name, "nightly");
  EXPECT_TRUE(ref->controller);
  EXPECT_TRUE(ref->block_owner_deletion);
  EXPECT_TRUE(IsOwnedBy(job, "uid-policy"));
  EXPECT_FALSE(IsOwnedBy(job, "uid-other"));
}

TEST(SetControllerReferenceTest, IsIdempotentAndFollowsARecreatedOwner) {
  json job = CronJob();
  ASSERT_TRUE(SetControllerReference(Policy(), job).ok());
  ASSERT_TRUE(SetControllerReference(Policy(), job).ok());
  ASSERT_EQ(job["metadata"]["ownerReferences"].size(), 1u);
  // Same group, kind and name with a new uid: the owner was deleted and created again.
  ASSERT_TRUE(SetControllerReference(Policy("nightly", "uid-new"), job).ok());
  ASSERT_EQ(job["metadata"]["ownerReferences"].size(), 1u);
  EXPECT_EQ(ControllerOf(job)->uid, "uid-new");
}

TEST(SetControllerReferenceTest, RefusesASecondControllerNamingBoth) {
  json job = CronJob();
  ASSERT_TRUE(SetControllerReference(Policy("nightly"), job).ok());
  const json before = job;
  absl::Status s = SetControllerReference(Policy("weekly", "uid-weekly"), job);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("ns/nightly-backup"), std::string_view::npos) << s;
  EXPECT_NE(s.message().find("BackupPolicy controller nightly"), std::string_view::npos) << s;
  EXPECT_NE(s.message().find("weekly"), std::string_view::npos) << s;
  EXPECT_EQ(job, before);
}

TEST(SetControllerReferenceTest, KeepsOtherOwners) {
  json job = CronJob();
  ASSERT_TRUE(SetOwnerReference(Object("v1", "ConfigMap", "ns", "cm", "uid-cm"), job).ok());
  ASSERT_TRUE(SetControllerReference(Policy(), job).ok());
  EXPECT_EQ(job["metadata"]["ownerReferences"].size(), 2u);
  EXPECT_EQ(ControllerOf(job)->kind, "BackupPolicy");
  EXPECT_TRUE(IsOwnedBy(job, "uid-cm"));
}

TEST(SetControllerReferenceTest, RefusesACrossNamespaceOwner) {
  json job = Object("batch/v1", "CronJob", "other", "j", "uid-j");
  absl::Status s = SetControllerReference(Policy(), job);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cross-namespace"), std::string_view::npos) << s;
  EXPECT_FALSE(job["metadata"].contains("ownerReferences"));
}

TEST(SetControllerReferenceTest, RefusesANamespacedOwnerOfAClusterScopedObject) {
  json role = Object("rbac.authorization.k8s.io/v1", "ClusterRole", "", "r", "uid-r");
  absl::Status s = SetControllerReference(Policy(), role);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("cluster-scoped"), std::string_view::npos) << s;
}

TEST(SetControllerReferenceTest, AllowsAClusterScopedOwnerOfANamespacedObject) {
  json issuer = Object("upkeep.dev/v1", "ClusterIssuer", "", "letsencrypt", "uid-ci");
  json secret = Object("v1", "Secret", "ns", "account-key", "uid-s");
  EXPECT_TRUE(SetControllerReference(issuer, secret).ok());
}

TEST(SetControllerReferenceTest, RefusesAnOwnerWithoutUid) {
  json owner = Policy();
  owner["metadata"].erase("uid");
  json job = CronJob();
  EXPECT_EQ(SetControllerReference(owner, job).code(), absl::StatusCode::kInvalidArgument);
}

TEST(SetOwnerReferenceTest, AddsAPlainReference) {
  json job = CronJob();
  ASSERT_TRUE(SetOwnerReference(Policy(), job).ok());
  EXPECT_EQ(job["metadata"]["ownerReferences"][0],
            json::parse(R"({"apiVersion": "upkeep.dev/v1", "kind": "BackupPolicy",
                           "name": "nightly", "uid": "uid-policy"})"));
  EXPECT_FALSE(ControllerOf(job).has_value());
  EXPECT_TRUE(IsOwnedBy(job, "uid-policy"));
}

TEST(ControllerOfTest, ToleratesMalformedReferences) {
  EXPECT_FALSE(ControllerOf(json(nullptr)).has_value());
  json obj = {{"metadata", {{"ownerReferences", {1, "x", {{"controller", "yes"}}}}}}};
  EXPECT_FALSE(ControllerOf(obj).has_value());
  EXPECT_FALSE(IsOwnedBy(obj, ""));
}

}  // namespace
}  // namespace upkeep::controller
