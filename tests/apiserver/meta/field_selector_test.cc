#include "apiserver/meta/field_selector.h"

#include <gtest/gtest.h>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

json Secret() {
  return {{"apiVersion", "v1"},
          {"kind", "Secret"},
          {"metadata", {{"name", "db-creds"}, {"namespace", "prod"}}},
          {"type", "kubernetes.io/tls"},
          {"immutable", true},
          {"spec", {{"replicas", 3}}}};
}

struct MatchCase {
  const char* name;
  const char* selector;
  bool matches;
};

// Names the row in test listings; the default prints raw bytes that differ run to run.
void PrintTo(const MatchCase& row, std::ostream* os) { *os << row.name; }

class FieldSelectorMatchTest : public testing::TestWithParam<MatchCase> {};

TEST_P(FieldSelectorMatchTest, MatchesASecret) {
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse(GetParam().selector);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->Matches(Secret()), GetParam().matches);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FieldSelectorMatchTest,
    testing::Values(MatchCase{"EmptySelectsAll", "", true},
                    MatchCase{"NameEquals", "metadata.name=db-creds", true},
                    MatchCase{"NameDoubleEquals", "metadata.name==db-creds", true},
                    MatchCase{"NameOther", "metadata.name=web", false},
                    MatchCase{"NameNotEquals", "metadata.name!=db-creds", false},
                    MatchCase{"NamespaceNotEqualsOther", "metadata.namespace!=dev", true},
                    MatchCase{"CommaIsAnd", "metadata.name=db-creds,metadata.namespace=dev",
                              false},
                    MatchCase{"PerKindField", "type=kubernetes.io/tls", true},
                    MatchCase{"BooleanField", "immutable=true", true},
                    MatchCase{"IntegerField", "spec.replicas=3", true},
                    MatchCase{"MissingFieldIsEmpty", "spec.nodeName=", true},
                    MatchCase{"MissingFieldNotEqualsValue", "spec.nodeName!=n1", true},
                    MatchCase{"EmptyTermsIgnored", ",metadata.name=db-creds,", true}),
    [](const testing::TestParamInfo<MatchCase>& info) { return info.param.name; });

TEST(FieldSelectorTest, EscapedCommaAndEqualsArePartOfTheValue) {
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse("metadata.name=a\\,b\\=c\\\\d");
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->requirements().size(), 1u);
  EXPECT_EQ(s->requirements()[0].value, "a,b=c\\d");
  EXPECT_TRUE(s->Matches({{"metadata", {{"name", "a,b=c\\d"}}}}));
}

struct ParseErrorCase {
  const char* name;
  const char* selector;
  const char* message;
};

// Names the row in test listings; the default prints raw bytes that differ run to run.
void PrintTo(const ParseErrorCase& row, std::ostream* os) { *os << row.name; }

class FieldSelectorParseErrorTest : public testing::TestWithParam<ParseErrorCase> {};

TEST_P(FieldSelectorParseErrorTest, IsBadRequestWithKubernetesMessage) {
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse(GetParam().selector);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(HttpCode(s.status()), 400);
  EXPECT_EQ(ToStatusObject(s.status())["reason"], "BadRequest");
  EXPECT_EQ(s.status().message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, FieldSelectorParseErrorTest,
    testing::Values(
        ParseErrorCase{"NoOperator", "foo", "invalid selector: 'foo'; can't understand 'foo'"},
        ParseErrorCase{"NoOperatorInSecondTerm", "metadata.name=a,bar",
                       "invalid selector: 'metadata.name=a,bar'; can't understand 'bar'"},
        ParseErrorCase{"UnknownEscape", "metadata.name=a\\b",
                       "invalid field selector: invalid escape sequence: \\b"},
        ParseErrorCase{"TrailingBackslash", "metadata.name=a\\",
                       "invalid field selector: invalid escape sequence: \\"},
        ParseErrorCase{"UnescapedEquals", "metadata.name=a=b",
                       "invalid field selector: unescaped character in value: 61"}),
    [](const testing::TestParamInfo<ParseErrorCase>& info) { return info.param.name; });

TEST(FieldSelectorTest, UnsupportedFieldIsTheApiserversBadRequest) {
  absl::StatusOr<FieldSelector> s = FieldSelector::Parse("metadata.name=a,spec.foo=b");
  ASSERT_TRUE(s.ok());
  absl::Status st = s->CheckSupported();
  EXPECT_EQ(HttpCode(st), 400);
  json status = ToStatusObject(st);
  EXPECT_EQ(status["reason"], "BadRequest");
  EXPECT_EQ(status["message"], "field label not supported: spec.foo");
  EXPECT_TRUE(s->CheckSupported({"spec.foo"}).ok());
}

TEST(FieldSelectorTest, NameAndNamespaceAreAlwaysSupported) {
  EXPECT_TRUE(FieldSelector::Parse("metadata.name=a,metadata.namespace!=b")
                  ->CheckSupported()
                  .ok());
}

TEST(FieldSelectorTest, RequiresExactMatchOnlyForEqualityTerms) {
  absl::StatusOr<FieldSelector> s =
      FieldSelector::Parse("metadata.namespace=prod,metadata.name!=x");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->RequiresExactMatch("metadata.namespace"), "prod");
  EXPECT_EQ(s->RequiresExactMatch("metadata.name"), std::nullopt);
}

TEST(FieldSelectorTest, SelectableFieldValueRendersScalarsAsText) {
  json obj = Secret();
  EXPECT_EQ(SelectableFieldValue(obj, "metadata.name"), "db-creds");
  EXPECT_EQ(SelectableFieldValue(obj, "immutable"), "true");
  EXPECT_EQ(SelectableFieldValue(obj, "spec.replicas"), "3");
  EXPECT_EQ(SelectableFieldValue(obj, "metadata.name.x"), "");
  EXPECT_EQ(SelectableFieldValue(obj, "status.phase"), "");
}

}  // namespace
}  // namespace upkeep::apiserver
