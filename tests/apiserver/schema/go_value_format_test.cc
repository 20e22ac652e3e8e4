#include "apiserver/schema/go_value_format.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace upkeep::apiserver::schema {
namespace {

using nlohmann::json;

struct FloatCase {
  double value;
  std::string go_v;     // fmt.Sprintf("%v", value)
  std::string go_json;  // json.Marshal(value)
};

TEST(FormatGoFloatTest, MatchesGoFmtAndEncodingJson) {
  const std::vector<FloatCase> cases = {
      {0.5, "0.5", "0.5"},
      {1.0, "1", "1"},
      {-2.25, "-2.25", "-2.25"},
      {100000.0, "100000", "100000"},
      {1000000.0, "1e+06", "1000000"},
      {1234567.0, "1.234567e+06", "1234567"},
      {0.0001, "0.0001", "0.0001"},
      {0.00001, "1e-05", "0.00001"},
      {1e-7, "1e-07", "1e-7"},
      {1e21, "1e+21", "1e+21"},
      {0.1, "0.1", "0.1"},
  };
  for (const FloatCase& c : cases) {
    EXPECT_EQ(FormatGoFloat(c.value), c.go_v) << c.value;
    EXPECT_EQ(FormatGoJson(json(c.value)), c.go_json) << c.value;
  }
}

TEST(GoQuoteTest, EscapesLikeStrconvQuote) {
  EXPECT_EQ(GoQuote("lz4"), "\"lz4\"");
  EXPECT_EQ(GoQuote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\x01\"");
  EXPECT_EQ(GoQuote("h\xC3\xA9"), "\"h\xC3\xA9\"");
}

TEST(FormatBadValueTest, RendersValuesAsFieldErrorsDo) {
  EXPECT_EQ(FormatBadValue("x"), "\"x\"");
  EXPECT_EQ(FormatBadValue(3), "3");
  EXPECT_EQ(FormatBadValue(1.5), "1.5");
  EXPECT_EQ(FormatBadValue(true), "true");
  EXPECT_EQ(FormatBadValue(nullptr), "null");
  EXPECT_EQ(FormatBadValue(json({{"name", "a"}, {"port", 2.0}})), "{\"name\":\"a\",\"port\":2}");
  EXPECT_EQ(FormatBadValue(json::array({"a", 1})), "[\"a\",1]");
}

}  // namespace
}  // namespace upkeep::apiserver::schema
