#include "controller/client/api_error.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace upkeep::controller {
namespace {

using ::testing::HasSubstr;

std::string StatusBody(int code, const std::string& reason, const std::string& message) {
  return nlohmann::json{{"kind", "Status"},  {"apiVersion", "v1"}, {"status", "Failure"},
                        {"code", code},      {"reason", reason},  {"message", message}}
      .dump();
}

struct MappingCase {
  std::string name;
  int http_code;
  std::string reason;
  absl::StatusCode expected_code;
  bool (*predicate)(const absl::Status&);
  bool transient;
};

class ApiErrorMappingTest : public ::testing::TestWithParam<MappingCase> {};

TEST_P(ApiErrorMappingTest, MapsCodeAndReason) {
  const MappingCase& c = GetParam();
  absl::Status s = ApiError(c.http_code, StatusBody(c.http_code, c.reason, "boom"), "get x");
  EXPECT_EQ(s.code(), c.expected_code);
  EXPECT_EQ(HttpCodeOf(s), c.http_code);
  EXPECT_EQ(ReasonOf(s), c.reason);
  if (c.predicate) {
    EXPECT_TRUE(c.predicate(s));
  }
  EXPECT_EQ(IsTransient(s), c.transient);
  EXPECT_EQ(s.message(), "get x: boom");
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ApiErrorMappingTest,
    ::testing::Values(
        MappingCase{"NotFound", 404, "NotFound", absl::StatusCode::kNotFound, IsNotFound, false},
        MappingCase{"AlreadyExists", 409, "AlreadyExists", absl::StatusCode::kAlreadyExists,
                    IsAlreadyExists, false},
        MappingCase{"Conflict", 409, "Conflict", absl::StatusCode::kAborted, IsConflict, false},
        MappingCase{"Expired", 410, "Expired", absl::StatusCode::kOutOfRange, IsGone, false},
        MappingCase{"Invalid", 422, "Invalid", absl::StatusCode::kInvalidArgument, IsInvalid,
                    false},
        MappingCase{"TooManyRequests", 429, "TooManyRequests",
                    absl::StatusCode::kResourceExhausted, IsTooManyRequests, true},
        MappingCase{"Unauthorized", 401, "Unauthorized", absl::StatusCode::kUnauthenticated,
                    nullptr, false},
        MappingCase{"Forbidden", 403, "Forbidden", absl::StatusCode::kPermissionDenied, nullptr,
                    false},
        MappingCase{"InternalError", 500, "InternalError", absl::StatusCode::kInternal, nullptr,
                    true},
        MappingCase{"ServiceUnavailable", 503, "ServiceUnavailable",
                    absl::StatusCode::kUnavailable, nullptr, true}),
    [](const auto& info) { return info.param.name; });

TEST(ApiErrorTest, AlreadyExistsIsNotAConflict) {
  absl::Status s = ApiError(409, StatusBody(409, "AlreadyExists", "exists"), "");
  EXPECT_FALSE(IsConflict(s));
  EXPECT_TRUE(controller::IsAlreadyExists(s));
  EXPECT_EQ(s.message(), "exists");
}

TEST(ApiErrorTest, NonStatusBodyBecomesTheMessageWithADefaultReason) {
  absl::Status s = ApiError(502, "Bad Gateway\n", "list pods");
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(s.message(), "list pods: Bad Gateway");
  EXPECT_EQ(HttpCodeOf(s), 502);
  EXPECT_TRUE(IsTransient(s));
}

TEST(ApiErrorTest, EmptyBodyStillSaysTheCode) {
  absl::Status s = ApiError(404, "", "get configmaps default/a");
  EXPECT_TRUE(controller::IsNotFound(s));
  EXPECT_EQ(ReasonOf(s), "NotFound");
  EXPECT_THAT(s.message(), HasSubstr("404"));
}

TEST(ApiErrorTest, StatusCodeInTheBodyWinsForWatchErrorEvents) {
  // A watch ERROR event arrives in a 200 response; its Status says 410.
  absl::Status s = ApiError(200, StatusBody(410, "Expired", "too old resource version"), "watch");
  EXPECT_TRUE(IsGone(s));
}

TEST(ApiErrorTest, TransportErrorsAreTransientButTlsErrorsAreNot) {
  absl::Status transport = TransportError("connection refused", "get configmaps default/a");
  EXPECT_EQ(transport.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(transport.message(), "get configmaps default/a: connection refused");
  EXPECT_EQ(HttpCodeOf(transport), 0);
  EXPECT_EQ(ReasonOf(transport), "");
  EXPECT_TRUE(IsTransient(transport));
  EXPECT_FALSE(IsTlsError(transport));

  absl::Status tls = TlsError("certificate verify failed", "get x");
  EXPECT_TRUE(IsTlsError(tls));
  EXPECT_FALSE(IsTransient(tls));
}

TEST(ApiErrorTest, PlainStatusesAreNotApiErrors) {
  EXPECT_FALSE(controller::IsNotFound(absl::NotFoundError("x")));
  EXPECT_FALSE(IsTransient(absl::OkStatus()));
  EXPECT_TRUE(IsTransient(absl::DeadlineExceededError("timeout")));
}

}  // namespace
}  // namespace upkeep::controller
