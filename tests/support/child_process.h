// What the test harnesses that start real servers (apiserver_process, pebble_process) share:
// waiting for a child to exit and reading the end of its log. Thread-compatible.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

namespace upkeep::testing {

// Waits up to `timeout` for child `pid` to exit; true if it did (and was reaped).
bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout);

// The whole file at `path` ("" when unreadable).
std::string ReadFile(const std::string& path);

// The last `max_chars` of the file at `path`, for failure messages.
std::string Tail(const std::string& path, size_t max_chars = 2000);

}  // namespace upkeep::testing
