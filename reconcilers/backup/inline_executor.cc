#include "reconcilers/backup/inline_executor.h"

#include <algorithm>

namespace upkeep::reconcilers::backup {
namespace {

std::string RunKey(const api::v1alpha1::BackupPolicy& policy, const std::string& run_id) {
  return policy.metadata.uid + "/" + run_id;
}

}  // namespace

InlineExecutor::InlineExecutor(InlineExecutorOptions options) : options_(std::move(options)) {
  int n = std::max(1, options_.max_concurrent_runs);
  for (int i = 0; i < n; ++i) workers_.emplace_back([this] { Work(); });
}

InlineExecutor::~InlineExecutor() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    for (auto& [key, run] : runs_) run->stop.request_stop();
  }
  cv_.notify_all();
  for (std::thread& t : workers_) t.join();
}

absl::Status InlineExecutor::Start(const api::v1alpha1::BackupPolicy& policy,
                                   const std::string& run_id, controller::KubeClient& client) {
  auto run = std::make_shared<Run>();
  run->policy = policy;
  run->run_id = run_id;
  run->client = &client;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_) return absl::UnavailableError("the controller is stopping");
    if (!runs_.emplace(RunKey(policy, run_id), run).second) {
      return absl::AlreadyExistsError("run " + run_id + " was already started");
    }
    queue_.push_back(run);
  }
  cv_.notify_all();
  return absl::OkStatus();
}

RunState InlineExecutor::Poll(const api::v1alpha1::BackupPolicy& policy,
                              const std::string& run_id, controller::KubeClient&) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(RunKey(policy, run_id));
  RunState state;
  if (it == runs_.end()) {
    state.kind = RunState::Kind::kLost;
    state.message = "run " + run_id +
                    " was interrupted: the controller restarted while it ran (what it wrote "
                    "is removed by the next run)";
    return state;
  }
  if (!it->second->finished) return state;
  state.kind = RunState::Kind::kFinished;
  state.outcome = it->second->outcome;
  return state;
}

absl::Status InlineExecutor::Stop(const api::v1alpha1::BackupPolicy& policy,
                                  const std::string& run_id, controller::KubeClient&) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(RunKey(policy, run_id));
  if (it != runs_.end()) it->second->stop.request_stop();
  return absl::OkStatus();
}

void InlineExecutor::Forget(const api::v1alpha1::BackupPolicy& policy,
                            const std::string& run_id) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = runs_.find(RunKey(policy, run_id));
  // A run still in progress is kept: its worker holds it and must find it when it ends.
  if (it != runs_.end() && it->second->finished) runs_.erase(it);
}

std::shared_ptr<InlineExecutor::Run> InlineExecutor::TakeRunnable() {
  for (auto it = queue_.begin(); it != queue_.end(); ++it) {
    if (busy_policies_.count((*it)->policy.metadata.uid) > 0) continue;
    std::shared_ptr<Run> run = *it;
    queue_.erase(it);
    return run;
  }
  return nullptr;
}

void InlineExecutor::Work() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    std::shared_ptr<Run> run;
    cv_.wait(lock, [&] { return stopping_ || (run = TakeRunnable()) != nullptr; });
    if (!run) return;  // stopping; queued runs never started and are lost like on a crash
    run->running = true;
    busy_policies_.insert(run->policy.metadata.uid);
    lock.unlock();

    PolicyRunOptions options;
    options.run_id = run->run_id;
    options.volume_root = options_.volume_root;
    options.now = options_.now;
    PolicyRunOutcome outcome =
        RunPolicyBackup(*run->client, run->policy, options, run->stop.get_token());

    lock.lock();
    run->outcome = std::move(outcome);
    run->running = false;
    run->finished = true;
    busy_policies_.erase(run->policy.metadata.uid);
    const bool notify = !stopping_ && options_.on_finished;
    lock.unlock();
    cv_.notify_all();  // a run of the same policy may be waiting
    if (notify) options_.on_finished(run->policy.metadata.namespace_, run->policy.metadata.name);
    lock.lock();
  }
}

}  // namespace upkeep::reconcilers::backup
