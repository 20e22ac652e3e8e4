#include "tests/support/child_process.h"

#include <sys/wait.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <thread>

namespace upkeep::testing {

bool WaitForExit(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    pid_t r = waitpid(pid, nullptr, WNOHANG);
    if (r == pid || (r < 0 && errno == ECHILD)) return true;
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Tail(const std::string& path, size_t max_chars) {
  std::string s = ReadFile(path);
  return s.size() > max_chars ? s.substr(s.size() - max_chars) : s;
}

}  // namespace upkeep::testing
