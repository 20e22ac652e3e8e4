// LogSink: where Loggers write their lines, shared by every Logger derived from one root.
// It holds the level (changeable at run time) and the Clock that stamps each line, and
// writes whole lines: concurrent writers never interleave within a line.
//
// Thread-safe. A sink must outlive nothing: Loggers hold it by shared_ptr. The stream or
// callback given to it must stay valid for as long as any Logger may write.
#pragma once

#include <atomic>
#include <functional>
#include <iosfwd>
#include <memory>
#include <mutex>
#include <string_view>

#include "controller/clock/clock.h"
#include "controller/logging/log_level.h"

namespace upkeep::controller {

class LogSink {
 public:
  // Receives one complete JSON line without its trailing newline. Called with the sink's
  // lock held, so calls never overlap; it must not log through the same sink.
  using LineWriter = std::function<void(std::string_view line)>;

  // Lines to standard error, each written by one fwrite.
  static std::shared_ptr<LogSink> Stderr(LogLevel level = LogLevel::kInfo,
                                         const Clock& clock = RealClock::Get());
  // Lines to `out`, flushed after each; `out` is borrowed.
  static std::shared_ptr<LogSink> ToStream(std::ostream& out, LogLevel level = LogLevel::kInfo,
                                           const Clock& clock = RealClock::Get());
  // Lines to `write` (tests collect them this way).
  static std::shared_ptr<LogSink> ToCallback(LineWriter write, LogLevel level = LogLevel::kInfo,
                                             const Clock& clock = RealClock::Get());
  // The process-wide sink of default-constructed Loggers: stderr at info. main() sets its
  // level from --log-level.
  static const std::shared_ptr<LogSink>& Default();

  // `clock` is borrowed and must outlive the sink.
  LogSink(LineWriter write, LogLevel level, const Clock& clock);
  LogSink(const LogSink&) = delete;
  LogSink& operator=(const LogSink&) = delete;

  bool Enabled(LogLevel level) const { return level <= level_.load(std::memory_order_relaxed); }
  void SetLevel(LogLevel level) { level_.store(level, std::memory_order_relaxed); }
  LogLevel level() const { return level_.load(std::memory_order_relaxed); }
  const Clock& clock() const { return clock_; }

  // Writes `line` (no newline) as one unit.
  void WriteLine(std::string_view line);

 private:
  // Constant after construction.
  const LineWriter write_;
  const Clock& clock_;

  std::atomic<LogLevel> level_;
  std::mutex mu_;  // serializes write_
};

}  // namespace upkeep::controller
