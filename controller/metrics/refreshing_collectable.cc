#include "controller/metrics/refreshing_collectable.h"

#include <algorithm>

namespace upkeep::controller {

RefreshingCollectable::RefreshingCollectable(std::shared_ptr<prometheus::Registry> registry)
    : registry_(std::move(registry)) {}

void RefreshingCollectable::Register(std::weak_ptr<GaugeRefresher> refresher) {
  std::lock_guard<std::mutex> lock(mu_);
  refreshers_.push_back(std::move(refresher));
}

std::vector<prometheus::MetricFamily> RefreshingCollectable::Collect() const {
  std::vector<std::shared_ptr<GaugeRefresher>> live;
  {
    std::lock_guard<std::mutex> lock(mu_);
    std::erase_if(refreshers_, [](const std::weak_ptr<GaugeRefresher>& r) { return r.expired(); });
    for (const std::weak_ptr<GaugeRefresher>& r : refreshers_) {
      if (std::shared_ptr<GaugeRefresher> s = r.lock()) live.push_back(std::move(s));
    }
  }
  // Outside mu_: a refresher may take its source's locks.
  for (const std::shared_ptr<GaugeRefresher>& r : live) r->Refresh();
  return registry_->Collect();
}

}  // namespace upkeep::controller
