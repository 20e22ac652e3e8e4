#include "controller/informer/informer_factory.h"

namespace upkeep::controller {

InformerFactory::InformerFactory(KubeClient& client, InformerFactoryOptions options,
                                 const Clock& clock)
    : client_(client), options_(std::move(options)), clock_(clock) {}

InformerFactory::~InformerFactory() { Stop(); }

Informer& InformerFactory::For(const ResourceType& type) {
  std::lock_guard<std::mutex> lock(mu_);
  std::string key = type.GroupResource() + "/" + type.version;
  auto it = informers_.find(key);
  if (it != informers_.end()) return *it->second;
  InformerOptions informer_options;
  informer_options.namespace_ = type.namespaced ? options_.namespace_ : "";
  informer_options.resync_period = options_.resync_period;
  if (options_.on_error) {
    informer_options.on_error = [on_error = options_.on_error, type](
                                    const std::string& message, const absl::Status& error) {
      on_error(type, message, error);
    };
  }
  auto informer = std::make_unique<Informer>(client_, type, informer_options, clock_);
  Informer& ref = *informer;
  informers_.emplace(key, std::move(informer));
  if (started_) {
    threads_.emplace_back([&ref, token = stop_.get_token()] { ref.Run(token); });
  }
  return ref;
}

void InformerFactory::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_) return;
  started_ = true;
  for (auto& [key, informer] : informers_) {
    Informer* ref = informer.get();
    threads_.emplace_back([ref, token = stop_.get_token()] { ref->Run(token); });
  }
}

void InformerFactory::Stop() {
  stop_.request_stop();
  std::vector<std::jthread> threads;
  {
    std::lock_guard<std::mutex> lock(mu_);
    threads.swap(threads_);
  }
  for (auto& t : threads) {
    if (t.joinable()) t.join();
  }
}

bool InformerFactory::WaitForCacheSync(std::chrono::milliseconds timeout) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<Informer*> informers;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (auto& [key, informer] : informers_) informers.push_back(informer.get());
  }
  for (Informer* informer : informers) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0 && !informer->HasSynced()) return false;
    if (!informer->WaitForSync(stop_.get_token(), left)) return false;
  }
  return true;
}

bool InformerFactory::AllSynced() const {
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [key, informer] : informers_) {
    if (!informer->HasSynced()) return false;
  }
  return true;
}

size_t InformerFactory::CachedObjects() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [key, informer] : informers_) n += informer->Cache().Size();
  return n;
}

}  // namespace upkeep::controller
