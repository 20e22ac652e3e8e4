#include "apiserver/api/api_status.h"

#include <gtest/gtest.h>

namespace upkeep::apiserver {
namespace {

TEST(ApiStatusTest, NotFoundNamesGroupResourceAndName) {
  nlohmann::json s = ToStatusObject(NotFoundError({"apps", "deployments", "Deployment", "api"}));
  EXPECT_EQ(s["code"], 404);
  EXPECT_EQ(s["reason"], "NotFound");
  EXPECT_EQ(s["message"], "deployments.apps \"api\" not found");
  EXPECT_EQ(s["details"]["kind"], "deployments");
}

TEST(ApiStatusTest, InvalidListsEveryCauseWithItsField) {
  absl::Status st = InvalidError({"upkeep.dev", "backuppolicies", "BackupPolicy", "nightly"},
                                 {{"FieldValueRequired", "spec.schedule", "Required value"},
                                  {"FieldValueNotSupported", "spec.compression",
                                   "Unsupported value: \"lz4\""}});
  nlohmann::json s = ToStatusObject(st);
  EXPECT_EQ(HttpCode(st), 422);
  EXPECT_EQ(s["message"],
            "BackupPolicy.upkeep.dev \"nightly\" is invalid: [spec.schedule: Required value, "
            "spec.compression: Unsupported value: \"lz4\"]");
  ASSERT_EQ(s["details"]["causes"].size(), 2u);
  EXPECT_EQ(s["details"]["causes"][1]["field"], "spec.compression");
}

TEST(ApiStatusTest, ForeignStatusBecomesInternalError) {
  absl::Status st = absl::UnknownError("disk on fire");
  EXPECT_EQ(HttpCode(st), 500);
  EXPECT_EQ(ToStatusObject(st)["reason"], "InternalError");
}

}  // namespace
}  // namespace upkeep::apiserver
