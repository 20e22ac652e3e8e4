// FaultInjector: failures a test asks the server to produce, so clients can be proven
// against drops, 410, 429, 500, 503 and latency at the real HTTP seam. Off unless a test
// configures it through the admin endpoint (/upkeep/faults, loopback clients only).
// Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>
#include <random>
#include <string>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

struct FaultPlan {
  // A share (0..1) of resource requests answered with `error_code` (429, 500 or 503).
  double error_rate = 0;
  int error_code = 500;
  int retry_after_seconds = 1;  // for 429
  // Only requests whose verb is in this list are affected ("" = all).
  std::string verbs;
  // Watch requests answered with an immediate 410 ERROR event, for the next N watches.
  int expire_next_watches = 0;
  // Added before answering each resource request.
  std::chrono::milliseconds latency{0};
};

class FaultInjector {
 public:
  void Set(const FaultPlan& plan);
  FaultPlan Get() const;
  // Decides for one request: the error code to answer with, or none.
  std::optional<int> ErrorFor(const std::string& verb);
  // True when this watch should get 410 (and counts it down).
  bool TakeWatchExpiry();
  std::chrono::milliseconds Latency() const;

  static FaultPlan PlanFromJson(const nlohmann::json& j);
  static nlohmann::json PlanToJson(const FaultPlan& plan);

 private:
  mutable std::mutex mu_;
  FaultPlan plan_;  // guarded by mu_
  std::mt19937 rng_{12345};  // guarded by mu_; deterministic for repeatable tests
};

}  // namespace upkeep::apiserver
