// LeaderElector: Lease-based leader election, so that of several replicas of the operator
// only one reconciles at a time. Our own take on client-go's tools/leaderelection with a
// coordination.k8s.io/v1 Lease as the lock:
//  - Candidates try to acquire every retry_period (jittered up to +120%). A Lease held by
//    someone else is taken over only when it has not changed for its leaseDurationSeconds,
//    measured on the local clock from when this candidate last saw it change; the remote
//    renewTime is never trusted as a clock, so clock skew between replicas does not matter
//    (only their clock rates).
//  - The leader renews every retry_period. It stops leading when it has not renewed within
//    renew_deadline of its last successful renewal (IsLeader() turns false at that moment,
//    even while a request hangs), or when it sees another holder.
//  - Every write is a compare-and-swap on the Lease's resourceVersion: a 409 means another
//    candidate won this round.
//  - On stop, a leader with release_on_cancel clears holderIdentity (leaseDurationSeconds 1)
//    so a successor takes over at once instead of after a lease duration. Only release when
//    all work guarded by leadership has stopped.
// No fencing: as in client-go, work started on a stale IsLeader() answer (say, after a long
// pause of the process) can overlap with a successor's; the margin is lease_duration -
// renew_deadline.
//
// Thread-safety: Run() runs on one thread at a time (it may run again after it returned);
// IsLeader() and GetLeader() may be called from any thread. Callbacks run on the Run() thread and
// must return promptly (on_started_leading starts work elsewhere). Requests are not interrupted by
// stop: give the KubeClient a timeout below renew_deadline and few retries.
#pragma once

#include <absl/status/status.h>

#include <condition_variable>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <stop_token>
#include <string>

#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/leaderelection/lease_record.h"

namespace upkeep::controller {

struct LeaderElectionConfig {
  std::string lease_namespace;
  std::string lease_name;
  std::string identity;  // unique per replica, e.g. pod name + random suffix
  // How long candidates wait after the Lease last changed before taking it over; whole
  // seconds (leaseDurationSeconds), at least 1 s.
  Clock::Duration lease_duration = std::chrono::seconds(15);
  // How long the leader keeps trying to renew before it gives up leadership.
  Clock::Duration renew_deadline = std::chrono::seconds(10);
  // Between attempts to acquire or renew.
  Clock::Duration retry_period = std::chrono::seconds(2);
  // Clear the Lease when Run stops while leading, so a successor need not wait.
  bool release_on_cancel = true;
};

struct LeaderCallbacks {
  // This replica became the leader.
  std::function<void()> on_started_leading;
  // This replica stopped leading (lost the Lease, or Run was stopped). Unlike client-go, not
  // called when Run ends without ever having led.
  std::function<void()> on_stopped_leading;
  // A different holder was observed (including this replica); not called for "no holder".
  std::function<void(const std::string& identity)> on_new_leader;
  // Leading or not, for leader_election_master_status: false at the start of Run, then on
  // every change.
  std::function<void(bool leading)> on_leader_status;
  // Lines for logs: called with a message and the error; may be empty.
  std::function<void(const std::string& message, const absl::Status& error)> on_error;
};

// OK, or InvalidArgument saying what is wrong: names and identity are required;
// lease_duration > renew_deadline > 1.2 * retry_period > 0; lease_duration >= 1 s.
absl::Status ValidateLeaderElectionConfig(const LeaderElectionConfig& config);

class LeaderElector {
 public:
  // `client` and `clock` must outlive the elector.
  LeaderElector(KubeClient& client, const Clock& clock, LeaderElectionConfig config,
                LeaderCallbacks callbacks);
  LeaderElector(const LeaderElector&) = delete;
  LeaderElector& operator=(const LeaderElector&) = delete;

  // Blocks: acquires, then renews until leadership is lost or `stop` is requested. Returns
  // at once (reporting to on_error) if the config is invalid.
  void Run(std::stop_token stop);

  // True while this replica leads and its last renewal is within renew_deadline.
  bool IsLeader() const;
  // The last observed holder ("" if none yet).
  std::string GetLeader() const;

 private:
  // Reads, creates or updates the Lease once; true when this replica holds it afterwards.
  bool TryAcquireOrRenew(Clock::TimePoint now);
  bool UpdateLease(const LeaderElectionRecord& record);
  void Observe(const LeaderElectionRecord& record);
  bool ObservedLeaseValid(Clock::TimePoint now) const;
  void MaybeReportNewLeader();
  bool Acquire(const std::stop_token& stop);
  // Returns when leadership is lost (false) or stop is requested (true).
  bool RenewUntilLostOrStopped(const std::stop_token& stop);
  void Release();
  void SetLeading(bool leading, Clock::TimePoint valid_until = {});
  // Waits on the clock until `deadline`; false if stop was requested first.
  bool WaitUntil(const std::stop_token& stop, Clock::TimePoint deadline);
  Clock::Duration JitteredRetryPeriod();
  void ReportError(const std::string& message, const absl::Status& error);

  // Constant after construction.
  KubeClient& client_;
  const Clock& clock_;
  const LeaderElectionConfig config_;
  const LeaderCallbacks callbacks_;

  // Only touched by the Run() thread.
  std::optional<nlohmann::json> lease_;  // as last read or written, for its resourceVersion
  LeaderElectionRecord observed_record_;
  Clock::TimePoint observed_time_;  // local time observed_record_ was seen to change
  std::string reported_leader_;
  std::minstd_rand jitter_random_{std::random_device{}()};

  mutable std::mutex mu_;
  std::condition_variable cv_;            // notified when stop is requested
  bool leading_ = false;                  // guarded by mu_
  Clock::TimePoint leading_valid_until_;  // guarded by mu_
  std::string observed_holder_;           // guarded by mu_
};

}  // namespace upkeep::controller
