#include "controller/logging/logger.h"

#include <sstream>
#include <thread>

#include <gtest/gtest.h>

namespace upkeep::controller {
namespace {

using nlohmann::json;

// 2026-11-22T05:00:00.123Z
const Clock::TimePoint kStart = std::chrono::sys_days(std::chrono::year(2026) / 11 / 22) +
                                std::chrono::hours(5) + std::chrono::milliseconds(123);

// Collects the lines a sink writes.
class LoggerTest : public testing::Test {
 protected:
  std::shared_ptr<LogSink> Sink(LogLevel level = LogLevel::kInfo) {
    return LogSink::ToCallback([this](std::string_view line) { lines_.emplace_back(line); }, level,
                               clock_);
  }
  json Line(size_t i) const { return json::parse(lines_.at(i)); }

  FakeClock clock_{kStart};
  std::vector<std::string> lines_;
};

TEST_F(LoggerTest, WritesOneJsonObjectWithControllerRuntimeFields) {
  Logger log = Logger(Sink())
                   .WithName("controller")
                   .WithName("backuppolicy")
                   .WithValues({{"controller", "backuppolicy"}, {"namespace", "ns"}})
                   .WithValues({{"name", "a"}, {"reconcileID", "id-1"}});
  log.Info("Reconciling", {{"attempt", 2}});
  ASSERT_EQ(lines_.size(), 1u);
  EXPECT_EQ(lines_[0],
            R"({"level":"info","ts":"2026-11-22T05:00:00.123Z","logger":"controller.backuppolicy",)"
            R"("msg":"Reconciling","controller":"backuppolicy","namespace":"ns","name":"a",)"
            R"("reconcileID":"id-1","attempt":2})");
}

TEST_F(LoggerTest, ErrorCarriesTheStatus) {
  Logger(Sink()).Error("Reconciler error", absl::UnavailableError("apiserver down"),
                       {{"requeue", true}});
  json line = Line(0);
  EXPECT_EQ(line["level"], "error");
  EXPECT_EQ(line["error"], "UNAVAILABLE: apiserver down");
  EXPECT_EQ(line["requeue"], true);
  EXPECT_FALSE(line.contains("logger"));
}

TEST_F(LoggerTest, FieldsAreJsonValues) {
  Logger(Sink()).Info(
      "Scheduled",
      {{"keep", json::array({1, 2})}, {"next", {{"at", "03:00"}}}, {"password", Redacted()}});
  json line = Line(0);
  EXPECT_EQ(line["keep"], json::array({1, 2}));
  EXPECT_EQ(line["next"]["at"], "03:00");
  EXPECT_EQ(line["password"], "<redacted>");
}

TEST_F(LoggerTest, LaterFieldsReplaceEarlierOnesButNotReservedKeys) {
  Logger(Sink())
      .WithValues({{"name", "a"}})
      .Info("m", {{"name", "b"}, {"msg", "spoofed"}, {"level", "debug"}});
  json line = Line(0);
  EXPECT_EQ(line["name"], "b");
  EXPECT_EQ(line["msg"], "m");
  EXPECT_EQ(line["level"], "info");
}

TEST_F(LoggerTest, FiltersByTheSinkLevel) {
  std::shared_ptr<LogSink> sink = Sink(LogLevel::kWarn);
  Logger log(sink);
  log.Debug("d");
  log.Info("i");
  log.Warn("w");
  log.Error("e");
  ASSERT_EQ(lines_.size(), 2u);
  EXPECT_EQ(Line(0)["level"], "warn");
  EXPECT_EQ(Line(1)["level"], "error");
  EXPECT_FALSE(log.Enabled(LogLevel::kInfo));

  sink->SetLevel(LogLevel::kDebug);
  log.Debug("d");
  ASSERT_EQ(lines_.size(), 3u);
  EXPECT_EQ(Line(2)["level"], "debug");
}

TEST_F(LoggerTest, TakesTimeFromTheInjectedClock) {
  Logger log(Sink());
  log.Info("first");
  clock_.Advance(std::chrono::minutes(90) + std::chrono::microseconds(1500));
  log.Info("second");
  EXPECT_EQ(Line(0)["ts"], "2026-11-22T05:00:00.123Z");
  EXPECT_EQ(Line(1)["ts"], "2026-11-22T06:30:00.124Z");
}

TEST_F(LoggerTest, ReplacesInvalidUtf8InsteadOfThrowing) {
  Logger(Sink()).Info("bytes", {{"value", std::string("a\xff"
                                                      "b")}});
  EXPECT_EQ(Line(0)["value"],
            "a\xef\xbf\xbd"
            "b");
}

TEST(LoggerStreamTest, ConcurrentWritersNeverInterleaveLines) {
  std::ostringstream out;
  FakeClock clock;
  Logger root(LogSink::ToStream(out, LogLevel::kInfo, clock));
  constexpr int kThreads = 8;
  constexpr int kLinesPerThread = 500;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&root, t] {
      Logger log = root.WithValues({{"thread", t}});
      for (int i = 0; i < kLinesPerThread; ++i) {
        log.Info("working", {{"i", i}, {"payload", std::string(200, 'a' + t)}});
      }
    });
  }
  for (std::thread& t : threads) t.join();

  std::istringstream in(out.str());
  std::string text;
  std::vector<int> next(kThreads, 0);
  int count = 0;
  while (std::getline(in, text)) {
    json line = json::parse(text);  // throws (fails the test) on a torn line
    int t = line["thread"];
    EXPECT_EQ(line["i"], next[t]++);
    EXPECT_EQ(line["payload"], std::string(200, 'a' + t));
    ++count;
  }
  EXPECT_EQ(count, kThreads * kLinesPerThread);
}

TEST(LoggerDefaultTest, WritesToTheProcessSink) {
  Logger log;
  EXPECT_EQ(log.sink(), LogSink::Default());
  EXPECT_TRUE(log.Enabled(LogLevel::kInfo));
  EXPECT_FALSE(log.Enabled(LogLevel::kDebug));
}

}  // namespace
}  // namespace upkeep::controller
