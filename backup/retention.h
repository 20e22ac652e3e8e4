// Which backups a BackupPolicy's retention keeps and which it deletes, and why: the "decide"
// step of pruning. The caller gathers the successful, complete backups at the destination
// (from their manifests), calls DecideRetention and deletes what it says to delete. A failed
// run deletes nothing: the caller does not prune after a failure.
//
// The keep rules are restic's `forget --keep-*` ("grandfather-father-son"):
// - keep_last n keeps the n newest backups;
// - keep_hourly/daily/weekly/monthly/yearly n keep, for each of the n most recent hours,
//   days, ISO weeks, months or years that have a backup, the newest backup in it. Periods
//   without a backup are not counted, so a paused schedule does not age its backups out.
// Periods are the calendar periods of the policy's time zone: a backup at 23:30 UTC belongs
// to the next day in Europe/Berlin; a day is a local date however many hours it has; an hour
// that happens twice when the clocks go back is two hours.
//
// A backup is kept when any keep rule selects it, unless it is older than max_age (completed
// before now - max_age). The newest backup and the newest verified backup are always kept,
// whatever the rules and max_age say, so pruning never leaves no restorable backup. With no
// keep rule every backup is selected, so max_age alone keeps everything younger than it, and
// with no rule and no max_age nothing is deleted.
//
// Deciding on the survivors of a previous decision deletes nothing more (with the same now):
// the decision is stable, so a controller that prunes again after a crash is harmless.
//
// Pure functions; thread-safe.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "crds/v1alpha1/backup_policy.h"
#include "reconcilers/schedule/run_times.h"

namespace upkeep::backup {

// A successful, complete backup: what retention needs of its manifest.
struct RetentionCandidate {
  std::string id;
  std::chrono::system_clock::time_point completion_time;
  bool verified = false;  // a restore test of this backup passed
};

// Reasons, as they appear in RetentionDecision::reasons (and so in Events and logs).
// No keep rule is set, so every backup is kept (within max_age, when there is one).
inline constexpr char kKeptWithoutRules[] = "no keep rule";
inline constexpr char kKeptByLast[] = "last";
inline constexpr char kKeptByHourly[] = "hourly";
inline constexpr char kKeptByDaily[] = "daily";
inline constexpr char kKeptByWeekly[] = "weekly";
inline constexpr char kKeptByMonthly[] = "monthly";
inline constexpr char kKeptByYearly[] = "yearly";
inline constexpr char kKeptAsNewest[] = "newest";
inline constexpr char kKeptAsNewestVerified[] = "newest-verified";
inline constexpr char kDeletedUnselected[] = "no rule selected it";
// Followed by the policy's max_age: "older than maxAge 400d".
inline constexpr char kDeletedOlderThanPrefix[] = "older than maxAge ";

struct RetentionDecision {
  std::string id;
  std::chrono::system_clock::time_point completion_time;
  bool keep = false;
  // Kept: every rule that selected it, in the order of the constants above (an expired
  // backup kept as the newest names only kKeptAsNewest / kKeptAsNewestVerified). Deleted:
  // one reason, kDeletedUnselected or the max_age one.
  std::vector<std::string> reasons;
};

// One decision per candidate, newest first. The order of `candidates` does not matter:
// backups that completed at the same time are ordered by id, the greater id counting as the
// newer. Ids are expected to be unique. Keep counts below 1 mean "no such rule".
std::vector<RetentionDecision> DecideRetention(const std::vector<RetentionCandidate>& candidates,
                                               const api::v1alpha1::RetentionPolicy& policy,
                                               const schedule::TimeZone& zone,
                                               std::chrono::system_clock::time_point now);

}  // namespace upkeep::backup
