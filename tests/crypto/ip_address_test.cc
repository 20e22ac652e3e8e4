#include "crypto/ip_address.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::crypto {
namespace {

using ::testing::HasSubstr;

struct CanonicalCase {
  const char* name;
  const char* text;
  const char* canonical;
  size_t octets;
};

void PrintTo(const CanonicalCase& row, std::ostream* os) { *os << row.name; }

class CanonicalIpAddressTest : public ::testing::TestWithParam<CanonicalCase> {};

TEST_P(CanonicalIpAddressTest, ParsesAndWritesTheCanonicalForm) {
  absl::StatusOr<std::string> octets = ParseIpAddress(GetParam().text);
  ASSERT_TRUE(octets.ok()) << octets.status();
  EXPECT_EQ(octets->size(), GetParam().octets);
  EXPECT_EQ(FormatIpAddress(*octets).value(), GetParam().canonical);
  EXPECT_EQ(CanonicalIpAddress(GetParam().text).value(), GetParam().canonical);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CanonicalIpAddressTest,
    ::testing::Values(CanonicalCase{"Ipv4", "192.0.2.1", "192.0.2.1", 4},
                      CanonicalCase{"Ipv4Zero", "0.0.0.0", "0.0.0.0", 4},
                      CanonicalCase{"Ipv6Loopback", "::1", "::1", 16},
                      CanonicalCase{"Ipv6Expanded", "0:0:0:0:0:0:0:1", "::1", 16},
                      CanonicalCase{"Ipv6UpperCase", "2001:DB8::A", "2001:db8::a", 16},
                      CanonicalCase{"Ipv6LeadingZeros", "2001:0db8:0000:0000:0000:0000:0000:0001",
                                    "2001:db8::1", 16},
                      CanonicalCase{"Ipv4MappedIpv6", "::ffff:192.0.2.1", "::ffff:192.0.2.1", 16}),
    [](const ::testing::TestParamInfo<CanonicalCase>& info) { return info.param.name; });

TEST(ParseIpAddressTest, RefusesWhatIsNotAnAddressNamingIt) {
  for (const char* text : {"", "192.0.2", "256.0.0.1", "192.0.2.1 ", " 192.0.2.1", "192.0.2.1/24",
                           "fe80::1%eth0", "[::1]", "example.com", "1:2:3:4:5:6:7:8:9"}) {
    absl::StatusOr<std::string> octets = ParseIpAddress(text);
    ASSERT_FALSE(octets.ok()) << text;
    EXPECT_EQ(octets.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(std::string(octets.status().message()), HasSubstr(std::string("\"") + text + "\""));
  }
}

TEST(FormatIpAddressTest, RefusesOctetCountsOtherThanFourOrSixteen) {
  for (size_t length : {0, 3, 5, 15, 17}) {
    absl::StatusOr<std::string> text = FormatIpAddress(std::string(length, '\1'));
    ASSERT_FALSE(text.ok()) << length;
    EXPECT_EQ(text.status().code(), absl::StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace upkeep::crypto
