// ToolProcess: an external tool the backup runner drives (pg_dump, pg_restore, psql), with
// its stdin and stdout as streams, so a dump flows from pg_dump into the pipeline and a
// restore from the pipeline into pg_restore without ever being held whole.
//
// The environment is given whole (nothing inherited), so a password reaches the tool only as
// its caller decides (a 0600 PGPASSFILE), never on the command line. stderr is drained by a
// thread into a bounded tail for error messages, so a chatty tool cannot block on it. The
// child gets its own process group and is ended (SIGTERM, then SIGKILL after 5 s) when the
// run is cancelled or this object is destroyed before it exited.
//
// Thread-compatible: one thread drives a process.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <stop_token>
#include <string>
#include <vector>

#include <absl/status/statusor.h>

#include "backup/byte_sink.h"

namespace upkeep::backup {

struct ToolCommand {
  std::vector<std::string> argv;  // argv[0] is looked up on PATH (from `env`, else the default)
  std::vector<std::string> env;   // "NAME=value", the whole environment
  bool with_stdin = false;        // false: stdin is /dev/null
};

struct ToolExit {
  int exit_code = -1;   // -1 when ended by a signal
  int signal = 0;       // the signal that ended it, or 0
  std::string stderr_tail;  // at most the last 4 KiB

  bool ok() const { return exit_code == 0; }
  // "exited with status 1: pg_dump: error: ..." / "was killed by signal 9".
  std::string Describe() const;
};

class ToolProcess {
 public:
  // Starts the tool. NotFound when argv[0] cannot be executed.
  static absl::StatusOr<std::unique_ptr<ToolProcess>> Start(const ToolCommand& command);
  ~ToolProcess();
  ToolProcess(const ToolProcess&) = delete;
  ToolProcess& operator=(const ToolProcess&) = delete;

  // The child's stdin (with_stdin only); Finish closes it, so the tool sees the end.
  ByteSink& Stdin();
  // Reads stdout to its end into `out` (not finished). On an error from `out` or a stop
  // request the tool is ended and that error (Cancelled for a stop) is returned.
  absl::Status CopyStdoutTo(ByteSink& out, std::stop_token stop = {});
  // Reads stdout to its end, keeping at most `limit` bytes (for psql's small answers).
  absl::StatusOr<std::string> ReadStdout(size_t limit = 1 << 20);
  // Waits for the exit (closing stdin first if still open).
  ToolExit Wait();
  // Ends the tool now (SIGTERM to its group, SIGKILL after 5 s).
  void Kill();

  pid_t pid() const { return pid_; }

 private:
  class StdinSink;
  struct StderrDrain;
  ToolProcess() = default;

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  std::unique_ptr<StdinSink> stdin_;
  std::unique_ptr<StderrDrain> stderr_;
  bool waited_ = false;
  ToolExit exit_;
};

// The environment for tools: PATH, LANG=C.UTF-8 (messages in English, parsable), HOME=/tmp,
// plus `extra`.
std::vector<std::string> ToolEnvironment(const std::vector<std::string>& extra = {});

}  // namespace upkeep::backup
