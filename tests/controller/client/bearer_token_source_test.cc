#include "controller/client/bearer_token_source.h"

#include <stdlib.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

class BearerTokenSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = std::filesystem::temp_directory_path().string() + "/token-XXXXXX";
    dir_ = mkdtemp(templ.data());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // As the kubelet rotates a projected token: a new file renamed over the old one.
  void Rotate(const std::string& token) {
    std::ofstream(dir_ + "/token.new") << token;
    std::filesystem::rename(dir_ + "/token.new", dir_ + "/token");
  }

  std::string dir_;
};

TEST_F(BearerTokenSourceTest, StaticTokenWithoutFile) {
  BearerTokenSource source("static", "");
  EXPECT_EQ(*source.Token(), "static");
}

TEST_F(BearerTokenSourceTest, FileWinsAndRotationIsPickedUp) {
  Rotate("first\n");
  BearerTokenSource source("static", dir_ + "/token");
  EXPECT_EQ(*source.Token(), "first");
  Rotate("second");
  EXPECT_EQ(*source.Token(), "second");
}

TEST_F(BearerTokenSourceTest, KeepsTheLastTokenWhenTheFileDisappears) {
  Rotate("first");
  BearerTokenSource source("", dir_ + "/token");
  ASSERT_EQ(*source.Token(), "first");
  std::filesystem::remove(dir_ + "/token");
  EXPECT_EQ(*source.Token(), "first");
}

TEST_F(BearerTokenSourceTest, ErrorWhenTheFileWasNeverReadable) {
  BearerTokenSource source("", dir_ + "/missing");
  EXPECT_FALSE(source.Token().ok());
}

}  // namespace
}  // namespace upkeep::controller
