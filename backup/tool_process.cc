#include "backup/tool_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <mutex>
#include <thread>

namespace upkeep::backup {
namespace {

constexpr size_t kStderrTail = 4096;
constexpr size_t kReadBlock = 256 * 1024;
constexpr auto kKillGrace = std::chrono::seconds(5);

void ClosePair(int fds[2]) {
  if (fds[0] >= 0) ::close(fds[0]);
  if (fds[1] >= 0) ::close(fds[1]);
}

// Writes all of `data`, without SIGPIPE (MSG_NOSIGNAL does not apply to pipes: the caller
// blocks SIGPIPE for the thread instead).
absl::Status WriteAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EPIPE) return absl::AbortedError("the tool stopped reading its input");
      return absl::InternalError(std::string("write to the tool: ") + std::strerror(errno));
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

// Blocks SIGPIPE on the calling thread, so a tool that exits early gives EPIPE, not a crash.
void BlockSigpipe() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

}  // namespace

std::string ToolExit::Describe() const {
  std::string what = signal != 0 ? "was killed by signal " + std::to_string(signal)
                                 : "exited with status " + std::to_string(exit_code);
  std::string tail = stderr_tail;
  while (!tail.empty() && (tail.back() == '\n' || tail.back() == ' ')) tail.pop_back();
  return tail.empty() ? what : what + ": " + tail;
}

class ToolProcess::StdinSink final : public ByteSink {
 public:
  explicit StdinSink(int fd) : fd_(fd) {}
  ~StdinSink() override { Close(); }
  absl::Status Write(std::string_view data) override {
    if (fd_ < 0) return absl::FailedPreconditionError("the tool's input is closed");
    BlockSigpipe();
    return WriteAll(fd_, data);
  }
  absl::Status Finish() override {
    Close();
    return absl::OkStatus();
  }
  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_;
};

struct ToolProcess::StderrDrain {
  explicit StderrDrain(int fd) : fd(fd), thread([this] { Run(); }) {}
  ~StderrDrain() {
    if (thread.joinable()) thread.join();
    if (fd >= 0) ::close(fd);
  }
  void Run() {
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      std::lock_guard<std::mutex> lock(mu);
      tail.append(buf, static_cast<size_t>(n));
      if (tail.size() > 2 * kStderrTail) tail.erase(0, tail.size() - kStderrTail);
    }
  }
  std::string Tail() {
    if (thread.joinable()) thread.join();
    std::lock_guard<std::mutex> lock(mu);
    return tail.size() > kStderrTail ? tail.substr(tail.size() - kStderrTail) : tail;
  }
  int fd;
  std::mutex mu;
  std::string tail;  // guarded by mu
  std::thread thread;
};

absl::StatusOr<std::unique_ptr<ToolProcess>> ToolProcess::Start(const ToolCommand& command) {
  if (command.argv.empty()) return absl::InvalidArgumentError("no tool to run");
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1}, exec_err[2] = {-1, -1};
  if ((command.with_stdin && ::pipe2(in, O_CLOEXEC) != 0) || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0 || ::pipe2(exec_err, O_CLOEXEC) != 0) {
    int e = errno;
    for (int* p : {in, out, err, exec_err}) ClosePair(p);
    return absl::InternalError(std::string("pipe: ") + std::strerror(e));
  }
  std::vector<char*> argv;
  for (const std::string& a : command.argv) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  std::vector<char*> envp;
  std::string path = "/usr/local/bin:/usr/bin:/bin";
  for (const std::string& e : command.env) {
    envp.push_back(const_cast<char*>(e.c_str()));
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  }
  envp.push_back(nullptr);
  // Resolved before fork: only async-signal-safe calls in the child.
  std::string program = command.argv[0];
  if (program.find('/') == std::string::npos) {
    size_t start = 0;
    while (start <= path.size()) {
      size_t end = path.find(':', start);
      if (end == std::string::npos) end = path.size();
      std::string candidate = path.substr(start, end - start) + "/" + command.argv[0];
      if (::access(candidate.c_str(), X_OK) == 0) {
        program = candidate;
        break;
      }
      start = end + 1;
    }
  }
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) {
    int e = errno;
    for (int* p : {in, out, err, exec_err}) ClosePair(p);
    return absl::InternalError(std::string("fork: ") + std::strerror(e));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (::getppid() != parent) ::_exit(127);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    int devnull = ::open("/dev/null", O_RDONLY);
    ::dup2(command.with_stdin ? in[0] : devnull, 0);
    ::dup2(out[1], 1);
    ::dup2(err[1], 2);
    ::execve(program.c_str(), argv.data(), envp.data());
    int e = errno;
    (void)!::write(exec_err[1], &e, sizeof e);
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also here: a Kill right after Start must reach the group
  ::close(exec_err[1]);
  int child_errno = 0;
  ssize_t got = ::read(exec_err[0], &child_errno, sizeof child_errno);
  ::close(exec_err[0]);
  if (command.with_stdin) ::close(in[0]);
  ::close(out[1]);
  ::close(err[1]);
  auto process = std::unique_ptr<ToolProcess>(new ToolProcess());
  process->pid_ = pid;
  process->stdout_fd_ = out[0];
  process->stdin_ = std::make_unique<StdinSink>(command.with_stdin ? in[1] : -1);
  process->stderr_ = std::make_unique<StderrDrain>(err[0]);
  if (got == sizeof child_errno) {
    process->Wait();
    return absl::NotFoundError("cannot run " + command.argv[0] + ": " +
                               std::strerror(child_errno));
  }
  return process;
}

ToolProcess::~ToolProcess() {
  if (!waited_ && pid_ > 0) {
    Kill();
    Wait();
  }
  if (stdout_fd_ >= 0) ::close(stdout_fd_);
}

ByteSink& ToolProcess::Stdin() { return *stdin_; }

absl::Status ToolProcess::CopyStdoutTo(ByteSink& out, std::stop_token stop) {
  std::string block(kReadBlock, '\0');
  for (;;) {
    if (stop.stop_requested()) {
      Kill();
      return absl::CancelledError("the run was cancelled");
    }
    pollfd pfd{stdout_fd_, POLLIN, 0};
    int ready = ::poll(&pfd, 1, 200);  // wakes to see a stop request
    if (ready < 0 && errno == EINTR) continue;
    if (ready == 0) continue;
    ssize_t n = ::read(stdout_fd_, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      Kill();
      return absl::InternalError(std::string("read from the tool: ") + std::strerror(errno));
    }
    if (n == 0) return absl::OkStatus();
    if (absl::Status wrote = out.Write(std::string_view(block.data(), static_cast<size_t>(n)));
        !wrote.ok()) {
      Kill();
      return wrote;
    }
  }
}

absl::StatusOr<std::string> ToolProcess::ReadStdout(size_t limit) {
  std::string result;
  char buf[8192];
  for (;;) {
    ssize_t n = ::read(stdout_fd_, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return absl::InternalError(std::string("read: ") + std::strerror(errno));
    if (n == 0) break;
    if (result.size() < limit) {
      result.append(buf, std::min(static_cast<size_t>(n), limit - result.size()));
    }
  }
  return result;
}

ToolExit ToolProcess::Wait() {
  if (waited_) return exit_;
  stdin_->Close();
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  waited_ = true;
  if (WIFEXITED(status)) exit_.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) exit_.signal = WTERMSIG(status);
  exit_.stderr_tail = stderr_->Tail();
  return exit_;
}

void ToolProcess::Kill() {
  if (waited_ || pid_ <= 0) return;
  ::kill(-pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + kKillGrace;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    pid_t done = ::waitpid(pid_, &status, WNOHANG);
    if (done == pid_) {
      waited_ = true;
      if (WIFEXITED(status)) exit_.exit_code = WEXITSTATUS(status);
      if (WIFSIGNALED(status)) exit_.signal = WTERMSIG(status);
      stdin_->Close();
      exit_.stderr_tail = stderr_->Tail();
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ::kill(-pid_, SIGKILL);
}

std::vector<std::string> ToolEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env = {"PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8",
                                  "LC_ALL=C.UTF-8", "HOME=/tmp"};
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

}  // namespace upkeep::backup
