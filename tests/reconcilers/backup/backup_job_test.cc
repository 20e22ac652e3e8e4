// The Job of a backup run and how its end is read: pure functions, no cluster.
#include "reconcilers/backup/backup_job.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "reconcilers/backup/run_report.h"

namespace upkeep::reconcilers::backup {
namespace {

using nlohmann::json;
using ::testing::HasSubstr;

api::v1alpha1::BackupPolicy Policy() {
  json object = {
      {"apiVersion", "upkeep.dev/v1alpha1"},
      {"kind", "BackupPolicy"},
      {"metadata", {{"name", "media"}, {"namespace", "prod"}, {"uid", "uid-1"}, {"generation", 1}}},
      {"spec",
       {{"schedule", "0 3 * * *"},
        {"source", {{"volume", {{"claimName", "media"}, {"path", "/uploads"}}}}},
        {"destination", {{"volume", {{"claimName", "backups"}, {"path", "/media"}}}}},
        {"encryption", {{"keySecretRef", {{"name", "k"}, {"key", "key"}}}}},
        {"executor",
         {{"mode", "Job"},
          {"serviceAccountName", "upkeep-runner"},
          {"activeDeadlineSeconds", 600},
          {"resources", {{"limits", {{"memory", "256Mi"}}}}}}}}}};
  auto parsed = api::v1alpha1::ParseBackupPolicy(object);
  EXPECT_TRUE(parsed.ok()) << parsed.status();
  return *parsed;
}

TEST(BackupJobNameTest, FitsSixtyThreeCharactersAndStaysDistinct) {
  EXPECT_EQ(BackupJobName("media", "r20261201t020000"), "media-r20261201t020000");
  std::string a = BackupJobName(std::string(80, 'a'), "r20261201t020000-now");
  std::string b = BackupJobName(std::string(79, 'a') + "b", "r20261201t020000-now");
  EXPECT_LE(a.size(), 63u);
  EXPECT_NE(a, b);
  EXPECT_THAT(a, ::testing::EndsWith("-r20261201t020000-now"));
}

TEST(BuildBackupJobTest, RunsTheRunnerWithTheClaimsMountedAndLockedDown) {
  BackupJobOptions options;
  options.default_image = "ghcr.io/upkeep/upkeep:0.1.0";
  auto job = BuildBackupJob(Policy(), "r1", options);
  ASSERT_TRUE(job.ok()) << job.status();
  const json& pod = (*job)["spec"]["template"]["spec"];
  const json& c = pod["containers"][0];
  EXPECT_EQ((*job)["metadata"]["name"], "media-r1");
  EXPECT_EQ((*job)["metadata"]["namespace"], "prod");
  EXPECT_EQ((*job)["metadata"]["ownerReferences"][0]["uid"], "uid-1");
  EXPECT_EQ((*job)["metadata"]["ownerReferences"][0]["controller"], true);
  EXPECT_EQ((*job)["spec"]["backoffLimit"], 1);
  EXPECT_EQ((*job)["spec"]["activeDeadlineSeconds"], 600);
  EXPECT_EQ(c["image"], "ghcr.io/upkeep/upkeep:0.1.0");
  EXPECT_EQ(c["args"], json({"run", "backup", "prod/media", "--run-id", "r1"}));
  EXPECT_EQ(c["resources"]["limits"]["memory"], "256Mi");
  EXPECT_EQ(c["securityContext"]["readOnlyRootFilesystem"], true);
  EXPECT_EQ(c["securityContext"]["allowPrivilegeEscalation"], false);
  EXPECT_EQ(pod["serviceAccountName"], "upkeep-runner");
  EXPECT_EQ(pod["restartPolicy"], "Never");
  // The destination claim writable, the source claim read-only, both under the volume root.
  json mounts = c["volumeMounts"];
  ASSERT_EQ(mounts.size(), 3u);
  EXPECT_EQ(mounts[1]["mountPath"], "/var/lib/upkeep/volumes/backups");
  EXPECT_EQ(mounts[1]["readOnly"], false);
  EXPECT_EQ(mounts[2]["mountPath"], "/var/lib/upkeep/volumes/media");
  EXPECT_EQ(mounts[2]["readOnly"], true);
  EXPECT_EQ(pod["volumes"][2]["persistentVolumeClaim"]["claimName"], "media");
  EXPECT_THAT(job->dump(), ::testing::Not(HasSubstr("password")));
}

TEST(BuildBackupJobTest, WithoutAnImageSaysWhichFieldToSet) {
  auto job = BuildBackupJob(Policy(), "r1", {});
  EXPECT_EQ(job.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(job.status().message()), HasSubstr("spec.executor.image"));
}

json JobWith(const char* condition, const char* reason = "", const char* message = "") {
  json job = {{"metadata", {{"name", "media-r1"}}}, {"status", json::object()}};
  if (condition != nullptr) {
    job["status"]["conditions"] = {
        {{"type", condition}, {"status", "True"}, {"reason", reason}, {"message", message}}};
  }
  return job;
}

json PodEnded(const std::string& created, const std::string& message, int exit_code,
              const char* reason) {
  return {{"metadata", {{"creationTimestamp", created}}},
          {"status",
           {{"containerStatuses",
             {{{"name", "backup"},
               {"state",
                {{"terminated",
                  {{"exitCode", exit_code}, {"reason", reason}, {"message", message}}}}}}}}}}};
}

TEST(ReadBackupJobTest, RunningUntilTheJobHasAnEndCondition) {
  EXPECT_EQ(ReadBackupJob(JobWith(nullptr), {}).kind, RunState::Kind::kRunning);
}

TEST(ReadBackupJobTest, TheNewestPodsReportIsTheOutcome) {
  PolicyRunOutcome first;
  first.run_id = "r1";
  first.message = "connection refused";
  PolicyRunOutcome second;
  second.run_id = "r1";
  second.succeeded = true;
  second.backup_id = "20261201T020000Z-r1";
  std::vector<json> pods = {PodEnded("2026-12-01T02:00:00Z", ReportLine(RunReport(first)), 1, "Error"),
                            PodEnded("2026-12-01T02:01:00Z", ReportLine(RunReport(second)), 0,
                                     "Completed")};
  RunState state = ReadBackupJob(JobWith("Complete"), pods);
  ASSERT_EQ(state.kind, RunState::Kind::kFinished);
  EXPECT_TRUE(state.outcome.succeeded);
  EXPECT_EQ(state.outcome.backup_id, "20261201T020000Z-r1");
}

TEST(ReadBackupJobTest, AFailedJobWithoutAReportSaysWhyFromTheJobAndContainer) {
  RunState state = ReadBackupJob(
      JobWith("Failed", "DeadlineExceeded", "Job was active longer than specified deadline"),
      {PodEnded("2026-12-01T02:00:00Z", "", 137, "OOMKilled")});
  ASSERT_EQ(state.kind, RunState::Kind::kFinished);
  EXPECT_FALSE(state.outcome.succeeded);
  EXPECT_THAT(state.outcome.message, HasSubstr("DeadlineExceeded"));
  EXPECT_THAT(state.outcome.message, HasSubstr("longer than specified deadline"));
  EXPECT_THAT(state.outcome.message, HasSubstr("OOMKilled, exit code 137"));
}

}  // namespace
}  // namespace upkeep::reconcilers::backup
