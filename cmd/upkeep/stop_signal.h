// StopSignal: SIGTERM and SIGINT turned into a std::stop_source, so a subcommand shuts down
// through the same stop tokens its components already take. One per process.
#pragma once

#include <stop_token>
#include <thread>

namespace upkeep::cmd {

class StopSignal {
 public:
  // Installs the handlers (and ignores SIGPIPE).
  StopSignal();
  ~StopSignal();
  std::stop_token token() const { return source_.get_token(); }
  // Blocks until a signal arrived.
  void Wait() const;

 private:
  std::stop_source source_;
  std::thread waiter_;
};

}  // namespace upkeep::cmd
