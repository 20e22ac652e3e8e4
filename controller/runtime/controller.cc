#include "controller/runtime/controller.h"

#include "controller/logging/reconcile_id.h"
#include "controller/metrics/metrics.h"
#include "controller/metrics/work_queue_metrics.h"

namespace upkeep::controller {
namespace {

std::string GroupOf(const std::string& api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string::npos ? "" : api_version.substr(0, slash);
}

std::string ResourceVersionOf(const nlohmann::json& object) {
  auto meta = object.find("metadata");
  if (meta == object.end()) return "";
  return meta->value("resourceVersion", "");
}

}  // namespace

Controller::Controller(ControllerOptions options, ResourceType for_type, Reconciler& reconciler,
                       ControllerDependencies deps)
    : options_(std::move(options)),
      for_type_(std::move(for_type)),
      reconciler_(reconciler),
      deps_(std::move(deps)) {
  std::unique_ptr<RateLimiter> limiter = options_.rate_limiter
                                             ? options_.rate_limiter(deps_.clock)
                                             : DefaultControllerRateLimiter(deps_.clock);
  if (deps_.metrics) {
    metrics_ = &deps_.metrics->ForController(options_.name);
    metrics_->SetMaxConcurrent(options_.max_concurrent_reconciles);
    queue_metrics_ = deps_.metrics->ForWorkQueue(
        options_.name,
        [this] { return queue_ ? queue_->UnfinishedWorkSeconds() : 0.0; },
        [this] { return queue_ ? queue_->LongestRunningProcessorSeconds() : 0.0; });
  }
  queue_ = std::make_unique<WorkQueue>(std::move(limiter), deps_.clock, queue_metrics_.get());
  Watch(for_type_, [](const nlohmann::json& object) {
    const nlohmann::json& meta = object.at("metadata");
    return std::vector<Request>{{meta.value("namespace", ""), meta.value("name", "")}};
  });
}

Controller::~Controller() {
  Stop(std::chrono::seconds(10));
  // The queue gauges read the queue at scrape time: stop them before the queue goes.
  if (queue_metrics_) queue_metrics_->StopGaugeCallbacks();
  queue_.reset();
  queue_metrics_.reset();
}

Controller& Controller::Owns(const ResourceType& owned) {
  std::string kind = for_type_.kind;
  std::string group = for_type_.group;
  Watch(owned, [kind, group](const nlohmann::json& object) {
    std::vector<Request> requests;
    const nlohmann::json& meta = object.at("metadata");
    auto refs = meta.find("ownerReferences");
    if (refs == meta.end() || !refs->is_array()) return requests;
    for (const auto& ref : *refs) {
      if (!ref.value("controller", false)) continue;
      if (ref.value("kind", "") != kind || GroupOf(ref.value("apiVersion", "")) != group) continue;
      requests.push_back({meta.value("namespace", ""), ref.value("name", "")});
    }
    return requests;
  });
  return *this;
}

Controller& Controller::Watches(const ResourceType& watched, MapFunc map) {
  Watch(watched, std::move(map));
  return *this;
}

void Controller::Watch(const ResourceType& type, MapFunc map) {
  Informer& informer = deps_.informers.For(type);
  auto enqueue = [this, map](const nlohmann::json& object) {
    for (const Request& r : map(object)) queue_->Add(r.Key());
  };
  EventHandler handler;
  handler.on_add = enqueue;
  handler.on_update = [enqueue](const nlohmann::json& old_object, const nlohmann::json& object) {
    // A resync hands the same version again: reconcile, as a periodic check. Only a
    // relist's unchanged objects are skipped.
    if (&old_object != &object && ResourceVersionOf(old_object) == ResourceVersionOf(object)) {
      return;
    }
    enqueue(object);
  };
  handler.on_delete = enqueue;
  informer.AddEventHandler(std::move(handler));
}

void Controller::Enqueue(const Request& request) { queue_->Add(request.Key()); }

void Controller::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  for (int i = 0; i < options_.max_concurrent_reconciles; ++i) {
    workers_.emplace_back([this] { RunWorker(); });
  }
}

void Controller::Stop(std::chrono::milliseconds grace) {
  std::vector<std::thread> workers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    workers.swap(workers_);
  }
  queue_->ShutDown();
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (active_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& w : workers) {
    if (active_.load() == 0) {
      w.join();
    } else {
      // A reconcile overran the grace period; the process is exiting, do not wait on it.
      deps_.log.Error("reconcile still running at shutdown; abandoning it",
                      {{"controller", options_.name}});
      w.detach();
    }
  }
}

void Controller::RunWorker() {
  while (auto key = queue_->Get()) {
    active_.fetch_add(1);
    if (metrics_) metrics_->SetActiveWorkers(active_.load());
    ReconcileOne(*key);
    queue_->Done(*key);
    active_.fetch_sub(1);
    if (metrics_) metrics_->SetActiveWorkers(active_.load());
  }
}

void Controller::ReconcileOne(const std::string& key) {
  Request request = Request::FromKey(key);
  Informer& informer = deps_.informers.For(for_type_);
  std::optional<nlohmann::json> object = informer.Cache().Get(request.namespace_, request.name);
  if (!object) {
    // Gone: there is nothing left to converge (owned objects go with it by garbage collection;
    // cleanup that must happen first is a finalizer's job).
    queue_->Forget(key);
    return;
  }
  std::string reconcile_id = NewReconcileId();
  Logger log = deps_.log.WithValues({{"controller", options_.name},
                                     {"namespace", request.namespace_},
                                     {"name", request.name},
                                     {"reconcileID", reconcile_id}});
  ReconcileContext ctx{request, reconcile_id, log, deps_.client, deps_.clock, deps_.events,
                       deps_.informers};
  auto started = std::chrono::steady_clock::now();
  log.Debug("Reconciling");
  absl::StatusOr<Action> result;
  try {
    result = reconciler_.Reconcile(*object, ctx);
  } catch (const std::exception& e) {
    // A reconciler bug must not take the worker down; treat it as a retryable error.
    result = absl::InternalError(std::string("reconciler threw: ") + e.what());
  }
  auto took = std::chrono::steady_clock::now() - started;
  std::string outcome;
  if (!result.ok()) {
    outcome = "error";
    if (metrics_) metrics_->Error();
    if (IsTerminal(result.status())) {
      if (metrics_) metrics_->TerminalError();
      log.Error("Reconciler error (terminal, not retried)", result.status());
      queue_->Forget(key);
    } else {
      log.Error("Reconciler error", result.status());
      queue_->AddRateLimited(key);
    }
  } else if (result->requeue()) {
    outcome = "requeue_after";
    queue_->Forget(key);
    queue_->AddAfter(key, result->delay());
  } else {
    outcome = "success";
    queue_->Forget(key);
  }
  if (metrics_) metrics_->RecordReconcile(outcome, took);
}

}  // namespace upkeep::controller
