#include "controller/metrics/bind_address.h"

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

struct Case {
  const char* name;
  const char* text;
  bool disabled;
  const char* host;
  uint16_t port;
};

void PrintTo(const Case& row, std::ostream* os) { *os << row.name; }

class ParseBindAddressTest : public testing::TestWithParam<Case> {};

TEST_P(ParseBindAddressTest, ReadsControllerRuntimeAddresses) {
  absl::StatusOr<BindAddress> a = ParseBindAddress(GetParam().text);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->disabled, GetParam().disabled);
  if (!GetParam().disabled) {
    EXPECT_EQ(a->host, GetParam().host);
    EXPECT_EQ(a->port, GetParam().port);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseBindAddressTest,
    testing::Values(Case{"AllInterfaces", ":8080", false, "0.0.0.0", 8080},
                    Case{"LoopbackEphemeral", "127.0.0.1:0", false, "127.0.0.1", 0},
                    Case{"Ipv6", "[::1]:9000", false, "::1", 9000},
                    Case{"Localhost", "localhost:8081", false, "127.0.0.1", 8081},
                    Case{"MaxPort", "10.0.0.1:65535", false, "10.0.0.1", 65535},
                    Case{"Zero", "0", true, "", 0}, Case{"Empty", "", true, "", 0}),
    [](const testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(ParseBindAddressTest, RejectsMalformedAddressesNamingThem) {
  for (const char* text : {"8080", ":", ":http", ":65536", ":-1", "::1:80", "host:123456"}) {
    absl::StatusOr<BindAddress> a = ParseBindAddress(text);
    ASSERT_FALSE(a.ok()) << text;
    EXPECT_EQ(a.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(a.status().message().find(text), std::string_view::npos) << a.status();
  }
}

}  // namespace
}  // namespace upkeep::controller
