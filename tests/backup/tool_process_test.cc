// External tools as streams: stdin and stdout flow through sinks, stderr is kept as a short
// tail, the environment is only what is given, and a failing sink or a stop request ends the
// tool instead of leaving it running.
#include "backup/tool_process.h"
#include "tests/backup/test_sinks.h"

#include <signal.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::backup {
namespace {

using testing::FullSink;
using testing::StringSink;

using ::testing::HasSubstr;

TEST(ToolProcessTest, StreamsStdinToStdout) {
  auto cat = ToolProcess::Start({{"cat"}, ToolEnvironment(), /*with_stdin=*/true});
  ASSERT_TRUE(cat.ok()) << cat.status();
  std::string input(3 << 20, 'a');  // more than a pipe holds: needs both sides moving
  std::thread feeder([&] {
    EXPECT_TRUE((*cat)->Stdin().Write(input).ok());
    EXPECT_TRUE((*cat)->Stdin().Finish().ok());
  });
  StringSink out;
  EXPECT_TRUE((*cat)->CopyStdoutTo(out).ok());
  feeder.join();
  EXPECT_TRUE((*cat)->Wait().ok());
  EXPECT_EQ(out.bytes, input);
}

TEST(ToolProcessTest, AFailureGivesTheExitStatusAndTheEndOfStderr) {
  auto tool = ToolProcess::Start(
      {{"sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x >&2; echo; echo 'pg_dump: error: "
                    "connection refused' >&2; exit 3"},
       ToolEnvironment()});
  ASSERT_TRUE(tool.ok());
  ToolExit exit = (*tool)->Wait();  // a chatty stderr does not block the tool
  EXPECT_EQ(exit.exit_code, 3);
  EXPECT_LE(exit.stderr_tail.size(), 4096u);
  EXPECT_THAT(exit.Describe(),
              HasSubstr("exited with status 3: " + std::string(4000, 'x').substr(0, 10)));
  EXPECT_THAT(exit.Describe(), HasSubstr("pg_dump: error: connection refused"));
}

TEST(ToolProcessTest, OnlyTheGivenEnvironmentIsPassed) {
  ::setenv("UPKEEP_TEST_LEAK", "secret", 1);
  auto env = ToolProcess::Start({{"env"}, ToolEnvironment({"PGPASSFILE=/tmp/x"})});
  ASSERT_TRUE(env.ok());
  auto out = (*env)->ReadStdout();
  ASSERT_TRUE(out.ok());
  EXPECT_TRUE((*env)->Wait().ok());
  EXPECT_THAT(*out, HasSubstr("PGPASSFILE=/tmp/x"));
  EXPECT_THAT(*out, ::testing::Not(HasSubstr("UPKEEP_TEST_LEAK")));
}

TEST(ToolProcessTest, AMissingToolIsNotFound) {
  auto missing = ToolProcess::Start({{"upkeep-no-such-tool"}, ToolEnvironment()});
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound) << missing.status();
  EXPECT_THAT(missing.status().message(), HasSubstr("upkeep-no-such-tool"));
}

TEST(ToolProcessTest, ASinkErrorEndsTheToolAndIsReturned) {
  auto yes = ToolProcess::Start({{"yes"}, ToolEnvironment()});
  ASSERT_TRUE(yes.ok());
  FullSink full(1 << 20);
  absl::Status status = (*yes)->CopyStdoutTo(full);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted);
  ToolExit exit = (*yes)->Wait();
  EXPECT_EQ(exit.signal, SIGTERM);
}

TEST(ToolProcessTest, AStopRequestEndsTheTool) {
  auto sleeper = ToolProcess::Start({{"sleep", "30"}, ToolEnvironment()});
  ASSERT_TRUE(sleeper.ok());
  std::stop_source stop;
  std::thread stopper([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    stop.request_stop();
  });
  StringSink out;
  auto started = std::chrono::steady_clock::now();
  EXPECT_EQ((*sleeper)->CopyStdoutTo(out, stop.get_token()).code(),
            absl::StatusCode::kCancelled);
  stopper.join();
  EXPECT_EQ((*sleeper)->Wait().signal, SIGTERM);
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
}

TEST(ToolProcessTest, DestroyingARunningToolEndsIt) {
  pid_t pid = 0;
  {
    auto sleeper = ToolProcess::Start({{"sleep", "30"}, ToolEnvironment()});
    ASSERT_TRUE(sleeper.ok());
    pid = (*sleeper)->pid();
  }
  EXPECT_NE(::kill(pid, 0), 0);  // gone and reaped
}

}  // namespace
}  // namespace upkeep::backup
