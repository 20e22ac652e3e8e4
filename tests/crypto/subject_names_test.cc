#include "crypto/subject_names.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::crypto {
namespace {

using ::testing::HasSubstr;

TEST(ValidateSubjectNamesTest, AcceptsAnyOneKindOfName) {
  EXPECT_TRUE(ValidateSubjectNames({.common_name = "My CA"}).ok());
  EXPECT_TRUE(ValidateSubjectNames({.dns_names = {"example.com"}}).ok());
  EXPECT_TRUE(ValidateSubjectNames({.ip_addresses = {"2001:db8::1"}}).ok());
}

TEST(ValidateSubjectNamesTest, AcceptsWildcardsUnderscoresAndPunycode) {
  EXPECT_TRUE(
      ValidateSubjectNames({.dns_names = {"*.example.com", "_acme.example.com",
                                          "xn--bcher-kva.example", "localhost", "a-b.c-d.example"}})
          .ok());
}

TEST(ValidateSubjectNamesTest, AcceptsTheLongestCommonName) {
  EXPECT_TRUE(ValidateSubjectNames({.common_name = std::string(64, 'a')}).ok());
}

TEST(ValidateSubjectNamesTest, RefusesNoNamesAtAll) {
  absl::Status status = ValidateSubjectNames({});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()),
              HasSubstr("needs a common name, a DNS name or an IP address"));
}

TEST(ValidateSubjectNamesTest, RefusesACommonNameLongerThan64Characters) {
  const std::string name(65, 'a');
  absl::Status status = ValidateSubjectNames({.common_name = name});
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr(name));
}

struct BadNameCase {
  const char* name;
  SubjectNames names;
  std::string named;  // the entry the error must quote
};

void PrintTo(const BadNameCase& row, std::ostream* os) { *os << row.name; }

class RefusesBadNameTest : public ::testing::TestWithParam<BadNameCase> {};

TEST_P(RefusesBadNameTest, NamesTheOffendingEntry) {
  absl::Status status = ValidateSubjectNames(GetParam().names);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("\"" + GetParam().named + "\""));
}

const std::string kLongLabel = std::string(64, 'a') + ".example";
const std::string kLongName = std::string(250, 'a') + ".com";

INSTANTIATE_TEST_SUITE_P(
    Table, RefusesBadNameTest,
    ::testing::Values(
        BadNameCase{"EmptyDnsName", {.dns_names = {"example.com", ""}}, ""},
        BadNameCase{"Space", {.dns_names = {"exa mple.com"}}, "exa mple.com"},
        BadNameCase{"TrailingDot", {.dns_names = {"example.com."}}, "example.com."},
        BadNameCase{"EmptyLabel", {.dns_names = {"a..example.com"}}, "a..example.com"},
        BadNameCase{"WildcardNotLeftmost", {.dns_names = {"a.*.example"}}, "a.*.example"},
        BadNameCase{"PartialWildcard", {.dns_names = {"a*.example"}}, "a*.example"},
        BadNameCase{"OnlyWildcard", {.dns_names = {"*."}}, "*."},
        BadNameCase{"NonAscii", {.dns_names = {"bücher.example"}}, "bücher.example"},
        BadNameCase{"LabelTooLong", {.dns_names = {kLongLabel}}, kLongLabel},
        BadNameCase{"NameTooLong", {.dns_names = {kLongName}}, kLongName},
        BadNameCase{"IpAddress", {.ip_addresses = {"192.0.2.1", "192.0.2"}}, "192.0.2"}),
    [](const ::testing::TestParamInfo<BadNameCase>& info) { return info.param.name; });

}  // namespace
}  // namespace upkeep::crypto
