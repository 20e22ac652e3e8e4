// The BackupPolicy metrics of the issue and API.md, on the operator's registry:
//   upkeep_backup_last_success_timestamp_seconds{namespace,name}   status.lastSuccessfulTime
//   upkeep_backup_last_verified_timestamp_seconds{namespace,name}  status.lastVerifiedTime
//   upkeep_backup_size_bytes{namespace,name}                       the newest backup's stored size
//   upkeep_backup_ready_status{namespace,name,condition}           1 on Ready's status
//   upkeep_backup_duration_seconds{namespace,name,result}          histogram of run durations
//   upkeep_backup_runs_total{namespace,name,result}                succeeded | failed
//   upkeep_backup_verifications_total{namespace,name,result}       passed | failed
//   upkeep_backup_missed_runs_total{namespace,name}                runs not started
// The gauges mirror the policies' status as cached (Refresh before each scrape), so every
// replica exports them, a time not known yet is absent (never 0), and a deleted policy's
// series go with it; alert on `time() - upkeep_backup_last_success_timestamp_seconds`.
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace upkeep::reconcilers::backup {

class BackupMetrics {
 public:
  explicit BackupMetrics(prometheus::Registry& registry);
  BackupMetrics(const BackupMetrics&) = delete;
  BackupMetrics& operator=(const BackupMetrics&) = delete;

  // Sets the gauges from `policies` (BackupPolicy objects with their status) and drops the
  // series of every policy not among them.
  void Refresh(const std::vector<nlohmann::json>& policies);
  void CountRun(const std::string& ns, const std::string& name, bool succeeded,
                std::chrono::duration<double> duration);
  void CountVerification(const std::string& ns, const std::string& name, bool passed);
  void CountMissed(const std::string& ns, const std::string& name, int64_t missed);

 private:
  void Forget(const std::string& ns, const std::string& name);

  prometheus::Family<prometheus::Gauge>& last_success_;
  prometheus::Family<prometheus::Gauge>& last_verified_;
  prometheus::Family<prometheus::Gauge>& size_;
  prometheus::Family<prometheus::Gauge>& ready_;
  prometheus::Family<prometheus::Histogram>& duration_;
  prometheus::Family<prometheus::Counter>& runs_;
  prometheus::Family<prometheus::Counter>& verifications_;
  prometheus::Family<prometheus::Counter>& missed_;

  std::mutex mu_;
  std::set<std::pair<std::string, std::string>> exported_;  // guarded by mu_
};

}  // namespace upkeep::reconcilers::backup
