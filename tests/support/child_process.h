// What the test harnesses that start real servers (apiserver_process, pebble_process,
// tls_server_process) share: starting a child with its output in a log, ending it, waiting
// for it to exit and reading the end of its log. Thread-compatible.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

namespace upkeep::testing {

// Forks and execs `args` (looked up on PATH) with `env` (nullptr = this process's), output
// appended to `log_path`. The child dies with the test process.
absl::StatusOr<pid_t> Spawn(const std::vector<std::string>& args, const std::string& log_path,
                            const std::vector<std::string>* env = nullptr);

// SIGTERM, then SIGKILL if it lingers past 5 s; `pid` is reset to -1. Only for children this
// process started.
void EndProcess(pid_t& pid);

// Waits up to `timeout` for child `pid` to exit; true if it did (and was reaped).
bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout);

// The whole file at `path` ("" when unreadable).
std::string ReadFile(const std::string& path);

// The last `max_chars` of the file at `path`, for failure messages.
std::string Tail(const std::string& path, size_t max_chars = 2000);

}  // namespace upkeep::testing
