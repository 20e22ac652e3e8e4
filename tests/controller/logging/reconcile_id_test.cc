#include "controller/logging/reconcile_id.h"

#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

TEST(NewReconcileIdTest, IsAVersion4Uuid) {
  for (int i = 0; i < 100; ++i) {
    EXPECT_THAT(NewReconcileId(),
                testing::MatchesRegex("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-"
                                      "[0-9a-f]{12}"));
  }
}

TEST(NewReconcileIdTest, DiffersEachTime) {
  std::set<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.insert(NewReconcileId());
  EXPECT_EQ(ids.size(), 1000u);
}

TEST(NewReconcileIdTest, IsRepeatableFromASeededGenerator) {
  std::mt19937_64 a(42), b(42);
  EXPECT_EQ(NewReconcileId(a), NewReconcileId(b));
}

}  // namespace
}  // namespace upkeep::controller
