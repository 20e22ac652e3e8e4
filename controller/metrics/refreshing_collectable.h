// RefreshingCollectable: the registry as a scrape sees it, after every registered
// GaugeRefresher has set its gauges. Gauges that mirror state owned elsewhere (a work
// queue's unfinished work) are thus current at scrape time without a background thread.
//
// Thread-safe: Collect and Register may run concurrently from any thread.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <prometheus/registry.h>

namespace upkeep::controller {

// Sets some gauges from their source. Called on the scraping thread; must be quick and
// must not scrape.
class GaugeRefresher {
 public:
  virtual ~GaugeRefresher() = default;
  virtual void Refresh() = 0;
};

class RefreshingCollectable final : public prometheus::Collectable {
 public:
  explicit RefreshingCollectable(std::shared_ptr<prometheus::Registry> registry);

  // Runs `refresher` before each Collect for as long as it is alive (held weakly).
  void Register(std::weak_ptr<GaugeRefresher> refresher);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  // Constant after construction.
  const std::shared_ptr<prometheus::Registry> registry_;

  mutable std::mutex mu_;
  mutable std::vector<std::weak_ptr<GaugeRefresher>> refreshers_;  // guarded by mu_
};

}  // namespace upkeep::controller
