// ObjectStore: the API server's storage: every object of every resource, one global
// monotonic resourceVersion, a bounded history of changes for watches, and write-through to
// a StorageBackend so `--data-dir` survives kill -9.
//
// It knows nothing of Kubernetes semantics beyond metadata.resourceVersion: the REST layer
// decides what to write (defaulting, validation, finalizers) and hands the store a mutation
// that runs atomically under the write lock, so read-modify-write has no races and every
// event reaches watchers in resourceVersion order.
//
// Thread-safe. Watch callbacks run under the store's lock: they must only queue work.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "apiserver/store/storage_backend.h"

namespace upkeep::apiserver {

// One stored version of an object. Immutable and shared: readers never copy the JSON.
// Only the text is kept whole; the metadata (less managedFields) stays parsed for what reads
// it on every object (selectors, owners, finalizers). The whole object is parsed on demand:
// keeping every object parsed would cost several times its JSON size in memory.
struct StoredObject {
  std::shared_ptr<const std::string> text;        // the object serialized
  std::shared_ptr<const nlohmann::json> metadata;  // parsed metadata without managedFields
  uint64_t resource_version = 0;

  bool empty() const { return !text; }
  // The whole object, parsed from text.
  nlohmann::json Object() const;
  // metadata[key] or null.
  const nlohmann::json& Meta(const char* key) const;

  // From a whole object (serializes it once).
  static StoredObject Of(const nlohmann::json& object, uint64_t resource_version);
};

enum class WatchEventType { kAdded, kModified, kDeleted };

struct StoreEvent {
  WatchEventType type;
  std::string group_resource;  // "deployments.apps"
  std::string namespace_;      // "" for cluster-scoped
  std::string name;
  StoredObject object;         // the new state, or the last state for kDeleted
  uint64_t resource_version = 0;
  StoredObject previous;       // the state before a kModified or kDeleted; empty for kAdded
};

// What a mutation decides for one key.
struct Mutation {
  enum class Kind { kPut, kDelete, kNoChange } kind = Kind::kNoChange;
  nlohmann::json object;  // for kPut; its metadata.resourceVersion is set by the store
};

struct ListOptions {
  std::string namespace_;                                  // "" = all namespaces
  std::function<bool(const StoredObject&)> filter;         // null = everything
  int64_t limit = 0;                                       // 0 = no limit
  std::string start_after;                                 // key to continue after
  // 0 = now; otherwise the list as it was at that version (continue tokens and
  // resourceVersionMatch=Exact), rebuilt from the watch history.
  uint64_t at_resource_version = 0;
};

struct ListResult {
  std::vector<StoredObject> items;
  uint64_t resource_version = 0;  // the store's version when the list was taken
  std::string last_key;           // set when more items remain (for a continue token)
  int64_t remaining = 0;          // items after last_key that also match
  bool expired = false;           // at_resource_version is older than the kept history
};

class ObjectStore {
 public:
  struct Options {
    size_t history_capacity = 20000;  // events kept for watches from a resourceVersion
  };

  ObjectStore(std::unique_ptr<StorageBackend> backend, Options options);
  ~ObjectStore();
  ObjectStore(const ObjectStore&) = delete;
  ObjectStore& operator=(const ObjectStore&) = delete;

  // Loads what the backend holds. `resource_of_key` tells the store nothing new: keys are
  // "<group-resource>/<namespace>/<name>" with an empty namespace for cluster-scoped objects.
  absl::Status Load();

  std::optional<StoredObject> Get(const std::string& group_resource, const std::string& ns,
                                  const std::string& name) const;
  ListResult List(const std::string& group_resource, const ListOptions& options) const;
  uint64_t CurrentResourceVersion() const;
  // Every (namespace, name) of a resource; used for cascading deletion and namespaces.
  size_t Count(const std::string& group_resource, const std::string& ns) const;

  // Runs `decide` with the current object (null when absent) under the write lock and
  // applies its decision atomically. Returns the stored result (for kDelete, the last
  // state; for kNoChange, the current state), or decide's error.
  using Decide = std::function<absl::StatusOr<Mutation>(const StoredObject* current)>;
  absl::StatusOr<StoredObject> Mutate(const std::string& group_resource, const std::string& ns,
                                      const std::string& name, const Decide& decide);

  // Watching. The callback sees every event after `from_resource_version` for the resource
  // (all resources when group_resource is empty). With `from_resource_version == 0`
  // `initial_state` controls whether current objects are first replayed as kAdded.
  // Returns OutOfRange (-> 410 Gone) when history no longer reaches back that far.
  using WatchCallback = std::function<void(const StoreEvent&)>;
  // `on_caught_up(rv)`, if set, runs under the lock once the replay is done, with the version
  // the watch is now current at (for the initial-events-end bookmark).
  absl::StatusOr<uint64_t> AddWatch(const std::string& group_resource,
                                    uint64_t from_resource_version, bool initial_state,
                                    WatchCallback callback,
                                    const std::function<void(uint64_t)>& on_caught_up = nullptr);
  // Runs `fn(current resource version)` while no write can happen, so what it sends to a
  // watcher is ordered after every event already delivered (progress bookmarks).
  void WithCurrentVersion(const std::function<void(uint64_t)>& fn) const;
  void RemoveWatch(uint64_t watch_id);
  size_t WatchCount() const;

  // Forgets all history (test fault: the next watch from an old version gets 410).
  void CompactHistory();
  uint64_t OldestWatchableResourceVersion() const;

 private:
  struct Watcher {
    std::string group_resource;
    WatchCallback callback;
  };

  static std::string ObjectKey(const std::string& ns, const std::string& name);
  void Publish(const StoreEvent& event);  // requires mu_ held exclusively

  // Constant after construction.
  const std::unique_ptr<StorageBackend> backend_;
  const Options options_;

  mutable std::shared_mutex mu_;
  // group-resource -> "<ns>/<name>" -> object. Ordered so lists come out sorted by
  // namespace and name, as from etcd.
  std::map<std::string, std::map<std::string, StoredObject>> objects_;  // guarded by mu_
  uint64_t resource_version_ = 0;                                       // guarded by mu_
  std::deque<StoreEvent> history_;                                      // guarded by mu_
  uint64_t compacted_through_ = 0;  // newest version no longer in history; guarded by mu_
  std::map<uint64_t, Watcher> watchers_;                                // guarded by mu_
  uint64_t next_watch_id_ = 1;                                          // guarded by mu_
};

// Splits a backend key into its parts; false when malformed.
bool SplitStoreKey(const std::string& key, std::string* group_resource, std::string* ns,
                   std::string* name);
std::string StoreKey(const std::string& group_resource, const std::string& ns,
                     const std::string& name);

}  // namespace upkeep::apiserver
