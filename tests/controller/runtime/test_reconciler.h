// A reconciler that lives in the tests (the binary has none until the first real one lands):
// it records every call and answers with what the test's function decides.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/runtime/reconciler.h"

namespace upkeep::controller {

class RecordingReconciler : public Reconciler {
 public:
  struct Call {
    std::string key;
    std::string value;         // data.v of the object seen
    Clock::TimePoint at;       // by the controller's clock
  };
  using Decide = std::function<absl::StatusOr<Action>(const nlohmann::json&, ReconcileContext&)>;

  explicit RecordingReconciler(Decide decide = nullptr) : decide_(std::move(decide)) {}

  absl::StatusOr<Action> Reconcile(const nlohmann::json& object, ReconcileContext& ctx) override {
    std::string key = ctx.request.Key();
    {
      std::lock_guard<std::mutex> lock(mu_);
      int now = ++in_flight_[key];
      max_in_flight_per_key_ = std::max(max_in_flight_per_key_, now);
      int total = ++in_flight_total_;
      max_in_flight_total_ = std::max(max_in_flight_total_, total);
      calls_.push_back({key, object.contains("data") ? object["data"].value("v", "") : "",
                        ctx.clock.Now()});
    }
    if (hold_.count() > 0) std::this_thread::sleep_for(hold_);
    absl::StatusOr<Action> result = decide_ ? decide_(object, ctx) : Action::AwaitChange();
    std::lock_guard<std::mutex> lock(mu_);
    --in_flight_[key];
    --in_flight_total_;
    return result;
  }

  void set_hold(std::chrono::milliseconds hold) { hold_ = hold; }
  std::vector<Call> Calls() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }
  std::vector<Call> CallsFor(const std::string& key) {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<Call> out;
    for (const auto& c : calls_) {
      if (c.key == key) out.push_back(c);
    }
    return out;
  }
  size_t CallCount() {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_.size();
  }
  int MaxInFlightPerKey() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_per_key_;
  }
  int MaxInFlightTotal() {
    std::lock_guard<std::mutex> lock(mu_);
    return max_in_flight_total_;
  }

 private:
  Decide decide_;
  std::chrono::milliseconds hold_{0};
  std::mutex mu_;
  std::vector<Call> calls_;
  std::map<std::string, int> in_flight_;
  int in_flight_total_ = 0;
  int max_in_flight_per_key_ = 0;
  int max_in_flight_total_ = 0;
};

}  // namespace upkeep::controller
