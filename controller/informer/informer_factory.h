// InformerFactory: one shared Informer per resource type (and namespace), so every controller
// watching ConfigMaps shares one list+watch and one cache, as client-go's
// SharedInformerFactory. Informers asked for after Start are started at once. Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/informer/informer.h"

namespace upkeep::controller {

struct InformerFactoryOptions {
  std::string namespace_;                        // "" = all namespaces
  std::chrono::milliseconds resync_period{0};    // 0 = never
  std::function<void(const ResourceType&, const std::string&, const absl::Status&)> on_error;
};

class InformerFactory {
 public:
  InformerFactory(KubeClient& client, InformerFactoryOptions options,
                  const Clock& clock = RealClock::Get());
  ~InformerFactory();  // stops and joins the informers
  InformerFactory(const InformerFactory&) = delete;
  InformerFactory& operator=(const InformerFactory&) = delete;

  // The shared informer for `type` (cluster-scoped kinds ignore the namespace).
  Informer& For(const ResourceType& type);

  // Runs every informer on its own thread until Stop().
  void Start();
  void Stop();
  // True once every informer created so far has synced; false on timeout.
  bool WaitForCacheSync(std::chrono::milliseconds timeout);
  bool AllSynced() const;
  size_t CachedObjects() const;

 private:
  KubeClient& client_;
  const InformerFactoryOptions options_;
  const Clock& clock_;

  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Informer>> informers_;  // guarded by mu_
  std::vector<std::jthread> threads_;                            // guarded by mu_
  std::stop_source stop_;
  bool started_ = false;                                         // guarded by mu_
};

}  // namespace upkeep::controller
