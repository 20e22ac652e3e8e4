#include "acme/problem.h"

#include <gtest/gtest.h>

namespace upkeep::acme {
namespace {

std::string ProblemBody(const std::string& short_type, const std::string& detail, int status) {
  return nlohmann::json{
      {"type", std::string(kAcmeErrorPrefix) + short_type}, {"detail", detail}, {"status", status}}
      .dump();
}

TEST(ErrorResponseStatusTest, MapsAcmeErrorTypesToWhatACallerShouldDo) {
  struct Row {
    const char* name;
    const char* short_type;
    int http_code;
    absl::StatusCode code;
  };
  const Row rows[] = {
      {"server broke: retry soon", "serverInternal", 500, absl::StatusCode::kUnavailable},
      {"nonces keep failing: transient", "badNonce", 400, absl::StatusCode::kUnavailable},
      {"rate limit: wait", "rateLimited", 429, absl::StatusCode::kResourceExhausted},
      {"unknown key", "accountDoesNotExist", 400, absl::StatusCode::kNotFound},
      {"EAB needed: configuration", "externalAccountRequired", 400,
       absl::StatusCode::kFailedPrecondition},
      {"order not ready", "orderNotReady", 403, absl::StatusCode::kFailedPrecondition},
      {"validation rejected", "unauthorized", 403, absl::StatusCode::kPermissionDenied},
      {"solver unreachable", "connection", 400, absl::StatusCode::kPermissionDenied},
      {"name refused", "rejectedIdentifier", 400, absl::StatusCode::kPermissionDenied},
      {"bad CSR", "badCSR", 400, absl::StatusCode::kInvalidArgument},
      {"malformed", "malformed", 400, absl::StatusCode::kInvalidArgument},
      {"unknown type falls back to HTTP 503", "somethingNew", 503, absl::StatusCode::kUnavailable},
      {"unknown type falls back to HTTP 404", "somethingNew", 404, absl::StatusCode::kNotFound},
  };
  for (const Row& row : rows) {
    absl::Status s = ErrorResponseStatus(row.http_code, ProblemBody(row.short_type, "why", 0),
                                         "POST https://ca.test/x", std::nullopt);
    EXPECT_EQ(s.code(), row.code) << row.name << ": " << s;
    EXPECT_TRUE(HasAcmeError(s, row.short_type)) << row.name;
  }
}

TEST(ErrorResponseStatusTest, MessageHasContextTypeAndDetail) {
  absl::Status s = ErrorResponseStatus(
      403, ProblemBody("unauthorized", "Invalid response from http://a.test: 404", 403),
      "POST https://ca.test/chall/1", std::nullopt);
  EXPECT_EQ(std::string(s.message()),
            "POST https://ca.test/chall/1: urn:ietf:params:acme:error:unauthorized: Invalid "
            "response from http://a.test: 404 (HTTP 403)");
  EXPECT_EQ(AcmeErrorType(s), "urn:ietf:params:acme:error:unauthorized");
}

TEST(ErrorResponseStatusTest, RateLimitCarriesRetryAfter) {
  absl::Status s =
      ErrorResponseStatus(429, ProblemBody("rateLimited", "too many certs", 429),
                          "POST https://ca.test/new-order", std::chrono::seconds(3600));
  EXPECT_EQ(s.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(RetryAfterOf(s), std::chrono::seconds(3600));
  EXPECT_NE(std::string(s.message()).find("retry after 3600 s"), std::string::npos);
}

TEST(ErrorResponseStatusTest, NonProblemBodiesMapByHttpCode) {
  absl::Status s =
      ErrorResponseStatus(502, "<html>Bad Gateway</html>", "GET https://ca.test/dir", std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(AcmeErrorType(s), "");
  EXPECT_NE(std::string(s.message()).find("Bad Gateway"), std::string::npos);
  EXPECT_FALSE(RetryAfterOf(s).has_value());
}

TEST(ProblemTest, SubproblemsNameTheirIdentifiers) {
  auto problem = ParseProblem(nlohmann::json::parse(R"({
    "type": "urn:ietf:params:acme:error:rejectedIdentifier",
    "detail": "some names are forbidden",
    "subproblems": [{"type": "urn:ietf:params:acme:error:rejectedIdentifier",
                     "detail": "policy forbids",
                     "identifier": {"type": "dns", "value": "bad.test"}}]
  })"));
  ASSERT_TRUE(problem.has_value());
  EXPECT_EQ(problem->ShortType(), "rejectedIdentifier");
  ASSERT_EQ(problem->subproblems.size(), 1u);
  EXPECT_NE(problem->Describe().find("dns:bad.test: urn:ietf:params:acme:error:rejectedIdentifier: "
                                     "policy forbids"),
            std::string::npos);
}

TEST(ProblemTest, NotAProblem) {
  EXPECT_FALSE(ParseProblem(nlohmann::json::object()).has_value());
  EXPECT_FALSE(ParseProblem(nlohmann::json("text")).has_value());
}

TEST(AcmeErrorTypeTest, OtherStatusesHaveNone) {
  EXPECT_EQ(AcmeErrorType(absl::UnavailableError("connection refused")), "");
  EXPECT_FALSE(HasAcmeError(absl::OkStatus(), "badNonce"));
}

}  // namespace
}  // namespace upkeep::acme
