#include "acme/http01_solver.h"

// gtest before cpprestsdk, whose U() macro breaks gtest's templates.
// clang-format off
#include <gtest/gtest.h>
#include <cpprest/http_client.h>
// clang-format on

namespace upkeep::acme {
namespace {

struct Reply {
  int code = 0;
  std::string body;
  std::string content_type;
};

Reply Get(int port, const std::string& path) {
  web::http::client::http_client_config config;
  config.set_timeout(std::chrono::seconds(5));
  web::http::client::http_client client("http://127.0.0.1:" + std::to_string(port), config);
  web::http::http_response response = client.request(web::http::methods::GET, path).get();
  Reply reply;
  reply.code = response.status_code();
  reply.body = response.extract_utf8string(true).get();
  reply.content_type = response.headers().content_type();
  return reply;
}

TEST(Http01SolverTest, ServesPresentedKeyAuthorizationsOnly) {
  auto solver = Http01Solver::Start("127.0.0.1", 0);
  ASSERT_TRUE(solver.ok()) << solver.status();
  ASSERT_GT((*solver)->port(), 0);
  EXPECT_EQ((*solver)->ChallengeType(), "http-01");
  const int port = (*solver)->port();

  EXPECT_EQ(Get(port, "/.well-known/acme-challenge/tok").code, 404);
  ASSERT_TRUE((*solver)->Present("tok", "tok.thumb").ok());
  Reply served = Get(port, "/.well-known/acme-challenge/tok");
  EXPECT_EQ(served.code, 200);
  EXPECT_EQ(served.body, "tok.thumb");
  EXPECT_EQ(served.content_type.rfind("text/plain", 0), 0u) << served.content_type;
  EXPECT_EQ((*solver)->served(), 1);

  EXPECT_EQ(Get(port, "/.well-known/acme-challenge/other").code, 404);
  EXPECT_EQ(Get(port, "/tok").code, 404);
  (*solver)->CleanUp("tok");
  EXPECT_EQ(Get(port, "/.well-known/acme-challenge/tok").code, 404);
}

TEST(Http01SolverTest, RejectsTokensThatAreNotAPathSegment) {
  auto solver = Http01Solver::Start("127.0.0.1", 0);
  ASSERT_TRUE(solver.ok()) << solver.status();
  EXPECT_EQ((*solver)->Present("a/b", "x").code(), absl::StatusCode::kInvalidArgument);
}

TEST(Http01SolverTest, ReportsAPortThatIsTaken) {
  auto first = Http01Solver::Start("127.0.0.1", 0);
  ASSERT_TRUE(first.ok()) << first.status();
  auto second = Http01Solver::Start("127.0.0.1", (*first)->port());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(std::string(second.status().message()).find(std::to_string((*first)->port())),
            std::string::npos);
}

}  // namespace
}  // namespace upkeep::acme
