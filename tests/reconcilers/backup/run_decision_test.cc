// When a BackupPolicy starts a run: CronJob's rules on a daily schedule, table-driven.
#include "reconcilers/backup/run_decision.h"

#include <gtest/gtest.h>

#include "controller/object/kube_time.h"

namespace upkeep::reconcilers::backup {
namespace {

using namespace std::chrono_literals;
using api::v1alpha1::ConcurrencyPolicy;
using Action = RunDecision::Action;

TimePoint At(const char* t) { return *controller::ParseRfc3339(t); }
std::string Str(std::optional<TimePoint> t) {
  return t ? controller::FormatRfc3339(*t) : "-";
}

struct Row {
  const char* name;
  const char* last_schedule;  // "" = never ran
  const char* now;
  std::function<void(api::v1alpha1::BackupPolicySpec&, api::v1alpha1::BackupPolicyStatus&,
                     std::string& run_now)>
      setup;
  Action action;
  const char* scheduled;  // "-" = none
  int64_t missed;
  const char* next;  // "-" = none
  bool run_now = false;
  const char* zone = "UTC";
};

void Nothing(api::v1alpha1::BackupPolicySpec&, api::v1alpha1::BackupPolicyStatus&,
             std::string&) {}
void Active(api::v1alpha1::BackupPolicySpec&, api::v1alpha1::BackupPolicyStatus& status,
            std::string&) {
  status.active = api::v1alpha1::ActiveBackupRun{"run-7", At("2026-11-30T02:00:00Z")};
}

class RunDecisionTest : public ::testing::TestWithParam<Row> {};

TEST_P(RunDecisionTest, Decides) {
  const Row& row = GetParam();
  api::v1alpha1::BackupPolicySpec spec;
  spec.schedule = *api::ParseSchedule("0 3 * * *");
  api::v1alpha1::BackupPolicyStatus status;
  if (*row.last_schedule) status.last_schedule_time = At(row.last_schedule);
  std::string run_now;
  row.setup(spec, status, run_now);
  auto zone = schedule::TimeZone::Load(row.zone);
  ASSERT_TRUE(zone.ok());
  RunDecisionInput in{&spec, &status, &*zone, At("2026-11-26T12:00:00Z"), run_now, At(row.now)};
  RunDecision d = DecideRun(in);
  EXPECT_EQ(d.action, row.action) << d.message;
  EXPECT_EQ(Str(d.scheduled_time), row.scheduled) << d.message;
  EXPECT_EQ(d.newly_missed, row.missed) << d.message;
  EXPECT_EQ(Str(d.next_check), row.next) << d.message;
  EXPECT_EQ(d.run_now, row.run_now);
  EXPECT_FALSE(d.message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RunDecisionTest,
    ::testing::Values(
        Row{"FirstRunAfterCreation", "", "2026-11-27T03:00:05Z", Nothing, Action::kStart,
            "2026-11-27T03:00:00Z", 0, "2026-11-28T03:00:00Z"},
        Row{"NotYetDue", "2026-11-29T03:00:00Z", "2026-11-30T02:59:59Z", Nothing, Action::kWait,
            "-", 0, "2026-11-30T03:00:00Z"},
        Row{"RestartRightAfterTheStartDoesNotRunTwice", "2026-11-30T03:00:00Z",
            "2026-11-30T03:00:30Z", Nothing, Action::kWait, "-", 0, "2026-12-01T03:00:00Z"},
        Row{"AwayThreeDaysRunsTheLatestAndCountsTheRest", "2026-11-27T03:00:00Z",
            "2026-11-30T10:00:00Z", Nothing, Action::kStart, "2026-11-30T03:00:00Z", 2,
            "2026-12-01T03:00:00Z"},
        Row{"PastTheStartingDeadlineAllAreMissedAndRemembered", "2026-11-27T03:00:00Z",
            "2026-11-30T10:00:00Z",
            [](auto& spec, auto&, auto&) { spec.starting_deadline = 1h; }, Action::kWait,
            "2026-11-30T03:00:00Z", 3, "2026-12-01T03:00:00Z"},
        Row{"WithinTheStartingDeadlineItRuns", "2026-11-29T03:00:00Z", "2026-11-30T03:30:00Z",
            [](auto& spec, auto&, auto&) { spec.starting_deadline = 1h; }, Action::kStart,
            "2026-11-30T03:00:00Z", 0, "2026-12-01T03:00:00Z"},
        Row{"ForbidSkipsADueRunWhileOneIsActive", "2026-11-29T03:00:00Z",
            "2026-11-30T03:00:10Z", Active, Action::kWait, "2026-11-30T03:00:00Z", 1,
            "2026-12-01T03:00:00Z"},
        Row{"ReplaceStopsTheActiveRun", "2026-11-29T03:00:00Z", "2026-11-30T03:00:10Z",
            [](auto& spec, auto& status, auto& rn) {
              Active(spec, status, rn);
              spec.concurrency_policy = ConcurrencyPolicy::kReplace;
            },
            Action::kReplace, "2026-11-30T03:00:00Z", 0, "2026-12-01T03:00:00Z"},
        Row{"SuspendedStartsNothing", "2026-11-29T03:00:00Z", "2026-11-30T03:00:10Z",
            [](auto& spec, auto&, auto&) { spec.suspend = true; }, Action::kWait, "-", 0, "-"},
        Row{"RunNowStartsAtOnceEvenWhenSuspended", "2026-11-30T03:00:00Z",
            "2026-11-30T11:00:00Z",
            [](auto& spec, auto&, auto& rn) {
              spec.suspend = true;
              rn = "2026-11-30T11:00:00Z";
            },
            Action::kStart, "2026-11-30T11:00:00Z", 0, "-", true},
        Row{"RunNowAlreadyActedOnIsIgnored", "2026-11-30T03:00:00Z", "2026-11-30T11:00:00Z",
            [](auto&, auto& status, auto& rn) {
              rn = "again";
              status.common.last_run_now = "again";
            },
            Action::kWait, "-", 0, "2026-12-01T03:00:00Z"},
        Row{"RunNowWaitsForAnActiveRunUnderForbid", "2026-11-30T03:00:00Z",
            "2026-11-30T11:00:00Z",
            [](auto& spec, auto& status, auto& rn) {
              Active(spec, status, rn);
              rn = "now";
            },
            Action::kWait, "-", 0, "-"},
        Row{"TheTimeZoneSetsTheHour", "2026-11-29T02:00:00Z", "2026-11-30T02:00:01Z", Nothing,
            Action::kStart, "2026-11-30T02:00:00Z", 0, "2026-12-01T02:00:00Z", false,
            "Europe/Amsterdam"}),
    [](const ::testing::TestParamInfo<Row>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace upkeep::reconcilers::backup
