// Informer: keeps an ObjectCache of one resource type current by list-then-watch, and tells
// event handlers what changed, as client-go's reflector + shared informer.
//
// It lists (paged), then watches from the list's resourceVersion with bookmarks, resuming
// from the last version seen when a watch ends or breaks; a 410 Gone (the version was
// compacted away) makes it relist, and the relist reports what changed meanwhile, deletions
// included, so no final state is lost. Errors back off exponentially (800 ms doubling to
// 30 s, as client-go). HasSynced turns true after the first complete list. Handlers run on
// the informer's thread, in order, and must be quick (they enqueue keys). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <vector>

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/informer/object_cache.h"

namespace upkeep::controller {

struct EventHandler {
  std::function<void(const nlohmann::json& object)> on_add;
  std::function<void(const nlohmann::json& old_object, const nlohmann::json& object)> on_update;
  // The last known state of the deleted object.
  std::function<void(const nlohmann::json& object)> on_delete;
};

struct InformerOptions {
  std::string namespace_;                        // "" = all namespaces
  std::string label_selector;
  std::string field_selector;
  // Every cached object is handed to on_update(obj, obj) this often (0 = never).
  std::chrono::milliseconds resync_period{0};
  int64_t list_page_size = 500;
  std::chrono::milliseconds initial_backoff{800};
  std::chrono::milliseconds max_backoff{30000};
  // Lines for logs: called with a message and the error; may be empty.
  std::function<void(const std::string& message, const absl::Status& error)> on_error;
};

class Informer {
 public:
  Informer(KubeClient& client, ResourceType type, InformerOptions options,
           const Clock& clock = RealClock::Get());
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Before Run, or at any time: a handler added later is first told of every cached object
  // as on_add (as client-go), then of changes.
  void AddEventHandler(EventHandler handler);
  // Before Run only.
  void AddIndex(const std::string& name, IndexFunc func);

  // Lists and watches until `stop` is requested.
  void Run(std::stop_token stop);

  bool HasSynced() const { return synced_.load(); }
  // Blocks until synced or `stop`/`timeout`; true when synced.
  bool WaitForSync(std::stop_token stop, std::chrono::milliseconds timeout) const;

  const CacheReader& Cache() const { return cache_; }
  const ObjectCache& Store() const { return cache_; }
  const ResourceType& Type() const { return type_; }
  // The resourceVersion the cache reflects (the last event or bookmark seen).
  std::string LastResourceVersion() const;
  // How many full lists ran (1 + relists), for tests and logs.
  int ListCount() const { return list_count_.load(); }

 private:
  absl::Status ListAndReplace(std::stop_token stop);
  // Returns OK when the watch ended normally (resume), IsGone to relist, else an error.
  absl::Status WatchFromLast(std::stop_token stop);
  void Apply(WatchEvent&& event);
  void Resync();
  void Notify(const std::function<void(const EventHandler&)>& call);
  // Sleeps `d` on the clock unless stopped; false when stopped.
  bool Sleep(std::chrono::milliseconds d, std::stop_token stop);

  // Constant after construction.
  KubeClient& client_;
  const ResourceType type_;
  const InformerOptions options_;
  const Clock& clock_;

  ObjectCache cache_;
  std::atomic<bool> synced_{false};
  std::atomic<int> list_count_{0};

  // Held while handlers run, so a handler added late gets its replay and then the changes
  // in order.
  std::mutex dispatch_mu_;
  std::vector<EventHandler> handlers_;           // guarded by dispatch_mu_

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;           // synced, or stop
  std::string last_rv_;                          // guarded by mu_
  Clock::TimePoint next_resync_;                 // Run thread only
};

}  // namespace upkeep::controller
