// GarbageCollector: what kube-controller-manager's garbage collector and namespace controller
// do for the API server: background cascading deletion (dependents whose owners are all gone
// are deleted), foreground deletion (the owner waits with the foregroundDeletion finalizer
// until its dependents are gone), orphaning (the orphan finalizer strips ownerReferences from
// dependents), and namespace termination (a Terminating namespace is emptied, then removed).
// Runs on its own thread, fed by store events and a periodic rescan. Thread-safe.
#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>

#include "apiserver/registry/resource_registry.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/store/object_store.h"

namespace upkeep::apiserver {

class GarbageCollector {
 public:
  GarbageCollector(ObjectStore& store, ResourceRegistry& registry, ResourceHandler& resources);
  ~GarbageCollector();
  GarbageCollector(const GarbageCollector&) = delete;
  GarbageCollector& operator=(const GarbageCollector&) = delete;

 private:
  void Run();
  void Sweep();
  // Objects owned (by uid) by `owner_uid`, in `ns` (or everywhere when ns is empty).
  struct Ref {
    ResourcePtr resource;
    std::string ns;
    std::string name;
    nlohmann::json object;  // {"metadata": ...}: what the collector reads
  };
  std::vector<Ref> DependentsOf(const std::string& owner_uid, const std::string& ns);
  void RemoveFinalizer(const ResourceInfo& info, const std::string& ns, const std::string& name,
                       const std::string& finalizer);
  void FinishNamespace(const nlohmann::json& ns_object);

  ObjectStore& store_;
  ResourceRegistry& registry_;
  ResourceHandler& resources_;
  uint64_t watch_id_ = 0;

  std::mutex mu_;
  std::condition_variable wake_;
  bool dirty_ = true;     // guarded by mu_
  bool stopping_ = false; // guarded by mu_
  std::thread thread_;
};

}  // namespace upkeep::apiserver
