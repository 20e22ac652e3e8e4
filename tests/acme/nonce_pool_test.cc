#include "acme/nonce_pool.h"

#include <gtest/gtest.h>

namespace upkeep::acme {
namespace {

TEST(NoncePoolTest, HandsOutEachNonceOnceNewestFirst) {
  NoncePool pool(16);
  pool.Add("a");
  pool.Add("");  // a response without Replay-Nonce
  pool.Add("b");
  EXPECT_EQ(pool.size(), 2u);
  EXPECT_EQ(pool.Take(), "b");
  EXPECT_EQ(pool.Take(), "a");
  EXPECT_FALSE(pool.Take().has_value());
}

TEST(NoncePoolTest, KeepsOnlyTheNewestUpToCapacity) {
  NoncePool pool(2);
  pool.Add("1");
  pool.Add("2");
  pool.Add("3");
  EXPECT_EQ(pool.Take(), "3");
  EXPECT_EQ(pool.Take(), "2");
  EXPECT_FALSE(pool.Take().has_value());
}

}  // namespace
}  // namespace upkeep::acme
