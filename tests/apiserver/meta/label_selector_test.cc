#include "apiserver/meta/label_selector.h"

#include <gtest/gtest.h>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

// The part of kube-apiserver's message that follows the key in a bad-key error.
constexpr char kNamePartRegexError[] =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and "
    "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex "
    "used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

struct ParseErrorCase {
  const char* name;
  const char* selector;
  std::string message;
};

// Names the row in test listings; the default prints raw bytes that differ run to run.
void PrintTo(const ParseErrorCase& row, std::ostream* os) { *os << row.name; }

class LabelSelectorParseErrorTest : public testing::TestWithParam<ParseErrorCase> {};

TEST_P(LabelSelectorParseErrorTest, IsBadRequestWithKubernetesMessage) {
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(GetParam().selector);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(HttpCode(s.status()), 400);
  json status = ToStatusObject(s.status());
  EXPECT_EQ(status["reason"], "BadRequest");
  EXPECT_EQ(status["message"], GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelSelectorParseErrorTest,
    testing::Values(
        ParseErrorCase{"ColonInsteadOfEquals", "app:monolith",
                       std::string("unable to parse requirement: <nil>: Invalid value: "
                                   "\"app:monolith\": ") +
                           kNamePartRegexError},
        ParseErrorCase{"TwoSlashesInKey", "a/b/c ?=? def",
                       "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a "
                       "qualified name must consist of alphanumeric characters, '-', '_' or "
                       "'.', and must start and end with an alphanumeric character (e.g. "
                       "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                       "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS "
                       "subdomain prefix and '/' (e.g. 'example.com/MyName')"},
        ParseErrorCase{"BadPrefix", "Example.com/app=web",
                       "unable to parse requirement: <nil>: Invalid value: "
                       "\"Example.com/app\": prefix part a lowercase RFC 1123 subdomain must "
                       "consist of lower case alphanumeric characters, '-' or '.', and must "
                       "start and end with an alphanumeric character (e.g. 'example.com', "
                       "regex used for validation is "
                       "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"},
        ParseErrorCase{"SpaceInValue", "x=a b",
                       "found 'b', expected: ',' or 'end of string'"},
        ParseErrorCase{"InWithoutParenthesis", "x in a",
                       "unable to parse requirement: found 'a' expected: '('"},
        ParseErrorCase{"NotInAtEnd", "x notin",
                       "unable to parse requirement: found '' expected: '('"},
        ParseErrorCase{"TrailingComma", "x=a,",
                       "found '', expected: identifier after ','"},
        ParseErrorCase{"LeadingComma", ",x",
                       "found ',', expected: !, identifier, or 'end of string'"},
        ParseErrorCase{"MissingOperator", "x (a)",
                       "unable to parse requirement: found '(', expected: in, notin, =, ==, "
                       "!=, gt, lt"},
        ParseErrorCase{"UnclosedSet", "x in (a b)",
                       "unable to parse requirement: found 'b', expected: ',' or ')'"},
        ParseErrorCase{"ValueTooLong", "x=zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz",
                       "unable to parse requirement: values[0][x]: Invalid value: "
                       "\"zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz\": "
                       "must be no more than 63 characters"},
        ParseErrorCase{"BadValueCharacters", "x=-a",
                       "unable to parse requirement: values[0][x]: Invalid value: \"-a\": a "
                       "valid label must be an empty string or consist of alphanumeric "
                       "characters, '-', '_' or '.', and must start and end with an "
                       "alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', "
                       "regex used for validation is "
                       "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"},
        ParseErrorCase{"GreaterThanNonInteger", "x>abc",
                       "unable to parse requirement: values[0]: Invalid value: \"abc\": for "
                       "'Gt', 'Lt' operators, the value must be an integer"}),
    [](const testing::TestParamInfo<ParseErrorCase>& info) { return info.param.name; });

struct MatchCase {
  const char* name;
  const char* selector;
  bool matches;
};

// Names the row in test listings; the default prints raw bytes that differ run to run.
void PrintTo(const MatchCase& row, std::ostream* os) { *os << row.name; }

class LabelSelectorMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(LabelSelectorMatchTest, MatchesLabelsOfAWebPod) {
  json labels = {{"app", "web"}, {"tier", "frontend"}, {"release", "3"}, {"canary", ""}};
  absl::StatusOr<LabelSelector> s = LabelSelector::Parse(GetParam().selector);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->Matches(labels), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelSelectorMatchTest,
    testing::Values(MatchCase{"EmptySelectsAll", "", true},
                    MatchCase{"Equals", "app=web", true},
                    MatchCase{"DoubleEquals", "app==web", true},
                    MatchCase{"EqualsOtherValue", "app=db", false},
                    MatchCase{"NotEquals", "app!=web", false},
                    MatchCase{"NotEqualsOtherValue", "app!=db", true},
                    MatchCase{"NotEqualsMissingKey", "zone!=a", true},
                    MatchCase{"EqualsMissingKey", "zone=a", false},
                    MatchCase{"EqualsEmptyValue", "canary=", true},
                    MatchCase{"In", "app in (db,web)", true},
                    MatchCase{"InOtherValues", "app in (db,cache)", false},
                    MatchCase{"NotIn", "app notin (web)", false},
                    MatchCase{"NotInOtherValues", "app notin (db)", true},
                    MatchCase{"NotInMissingKey", "zone notin (a)", true},
                    MatchCase{"Exists", "app", true},
                    MatchCase{"ExistsMissingKey", "zone", false},
                    MatchCase{"DoesNotExist", "!app", false},
                    MatchCase{"DoesNotExistMissingKey", "!zone", true},
                    MatchCase{"CommaIsAnd", "app=web,tier=backend", false},
                    MatchCase{"AllRequirementsHold", "app=web,tier in (frontend),!zone", true},
                    MatchCase{"Whitespace", "  app = web ,  tier  in ( frontend , x ) ", true},
                    MatchCase{"GreaterThan", "release>2", true},
                    MatchCase{"LessThan", "release<2", false},
                    MatchCase{"GreaterThanNonIntegerLabel", "app>2", false},
                    MatchCase{"InIsAValueInsideParentheses", "app in (in,web)", true},
                    MatchCase{"EmptyValueInSet", "canary in (,x)", true}),
    [](const testing::TestParamInfo<MatchCase>& info) { return info.param.name; });

TEST(LabelSelectorTest, NullLabelsMatchOnlyAbsenceRequirements) {
  EXPECT_TRUE(LabelSelector::Parse("!app")->Matches(nullptr));
  EXPECT_TRUE(LabelSelector::Parse("app notin (web)")->Matches(nullptr));
  EXPECT_FALSE(LabelSelector::Parse("app")->Matches(nullptr));
  EXPECT_FALSE(LabelSelector::Parse("app=web")->Matches(nullptr));
}

TEST(LabelSelectorTest, EmptyOnlyWhenNothingIsRequired) {
  EXPECT_TRUE(LabelSelector::Parse("")->Empty());
  EXPECT_TRUE(LabelSelector::Parse("  ")->Empty());
  EXPECT_FALSE(LabelSelector::Parse("a")->Empty());
  EXPECT_FALSE(LabelSelector::Nothing().Empty());
  EXPECT_TRUE(LabelSelector::Everything().Empty());
}

TEST(LabelSelectorTest, ToStringIsCanonicalSortedByKeyAndValue) {
  EXPECT_EQ(LabelSelector::Parse("b in (y,x,x), a, !c, d!=1, e==2")->ToString(),
            "a,b in (x,y),!c,d!=1,e==2");
}

TEST(LabelSelectorTest, FromJsonCombinesMatchLabelsAndExpressions) {
  json selector = {
      {"matchLabels", {{"app", "web"}}},
      {"matchExpressions",
       {{{"key", "tier"}, {"operator", "In"}, {"values", {"frontend", "edge"}}},
        {{"key", "canary"}, {"operator", "DoesNotExist"}}}}};
  absl::StatusOr<LabelSelector> s = LabelSelector::FromJson(selector);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->ToString(), "app=web,!canary,tier in (edge,frontend)");
  EXPECT_TRUE(s->Matches({{"app", "web"}, {"tier", "edge"}}));
  EXPECT_FALSE(s->Matches({{"app", "web"}, {"tier", "edge"}, {"canary", "1"}}));
  EXPECT_FALSE(s->Matches({{"app", "web"}}));
}

TEST(LabelSelectorTest, FromJsonNullMatchesNothingAndEmptyMatchesEverything) {
  EXPECT_FALSE(LabelSelector::FromJson(nullptr)->Matches({{"a", "b"}}));
  EXPECT_TRUE(LabelSelector::FromJson(json::object())->Matches({{"a", "b"}}));
  EXPECT_TRUE(LabelSelector::FromJson(json::object())->Empty());
}

struct FromJsonErrorCase {
  const char* name;
  json selector;
  const char* message;
};

// Names the row in test listings; the default prints raw bytes that differ run to run.
void PrintTo(const FromJsonErrorCase& row, std::ostream* os) { *os << row.name; }

class LabelSelectorFromJsonErrorTest : public testing::TestWithParam<FromJsonErrorCase> {};

TEST_P(LabelSelectorFromJsonErrorTest, IsBadRequestWithKubernetesMessage) {
  absl::StatusOr<LabelSelector> s = LabelSelector::FromJson(GetParam().selector);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(HttpCode(s.status()), 400);
  EXPECT_EQ(s.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, LabelSelectorFromJsonErrorTest,
    testing::Values(
        FromJsonErrorCase{"UnknownOperator",
                          {{"matchExpressions", {{{"key", "a"}, {"operator", "Gt"}}}}},
                          "\"Gt\" is not a valid label selector operator"},
        FromJsonErrorCase{"InWithoutValues",
                          {{"matchExpressions", {{{"key", "a"}, {"operator", "In"}}}}},
                          "values: Invalid value: null: for 'in', 'notin' operators, values "
                          "set can't be empty"},
        FromJsonErrorCase{"ExistsWithValues",
                          {{"matchExpressions",
                            {{{"key", "a"}, {"operator", "Exists"}, {"values", {"x"}}}}}},
                          "values: Invalid value: [\"x\"]: values set must be empty for exists "
                          "and does not exist"},
        FromJsonErrorCase{"BadMatchLabelKey",
                          {{"matchLabels", {{"-a", "b"}}}},
                          "key: Invalid value: \"-a\": name part must consist of alphanumeric "
                          "characters, '-', '_' or '.', and must start and end with an "
                          "alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
                          "'123-abc', regex used for validation is "
                          "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"}),
    [](const testing::TestParamInfo<FromJsonErrorCase>& info) { return info.param.name; });

}  // namespace
}  // namespace upkeep::apiserver
