#include "cmd/upkeep/stop_signal.h"

#include <semaphore.h>

#include <condition_variable>
#include <csignal>
#include <mutex>

namespace upkeep::cmd {
namespace {

sem_t g_signalled;
bool g_quit_waiter = false;

void OnSignal(int) { sem_post(&g_signalled); }  // async-signal-safe

}  // namespace

StopSignal::StopSignal() {
  sem_init(&g_signalled, 0, 0);
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  waiter_ = std::thread([this] {
    while (sem_wait(&g_signalled) != 0) {
    }
    if (!g_quit_waiter) source_.request_stop();
  });
}

StopSignal::~StopSignal() {
  g_quit_waiter = !source_.stop_requested();
  sem_post(&g_signalled);
  waiter_.join();
}

void StopSignal::Wait() const {
  std::mutex mu;
  std::condition_variable_any cv;
  std::unique_lock<std::mutex> lock(mu);
  cv.wait(lock, source_.get_token(), [] { return false; });
}

}  // namespace upkeep::cmd
