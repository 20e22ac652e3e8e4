#include "controller/leaderelection/leader_elector.h"

#include <absl/strings/str_cat.h>

#include <algorithm>
#include <utility>

#include "controller/client/api_error.h"
#include "controller/client/resource_type.h"
#include "controller/object/kube_time.h"

namespace upkeep::controller {
namespace {

constexpr double kJitterFactor = 1.2;  // client-go's JitterFactor

int WholeSeconds(Clock::Duration d) {
  return static_cast<int>(std::chrono::duration_cast<std::chrono::seconds>(d).count());
}

}  // namespace

absl::Status ValidateLeaderElectionConfig(const LeaderElectionConfig& config) {
  if (config.lease_namespace.empty() || config.lease_name.empty()) {
    return absl::InvalidArgumentError("leader election: lease namespace and name are required");
  }
  if (config.identity.empty()) {
    return absl::InvalidArgumentError("leader election: identity is required");
  }
  if (config.retry_period <= Clock::Duration::zero()) {
    return absl::InvalidArgumentError("leader election: retry period must be positive");
  }
  if (config.renew_deadline <= config.retry_period * kJitterFactor) {
    return absl::InvalidArgumentError(
        "leader election: renew deadline must be greater than retry period * 1.2");
  }
  if (config.lease_duration <= config.renew_deadline) {
    return absl::InvalidArgumentError(
        "leader election: lease duration must be greater than renew deadline");
  }
  if (config.lease_duration < std::chrono::seconds(1)) {
    return absl::InvalidArgumentError("leader election: lease duration must be at least 1s");
  }
  return absl::OkStatus();
}

LeaderElector::LeaderElector(KubeClient& client, const Clock& clock, LeaderElectionConfig config,
                             LeaderCallbacks callbacks)
    : client_(client),
      clock_(clock),
      config_(std::move(config)),
      callbacks_(std::move(callbacks)) {}

bool LeaderElector::IsLeader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return leading_ && clock_.Now() < leading_valid_until_;
}

std::string LeaderElector::GetLeader() const {
  std::lock_guard<std::mutex> lock(mu_);
  return observed_holder_;
}

void LeaderElector::Run(std::stop_token stop) {
  if (absl::Status valid = ValidateLeaderElectionConfig(config_); !valid.ok()) {
    ReportError("not running leader election", valid);
    return;
  }
  std::stop_callback wake(stop, [this] {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  });
  if (callbacks_.on_leader_status) callbacks_.on_leader_status(false);
  if (!Acquire(stop)) return;
  RenewUntilLostOrStopped(stop);
  // Not leading from here on, whether or not the release below gets through.
  SetLeading(false);
  if (config_.release_on_cancel) Release();
  if (callbacks_.on_leader_status) callbacks_.on_leader_status(false);
  if (callbacks_.on_stopped_leading) callbacks_.on_stopped_leading();
}

bool LeaderElector::Acquire(const std::stop_token& stop) {
  while (!stop.stop_requested()) {
    const Clock::TimePoint attempt = clock_.Now();
    const bool acquired = TryAcquireOrRenew(attempt);
    MaybeReportNewLeader();
    if (acquired) {
      SetLeading(true, attempt + config_.renew_deadline);
      if (callbacks_.on_leader_status) callbacks_.on_leader_status(true);
      if (callbacks_.on_started_leading) callbacks_.on_started_leading();
      return true;
    }
    if (!WaitUntil(stop, clock_.Now() + JitteredRetryPeriod())) break;
  }
  return false;
}

bool LeaderElector::RenewUntilLostOrStopped(const std::stop_token& stop) {
  Clock::TimePoint valid_until;
  {
    std::lock_guard<std::mutex> lock(mu_);
    valid_until = leading_valid_until_;
  }
  // Wakes at the deadline too, so a leader that cannot renew steps down on time.
  while (WaitUntil(stop, std::min(clock_.Now() + config_.retry_period, valid_until))) {
    const Clock::TimePoint attempt = clock_.Now();
    if (attempt >= valid_until) return false;
    const bool renewed = TryAcquireOrRenew(attempt);
    MaybeReportNewLeader();
    const Clock::TimePoint done = clock_.Now();
    if (renewed) {
      // Others wait lease_duration from when they see this write, which came after
      // `attempt`, and renew_deadline < lease_duration.
      valid_until = attempt + config_.renew_deadline;
      if (done >= valid_until) return false;
      SetLeading(true, valid_until);
      continue;
    }
    if (observed_record_.holder_identity != config_.identity || done >= valid_until) {
      return false;
    }
  }
  return true;
}

bool LeaderElector::TryAcquireOrRenew(Clock::TimePoint now) {
  LeaderElectionRecord record;
  record.holder_identity = config_.identity;
  record.lease_duration_seconds = WholeSeconds(config_.lease_duration);
  record.acquire_time = FormatRfc3339Micro(now);
  record.renew_time = record.acquire_time;

  const bool observed_self = observed_record_.holder_identity == config_.identity;
  // Fast path: the leader assumes the Lease is as it last wrote it; a 409 sends it the slow
  // way.
  if (observed_self && lease_.has_value() && ObservedLeaseValid(now)) {
    record.acquire_time = observed_record_.acquire_time;
    record.leader_transitions = observed_record_.leader_transitions;
    if (UpdateLease(record)) return true;
  }

  absl::StatusOr<nlohmann::json> current =
      client_.Get(resources::Leases(), config_.lease_namespace, config_.lease_name);
  if (!current.ok()) {
    if (!controller::IsNotFound(current.status())) {
      ReportError(
          absl::StrCat("cannot read lease ", config_.lease_namespace, "/", config_.lease_name),
          current.status());
      return false;
    }
    absl::StatusOr<nlohmann::json> created =
        client_.Create(resources::Leases(), config_.lease_namespace,
                       NewLease(config_.lease_namespace, config_.lease_name, record));
    if (!created.ok()) {
      if (!controller::IsAlreadyExists(created.status())) {
        ReportError(
            absl::StrCat("cannot create lease ", config_.lease_namespace, "/", config_.lease_name),
            created.status());
      }
      return false;
    }
    lease_ = *std::move(created);
    Observe(record);
    return true;
  }

  lease_ = *std::move(current);
  const LeaderElectionRecord existing = RecordFromLease(*lease_);
  if (existing != observed_record_) Observe(existing);
  const bool held_by_self = existing.holder_identity == config_.identity;
  if (!existing.holder_identity.empty() && !held_by_self && ObservedLeaseValid(now)) {
    return false;  // someone else holds it and has not been silent for a lease duration
  }
  if (held_by_self) {
    record.acquire_time = existing.acquire_time;
    record.leader_transitions = existing.leader_transitions;
  } else {
    record.leader_transitions = existing.leader_transitions + 1;
  }
  return UpdateLease(record);
}

bool LeaderElector::UpdateLease(const LeaderElectionRecord& record) {
  absl::StatusOr<nlohmann::json> updated =
      client_.Update(resources::Leases(), LeaseWithRecord(*lease_, record));
  if (!updated.ok()) {
    if (!controller::IsConflict(updated.status())) {
      ReportError(
          absl::StrCat("cannot update lease ", config_.lease_namespace, "/", config_.lease_name),
          updated.status());
    }
    return false;
  }
  lease_ = *std::move(updated);
  Observe(record);
  return true;
}

void LeaderElector::Observe(const LeaderElectionRecord& record) {
  observed_record_ = record;
  observed_time_ = clock_.Now();
  std::lock_guard<std::mutex> lock(mu_);
  observed_holder_ = record.holder_identity;
}

bool LeaderElector::ObservedLeaseValid(Clock::TimePoint now) const {
  const Clock::Duration duration =
      observed_record_.lease_duration_seconds > 0
          ? std::chrono::seconds(observed_record_.lease_duration_seconds)
          : config_.lease_duration;
  return now < observed_time_ + duration;
}

void LeaderElector::MaybeReportNewLeader() {
  const std::string& holder = observed_record_.holder_identity;
  if (holder.empty() || holder == reported_leader_) return;
  reported_leader_ = holder;
  if (callbacks_.on_new_leader) callbacks_.on_new_leader(holder);
}

void LeaderElector::Release() {
  absl::StatusOr<nlohmann::json> current =
      client_.Get(resources::Leases(), config_.lease_namespace, config_.lease_name);
  if (!current.ok()) {
    if (!controller::IsNotFound(current.status())) {
      ReportError("cannot read lease to release it", current.status());
    }
    return;
  }
  lease_ = *std::move(current);
  const LeaderElectionRecord existing = RecordFromLease(*lease_);
  if (existing != observed_record_) Observe(existing);
  if (existing.holder_identity != config_.identity) return;  // not ours any more
  LeaderElectionRecord released;
  released.lease_duration_seconds = 1;
  released.acquire_time = FormatRfc3339Micro(clock_.Now());
  released.renew_time = released.acquire_time;
  released.leader_transitions = existing.leader_transitions;
  UpdateLease(released);
}

void LeaderElector::SetLeading(bool leading, Clock::TimePoint valid_until) {
  std::lock_guard<std::mutex> lock(mu_);
  leading_ = leading;
  leading_valid_until_ = valid_until;
}

bool LeaderElector::WaitUntil(const std::stop_token& stop, Clock::TimePoint deadline) {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop.stop_requested()) {
    if (clock_.Now() >= deadline) return true;
    clock_.WaitUntil(lock, cv_, deadline);
  }
  return false;
}

Clock::Duration LeaderElector::JitteredRetryPeriod() {
  std::uniform_real_distribution<double> extra(0.0, kJitterFactor);
  return config_.retry_period +
         std::chrono::duration_cast<Clock::Duration>(config_.retry_period * extra(jitter_random_));
}

void LeaderElector::ReportError(const std::string& message, const absl::Status& error) {
  if (callbacks_.on_error) callbacks_.on_error(message, error);
}

}  // namespace upkeep::controller
