// InlineExecutor: runs backups in the controller's process (API.md executor.mode Inline; the
// default in `upkeep dev`), at most `max_concurrent_runs` at once, the rest waiting in order.
// Two runs of one policy never overlap: a replacing run waits until the one it stops has
// removed what it wrote. When a run ends, `on_finished` is called (the controller enqueues the
// policy), so the outcome is recorded at once rather than on the next timer.
//
// What it knows lives in memory: after a restart Poll says kLost for a run it never saw, and
// the half-written backup is removed by the next run (RunBackup cleans up first).
// Thread-safe; the destructor stops every run and waits for them.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <stop_token>
#include <thread>
#include <vector>

#include "reconcilers/backup/backup_executor.h"

namespace upkeep::reconcilers::backup {

struct InlineExecutorOptions {
  int max_concurrent_runs = 2;  // default 2: a dump is I/O and one core of compression
  std::string volume_root;      // where volume claims are mounted (policy_backups.h)
  std::function<TimePoint()> now = [] { return std::chrono::system_clock::now(); };
  // Called with the policy's namespace and name when one of its runs ends.
  std::function<void(const std::string& ns, const std::string& name)> on_finished;
};

class InlineExecutor final : public BackupExecutor {
 public:
  explicit InlineExecutor(InlineExecutorOptions options);
  ~InlineExecutor() override;
  InlineExecutor(const InlineExecutor&) = delete;
  InlineExecutor& operator=(const InlineExecutor&) = delete;

  absl::Status Start(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                     controller::KubeClient& client) override;
  RunState Poll(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                controller::KubeClient& client) override;
  absl::Status Stop(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id,
                    controller::KubeClient& client) override;
  void Forget(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id) override;

 private:
  struct Run {
    api::v1alpha1::BackupPolicy policy;
    std::string run_id;
    controller::KubeClient* client = nullptr;
    std::stop_source stop;
    bool running = false;
    bool finished = false;
    PolicyRunOutcome outcome;
  };
  void Work();
  // The next queued run whose policy has no run in progress; null when none. mu_ held.
  std::shared_ptr<Run> TakeRunnable();

  // Constant after construction.
  const InlineExecutorOptions options_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::shared_ptr<Run>> runs_;  // by "<uid>/<run id>"; guarded by mu_
  std::deque<std::shared_ptr<Run>> queue_;            // guarded by mu_
  std::set<std::string> busy_policies_;               // uids with a run in progress; mu_
  bool stopping_ = false;                             // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace upkeep::reconcilers::backup
