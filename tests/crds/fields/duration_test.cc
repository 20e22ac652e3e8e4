#include "crds/fields/duration.h"

#include <gtest/gtest.h>

#include <chrono>

namespace upkeep::api {
namespace {

using namespace std::chrono_literals;

TEST(ParseDurationTest, ReadsGoSyntaxAndDays) {
  struct Row {
    const char* text;
    std::chrono::nanoseconds want;
  };
  for (const Row& row : {Row{"90s", 90s}, Row{"1h30m", 90min}, Row{"720h", 720h},
                         Row{"90d", 90 * 24h}, Row{"1.5h", 90min}, Row{"300ms", 300ms},
                         Row{"2us", 2us}, Row{"0", 0s}, Row{"1d12h", 36h}}) {
    auto d = ParseDuration(row.text);
    ASSERT_TRUE(d.ok()) << row.text << ": " << d.status();
    EXPECT_EQ(*d, row.want) << row.text;
  }
}

TEST(ParseDurationTest, RejectsWhatGoRejectsAndNegatives) {
  for (const char* text : {"", "90", "h", "1x", "-5s", "1.h", ".5h", "5 s", "1h-5m", "d1"}) {
    EXPECT_FALSE(ParseDuration(text).ok()) << text;
  }
}

TEST(ParseDurationTest, ErrorNamesTheTextAndTheUnits) {
  auto d = ParseDuration("5w");
  ASSERT_FALSE(d.ok());
  EXPECT_NE(d.status().message().find("\"5w\""), std::string::npos);
  EXPECT_NE(d.status().message().find("ns, us, ms, s, m, h, d"), std::string::npos);
}

TEST(FormatDurationTest, PrintsAsGoDoesWithoutZeroTails) {
  EXPECT_EQ(FormatDuration(720h), "720h");
  EXPECT_EQ(FormatDuration(90min), "1h30m");
  EXPECT_EQ(FormatDuration(90s), "1m30s");
  EXPECT_EQ(FormatDuration(0s), "0s");
  EXPECT_EQ(FormatDuration(1500ms), "1.5s");
  EXPECT_EQ(FormatDuration(300ms), "300ms");
  EXPECT_EQ(FormatDuration(3601s), "1h0m1s");
}

TEST(ParseByteQuantityTest, ReadsKubernetesQuantities) {
  struct Row {
    const char* text;
    int64_t want;
  };
  for (const Row& row : {Row{"50Mi", 50LL << 20}, Row{"1Gi", 1LL << 30}, Row{"1G", 1'000'000'000},
                         Row{"100k", 100'000}, Row{"1024", 1024}, Row{"1.5Ki", 1536},
                         Row{"1e3", 1000}, Row{"0.1k", 100}}) {
    auto q = ParseByteQuantity(row.text);
    ASSERT_TRUE(q.ok()) << row.text << ": " << q.status();
    EXPECT_EQ(*q, row.want) << row.text;
  }
}

TEST(ParseByteQuantityTest, RejectsUnknownSuffixesAndNonNumbers) {
  for (const char* text : {"", "Mi", "50MB", "50m", "-1", "1..5", ".5", "5."}) {
    EXPECT_FALSE(ParseByteQuantity(text).ok()) << text;
  }
}

}  // namespace
}  // namespace upkeep::api
