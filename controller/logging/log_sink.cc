#include "controller/logging/log_sink.h"

#include <cstdio>
#include <ostream>
#include <string>

namespace upkeep::controller {

LogSink::LogSink(LineWriter write, LogLevel level, const Clock& clock)
    : write_(std::move(write)), clock_(clock), level_(level) {}

std::shared_ptr<LogSink> LogSink::Stderr(LogLevel level, const Clock& clock) {
  return std::make_shared<LogSink>(
      [](std::string_view line) {
        std::string buf;
        buf.reserve(line.size() + 1);
        buf.append(line).push_back('\n');
        std::fwrite(buf.data(), 1, buf.size(), stderr);
      },
      level, clock);
}

std::shared_ptr<LogSink> LogSink::ToStream(std::ostream& out, LogLevel level, const Clock& clock) {
  return std::make_shared<LogSink>(
      [&out](std::string_view line) {
        out << line << '\n';
        out.flush();
      },
      level, clock);
}

std::shared_ptr<LogSink> LogSink::ToCallback(LineWriter write, LogLevel level, const Clock& clock) {
  return std::make_shared<LogSink>(std::move(write), level, clock);
}

const std::shared_ptr<LogSink>& LogSink::Default() {
  static const std::shared_ptr<LogSink> sink = Stderr();
  return sink;
}

void LogSink::WriteLine(std::string_view line) {
  std::lock_guard<std::mutex> lock(mu_);
  write_(line);
}

}  // namespace upkeep::controller
