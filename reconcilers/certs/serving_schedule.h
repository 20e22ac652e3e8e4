// When verifyServing connects to the endpoint: once for each new certificate or spec
// generation (a changed address is looked at once), then every
// minute until the endpoint serves it (a rolling restart takes a while), then hourly (a
// redeploy may bring an old certificate back). Without it every reconcile, including the one
// upkeep's own status write triggers, would cost a TLS handshake.
//
// Kept in memory per CertRenewal (by UID): after a restart each object is probed once more.
// Deleted objects' entries are dropped wholesale when the table grows past a bound.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

namespace upkeep::reconcilers::certs {

inline constexpr std::chrono::minutes kServingRecheck{1};
inline constexpr std::chrono::hours kServingReverify{1};

class ServingSchedule {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // Whether the object `uid` at `generation`, whose Secret holds `serial`, is due a probe at
  // `now`.
  bool Due(const std::string& uid, int64_t generation, const std::string& serial,
           TimePoint now) const;
  // A probe of `serial` was made at `now` and its result recorded in status.
  void Record(const std::string& uid, int64_t generation, const std::string& serial,
              bool serves_current, TimePoint now);
  // When `uid` is next due; nullopt if it was never probed (so it is due at once).
  std::optional<TimePoint> NextDue(const std::string& uid) const;

 private:
  struct Entry {
    int64_t generation = 0;
    std::string serial;
    TimePoint next_due;
  };
  mutable std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace upkeep::reconcilers::certs
