#include "acme/base64url.h"

#include <gtest/gtest.h>

namespace upkeep::acme {
namespace {

TEST(Base64UrlTest, EncodesRfc4648VectorsWithoutPadding) {
  struct Row {
    const char* plain;
    const char* encoded;
  };
  const Row rows[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const Row& row : rows) {
    EXPECT_EQ(Base64UrlEncode(row.plain), row.encoded) << row.plain;
    EXPECT_EQ(Base64UrlDecode(row.encoded), std::string(row.plain)) << row.encoded;
  }
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
  EXPECT_EQ(Base64UrlEncode(std::string("\xfb\xff\xbf", 3)), "-_-_");
  EXPECT_EQ(Base64UrlDecode("-_-_"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64UrlTest, DecodeAcceptsPaddingAndRejectsOtherAlphabets) {
  EXPECT_EQ(Base64UrlDecode("Zm8="), "fo");
  EXPECT_EQ(Base64UrlDecode("Zg=="), "f");
  EXPECT_FALSE(Base64UrlDecode("+/+/").has_value());
  EXPECT_FALSE(Base64UrlDecode("Zm 9v").has_value());
  EXPECT_FALSE(Base64UrlDecode("Z").has_value());  // no length leaves one character over
}

TEST(Base64UrlTest, RoundTripsEveryByte) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  EXPECT_EQ(Base64UrlDecode(Base64UrlEncode(all)), all);
}

}  // namespace
}  // namespace upkeep::acme
