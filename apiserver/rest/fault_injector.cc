#include "apiserver/rest/fault_injector.h"

namespace upkeep::apiserver {

void FaultInjector::Set(const FaultPlan& plan) {
  std::lock_guard<std::mutex> lock(mu_);
  plan_ = plan;
}

FaultPlan FaultInjector::Get() const {
  std::lock_guard<std::mutex> lock(mu_);
  return plan_;
}

std::optional<int> FaultInjector::ErrorFor(const std::string& verb) {
  std::lock_guard<std::mutex> lock(mu_);
  if (plan_.error_rate <= 0) return std::nullopt;
  if (!plan_.verbs.empty() && ("," + plan_.verbs + ",").find("," + verb + ",") == std::string::npos) {
    return std::nullopt;
  }
  std::uniform_real_distribution<double> u(0, 1);
  if (u(rng_) < plan_.error_rate) return plan_.error_code;
  return std::nullopt;
}

bool FaultInjector::TakeWatchExpiry() {
  std::lock_guard<std::mutex> lock(mu_);
  if (plan_.expire_next_watches <= 0) return false;
  --plan_.expire_next_watches;
  return true;
}

std::chrono::milliseconds FaultInjector::Latency() const {
  std::lock_guard<std::mutex> lock(mu_);
  return plan_.latency;
}

FaultPlan FaultInjector::PlanFromJson(const nlohmann::json& j) {
  FaultPlan p;
  p.error_rate = j.value("errorRate", 0.0);
  p.error_code = j.value("errorCode", 500);
  p.retry_after_seconds = j.value("retryAfterSeconds", 1);
  p.verbs = j.value("verbs", "");
  p.expire_next_watches = j.value("expireNextWatches", 0);
  p.latency = std::chrono::milliseconds(j.value("latencyMs", 0));
  return p;
}

nlohmann::json FaultInjector::PlanToJson(const FaultPlan& p) {
  return {{"errorRate", p.error_rate},
          {"errorCode", p.error_code},
          {"retryAfterSeconds", p.retry_after_seconds},
          {"verbs", p.verbs},
          {"expireNextWatches", p.expire_next_watches},
          {"latencyMs", p.latency.count()}};
}

}  // namespace upkeep::apiserver
