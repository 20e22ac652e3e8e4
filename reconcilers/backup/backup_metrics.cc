#include "reconcilers/backup/backup_metrics.h"

#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::reconcilers::backup {
namespace {

using Labels = std::map<std::string, std::string>;
constexpr const char* kConditionStatuses[] = {"True", "False", "Unknown"};

double Seconds(std::chrono::system_clock::time_point t) {
  return std::chrono::duration<double>(t.time_since_epoch()).count();
}

template <typename T>
void RemoveIfPresent(prometheus::Family<T>& family, const Labels& labels) {
  if (family.Has(labels)) family.Remove(&family.Add(labels));
}

void SetOrRemove(prometheus::Family<prometheus::Gauge>& family, const Labels& labels,
                 const std::optional<std::chrono::system_clock::time_point>& t) {
  if (t) {
    family.Add(labels).Set(Seconds(*t));
  } else {
    RemoveIfPresent(family, labels);
  }
}

// From seconds to a day: a small volume takes seconds, a large database hours.
prometheus::Histogram::BucketBoundaries DurationBuckets() {
  return {1, 5, 15, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400};
}

}  // namespace

BackupMetrics::BackupMetrics(prometheus::Registry& registry)
    : last_success_(prometheus::BuildGauge()
                        .Name("upkeep_backup_last_success_timestamp_seconds")
                        .Help("When the policy's last successful backup completed, in seconds "
                              "since the epoch.")
                        .Register(registry)),
      last_verified_(prometheus::BuildGauge()
                         .Name("upkeep_backup_last_verified_timestamp_seconds")
                         .Help("When a restore test of the policy's backups last passed, in "
                               "seconds since the epoch.")
                         .Register(registry)),
      size_(prometheus::BuildGauge()
                .Name("upkeep_backup_size_bytes")
                .Help("Stored size (compressed and encrypted) of the policy's newest backup.")
                .Register(registry)),
      ready_(prometheus::BuildGauge()
                 .Name("upkeep_backup_ready_status")
                 .Help("The status of the BackupPolicy's Ready condition: 1 on the current "
                       "status (True, False or Unknown), 0 on the others.")
                 .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("upkeep_backup_duration_seconds")
                    .Help("How long backup runs took, start to finish, by result.")
                    .Register(registry)),
      runs_(prometheus::BuildCounter()
                .Name("upkeep_backup_runs_total")
                .Help("Backup runs finished, by result (succeeded, failed).")
                .Register(registry)),
      verifications_(prometheus::BuildCounter()
                         .Name("upkeep_backup_verifications_total")
                         .Help("Restore tests finished, by result (passed, failed).")
                         .Register(registry)),
      missed_(prometheus::BuildCounter()
                  .Name("upkeep_backup_missed_runs_total")
                  .Help("Scheduled runs that did not start (the controller was away past "
                        "startingDeadlineSeconds, or a run was still active under Forbid).")
                  .Register(registry)) {}

void BackupMetrics::Refresh(const std::vector<nlohmann::json>& policies) {
  std::set<std::pair<std::string, std::string>> seen;
  for (const nlohmann::json& object : policies) {
    api::v1alpha1::ObjectMetadata md = api::v1alpha1::ParseObjectMetadata(object);
    api::ParseReport report;
    const nlohmann::json* status_json = object.contains("status") ? &object["status"] : nullptr;
    api::FieldReader reader(status_json, "status", report);
    api::v1alpha1::BackupPolicyStatus status = api::v1alpha1::ParseBackupPolicyStatus(reader);
    Labels labels = {{"namespace", md.namespace_}, {"name", md.name}};
    seen.emplace(md.namespace_, md.name);
    SetOrRemove(last_success_, labels, status.last_successful_time);
    SetOrRemove(last_verified_, labels, status.last_verified_time);
    if (!status.backups.empty()) {
      size_.Add(labels).Set(static_cast<double>(status.backups.front().size_bytes));
    } else {
      RemoveIfPresent(size_, labels);
    }
    std::string ready = "Unknown";
    for (const controller::Condition& c : status.common.conditions) {
      if (c.type == api::v1alpha1::kConditionReady) ready = c.status;
    }
    for (const char* s : kConditionStatuses) {
      Labels with = labels;
      with["condition"] = s;
      ready_.Add(with).Set(ready == s ? 1 : 0);
    }
  }
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& [ns, name] : exported_) {
    if (seen.count({ns, name}) == 0) Forget(ns, name);
  }
  exported_ = std::move(seen);
}

void BackupMetrics::CountRun(const std::string& ns, const std::string& name, bool succeeded,
                             std::chrono::duration<double> duration) {
  Labels labels = {{"namespace", ns}, {"name", name},
                   {"result", succeeded ? "succeeded" : "failed"}};
  runs_.Add(labels).Increment();
  duration_.Add(labels, DurationBuckets()).Observe(duration.count());
}

void BackupMetrics::CountVerification(const std::string& ns, const std::string& name,
                                      bool passed) {
  verifications_.Add({{"namespace", ns}, {"name", name}, {"result", passed ? "passed" : "failed"}})
      .Increment();
}

void BackupMetrics::CountMissed(const std::string& ns, const std::string& name, int64_t missed) {
  if (missed > 0) {
    missed_.Add({{"namespace", ns}, {"name", name}}).Increment(static_cast<double>(missed));
  }
}

void BackupMetrics::Forget(const std::string& ns, const std::string& name) {
  Labels labels = {{"namespace", ns}, {"name", name}};
  RemoveIfPresent(last_success_, labels);
  RemoveIfPresent(last_verified_, labels);
  RemoveIfPresent(size_, labels);
  RemoveIfPresent(missed_, labels);
  for (const char* s : kConditionStatuses) {
    Labels with = labels;
    with["condition"] = s;
    RemoveIfPresent(ready_, with);
  }
  for (const char* result : {"succeeded", "failed"}) {
    Labels with = labels;
    with["result"] = result;
    RemoveIfPresent(runs_, with);
    if (duration_.Has(with)) duration_.Remove(&duration_.Add(with, DurationBuckets()));
  }
  for (const char* result : {"passed", "failed"}) {
    Labels with = labels;
    with["result"] = result;
    RemoveIfPresent(verifications_, with);
  }
}

}  // namespace upkeep::reconcilers::backup
