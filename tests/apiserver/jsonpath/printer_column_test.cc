#include "apiserver/jsonpath/printer_column.h"

#include <gtest/gtest.h>

#include "apiserver/jsonpath/json_path.h"
#include "apiserver/jsonpath/value_text.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

struct FormatCase {
  const char* name;
  std::vector<json> values;
  std::string text;
};

void PrintTo(const FormatCase& row, std::ostream* os) { *os << row.name; }

class FormatForColumnTest : public testing::TestWithParam<FormatCase> {};

TEST_P(FormatForColumnTest, RendersTheFirstValueAsTheTableConvertorDoes) {
  EXPECT_EQ(FormatForColumn(GetParam().values), GetParam().text);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FormatForColumnTest,
    testing::Values(
        FormatCase{"StringAsIs", {"True"}, "True"},
        FormatCase{"Integer", {42}, "42"},
        FormatCase{"NegativeInteger", {-7}, "-7"},
        FormatCase{"Fraction", {0.5}, "0.5"},
        FormatCase{"WholeFloatHasNoDecimalPoint", {3.0}, "3"},
        FormatCase{"LargeFloatUsesGoExponent", {1000000.0}, "1e+06"},
        FormatCase{"SmallFloatUsesGoExponent", {0.00001}, "1e-05"},
        FormatCase{"Boolean", {true}, "true"},
        FormatCase{"ListAsCompactJson", {json{1, 2, 3}}, "[1,2,3]"},
        FormatCase{"ObjectAsGoJson", {json{{"b", 1.0}, {"a", "<x&y>"}}},
                   "{\"a\":\"\\u003cx\\u0026y\\u003e\",\"b\":1}"},
        FormatCase{"OnlyFirstOfSeveral", {"Progressing", "Ready"}, "Progressing"},
        FormatCase{"NullIsNoValue", {nullptr}, "<no value>"},
        FormatCase{"NothingMatched", {}, ""}),
    [](const testing::TestParamInfo<FormatCase>& info) { return info.param.name; });

struct CellCase {
  const char* name;
  std::vector<json> values;
  const char* type;
  json cell;
};

void PrintTo(const CellCase& row, std::ostream* os) { *os << row.name; }

class CellForColumnTest : public testing::TestWithParam<CellCase> {};

TEST_P(CellForColumnTest, TypesTheCellLikeTheTableConvertor) {
  json cell = CellForColumn(GetParam().values, GetParam().type);
  EXPECT_EQ(cell, GetParam().cell);
  EXPECT_EQ(cell.type(), GetParam().cell.type());
}

INSTANTIATE_TEST_SUITE_P(
    Table, CellForColumnTest,
    testing::Values(CellCase{"IntegerFromInteger", {3}, "integer", 3},
                    CellCase{"IntegerTruncatesFloat", {2.7}, "integer", 2},
                    CellCase{"IntegerFromStringIsNull", {"3"}, "integer", nullptr},
                    CellCase{"NumberWidensInteger", {3}, "number", 3.0},
                    CellCase{"BooleanFromBoolean", {false}, "boolean", false},
                    CellCase{"BooleanFromStringIsNull", {"true"}, "boolean", nullptr},
                    CellCase{"StringPrintsAnyValue", {json{{"a", 1}}}, "string", "{\"a\":1}"},
                    CellCase{"StringOfNullIsNoValue", {nullptr}, "string", "<no value>"},
                    CellCase{"DateKeepsTimestamp", {"2024-05-01T10:00:00Z"}, "date",
                             "2024-05-01T10:00:00Z"},
                    CellCase{"NothingMatchedIsNull", {}, "string", nullptr},
                    CellCase{"UnknownTypeIsNull", {1}, "duration", nullptr}),
    [](const testing::TestParamInfo<CellCase>& info) { return info.param.name; });

TEST(PrinterColumnTest, ReadyColumnOfACustomResource) {
  json obj = json::parse(R"({"status": {"conditions": [
      {"type": "Synced", "status": "True"},
      {"type": "Ready", "status": "False", "reason": "BackupFailed"}]}})");
  absl::StatusOr<JsonPath> ready =
      JsonPath::Parse(".status.conditions[?(@.type==\"Ready\")].status");
  absl::StatusOr<JsonPath> reason =
      JsonPath::Parse(".status.conditions[?(@.type==\"Ready\")].reason");
  absl::StatusOr<JsonPath> age = JsonPath::Parse(".status.lastBackupTime");
  ASSERT_TRUE(ready.ok() && reason.ok() && age.ok());
  EXPECT_EQ(CellForColumn(ready->Evaluate(obj), "string"), "False");
  EXPECT_EQ(CellForColumn(reason->Evaluate(obj), "string"), "BackupFailed");
  EXPECT_EQ(CellForColumn(age->Evaluate(obj), "date"), nullptr);
}

TEST(GoTextTest, FloatsPrintLikeGoFmt) {
  EXPECT_EQ(GoFloatText(123456.0), "123456");
  EXPECT_EQ(GoFloatText(1234567.0), "1.234567e+06");
  EXPECT_EQ(GoFloatText(0.0001), "0.0001");
  EXPECT_EQ(GoFloatText(-2.25), "-2.25");
  EXPECT_EQ(GoFloatText(0.1 + 0.2), "0.30000000000000004");
}

TEST(GoTextTest, JsonFloatsAndStringsLikeEncodingJson) {
  EXPECT_EQ(GoJsonText(json{1e21, 1e-7, 100000000.0, 0.5}), "[1e+21,1e-7,100000000,0.5]");
  EXPECT_EQ(GoJsonText(json("tab\there\x01")), "\"tab\\there\\u0001\"");
}

}  // namespace
}  // namespace upkeep::apiserver
