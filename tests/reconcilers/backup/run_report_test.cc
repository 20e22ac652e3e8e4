// The one-line run report (what a Job's termination message carries back to the controller)
// and the pure parts of a run: when a restore test is due, the inventory.
#include "reconcilers/backup/run_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::reconcilers::backup {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono;
using namespace std::chrono_literals;

PolicyRunOutcome Succeeded() {
  PolicyRunOutcome o;
  o.run_id = "r1";
  o.succeeded = true;
  o.message = "backup done";
  o.start_time = sys_days{2026y / 1 / 1};
  o.completion_time = sys_days{2026y / 1 / 1} + 90s;
  o.backup_id = "20260101T000000Z-r1";
  o.size_bytes = 10;
  o.sha256 = std::string(64, 'f');
  o.location = "file:///b/ns/p";
  o.artifacts = {"a.dump.zst.enc", "b.dump.zst.enc"};
  o.pruned = {"20251201T000000Z-x"};
  upkeep::backup::VerificationRecord v;
  v.time = sys_days{2026y / 1 / 1} + 80s;
  v.passed = false;
  v.message = "check select 1 = 0 failed";
  o.verification = v;
  for (int i = 0; i < 3; ++i) {
    api::v1alpha1::BackupRecord r;
    r.id = "id" + std::to_string(i);
    r.completion_time = sys_days{2026y / 1 / 1} - days(i);
    r.size_bytes = 5 + i;
    r.sha256 = std::string(64, 'a');
    r.location = "file:///b/ns/p/id" + std::to_string(i);
    r.encrypted = true;
    r.verified = i == 1;
    o.backups.push_back(r);
  }
  return o;
}

TEST(RunReportTest, ASucceededRunRoundTripsThroughTheLine) {
  PolicyRunOutcome o = Succeeded();
  std::string line = ReportLine(RunReport(o));
  EXPECT_EQ(line.find('\n'), std::string::npos);
  absl::StatusOr<PolicyRunOutcome> back = ParseRunReport(line);
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_TRUE(back->succeeded);
  EXPECT_EQ(back->run_id, "r1");
  EXPECT_EQ(back->backup_id, o.backup_id);
  EXPECT_EQ(back->size_bytes, 10u);
  EXPECT_EQ(back->sha256, o.sha256);
  EXPECT_EQ(back->artifacts, o.artifacts);
  EXPECT_EQ(back->pruned, o.pruned);
  EXPECT_EQ(back->start_time, o.start_time);
  EXPECT_EQ(back->completion_time, o.completion_time);
  ASSERT_TRUE(back->verification.has_value());
  EXPECT_FALSE(back->verification->passed);
  EXPECT_EQ(back->verification->time, o.verification->time);
  EXPECT_EQ(back->verification->message, o.verification->message);
  ASSERT_EQ(back->backups.size(), 3u);
  EXPECT_EQ(back->backups[1].id, "id1");
  EXPECT_TRUE(back->backups[1].verified);
  EXPECT_EQ(back->backups[2].completion_time, o.backups[2].completion_time);
  EXPECT_EQ(back->backups[0].location, "file:///b/ns/p/id0");
}

TEST(RunReportTest, AFailedRunCarriesItsMessage) {
  PolicyRunOutcome o;
  o.run_id = "r2";
  o.message = "pg_dump of app failed: connection refused";
  auto back = ParseRunReport(ReportLine(RunReport(o)));
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE(back->succeeded);
  EXPECT_EQ(back->message, o.message);
  EXPECT_TRUE(back->backup_id.empty());
}

TEST(RunReportTest, ALongReportFitsTheTerminationMessageNewestBackupsFirst) {
  PolicyRunOutcome o = Succeeded();
  o.backups.clear();
  for (int i = 0; i < 300; ++i) {
    o.artifacts.push_back("database_" + std::to_string(i) + ".dump.zst.enc");
    api::v1alpha1::BackupRecord r;
    r.id = "backup-" + std::to_string(i);
    r.sha256 = std::string(64, 'a');
    o.backups.push_back(r);
  }
  std::string line = ReportLine(RunReport(o));
  EXPECT_LE(line.size(), kTerminationMessageLimit);
  auto back = ParseRunReport(line);
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_FALSE(back->backups.empty());
  EXPECT_EQ(back->backups.front().id, "backup-0");  // the newest stay
  EXPECT_EQ(nlohmann::json::parse(line)["artifacts"], 302);

  PolicyRunOutcome failed;
  failed.run_id = "r";
  failed.message = std::string(10000, 'x');
  std::string failed_line = ReportLine(RunReport(failed));
  EXPECT_LE(failed_line.size(), kTerminationMessageLimit);
  EXPECT_THAT(failed_line, HasSubstr("\"result\":\"Failed\""));
}

TEST(RunReportTest, TextThatIsNotAReportIsRefusedQuotingIt) {
  for (std::string_view line : {"", "OOMKilled", "{\"result\":\"Maybe\"}", "[1,2]"}) {
    auto parsed = ParseRunReport(line);
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument) << line;
  }
  EXPECT_THAT(std::string(ParseRunReport("OOMKilled").status().message()),
              HasSubstr("OOMKilled"));
}

upkeep::backup::BackupManifest Listed(const std::string& id, sys_seconds completed,
                                      std::optional<bool> verified = std::nullopt) {
  upkeep::backup::BackupManifest m;
  m.id = id;
  m.completion_time = completed;
  m.encryption = "AES-256-GCM/64KiB";
  m.artifacts.push_back({"a", "", 7, std::string(64, 'b')});
  if (verified) {
    upkeep::backup::VerificationRecord v;
    v.time = completed + 1min;
    v.passed = *verified;
    m.verification = v;
  }
  return m;
}

TEST(VerificationDueTest, EveryNCountsBackupsSinceTheLastTest) {
  api::v1alpha1::VerifySpec spec;
  spec.every = 3;
  const auto zone = schedule::TimeZone::Utc();
  const sys_seconds t0 = sys_days{2026y / 3 / 1};
  std::vector<upkeep::backup::BackupManifest> listed = {Listed("a", t0), Listed("b", t0 + 24h)};
  EXPECT_FALSE(VerificationDue(spec, listed, zone, t0 + 48h));
  listed.push_back(Listed("c", t0 + 48h));
  EXPECT_TRUE(VerificationDue(spec, listed, zone, t0 + 48h));  // the third: test it
  listed.back() = Listed("c", t0 + 48h, /*verified=*/false);    // a failed test counts too
  listed.push_back(Listed("d", t0 + 72h));
  listed.push_back(Listed("e", t0 + 96h));
  EXPECT_FALSE(VerificationDue(spec, listed, zone, t0 + 96h));
  listed.push_back(Listed("f", t0 + 120h));
  EXPECT_TRUE(VerificationDue(spec, listed, zone, t0 + 120h));
  EXPECT_FALSE(VerificationDue(std::nullopt, listed, zone, t0 + 120h));
  EXPECT_FALSE(VerificationDue(spec, {}, zone, t0));
}

TEST(VerificationDueTest, AScheduleTestsOnceAfterEachScheduledTime) {
  api::v1alpha1::VerifySpec spec;
  auto parsed = api::ParseSchedule("0 5 1 * *");  // 05:00 on the 1st of each month
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  spec.schedule = *parsed;
  const auto zone = schedule::TimeZone::Utc();
  const sys_seconds t0 = sys_days{2026y / 3 / 2};
  std::vector<upkeep::backup::BackupManifest> listed = {Listed("a", t0)};
  EXPECT_TRUE(VerificationDue(spec, listed, zone, t0));  // never tested: the first is
  listed.back() = Listed("a", t0, true);
  listed.push_back(Listed("b", t0 + 24h));
  EXPECT_FALSE(VerificationDue(spec, listed, zone, t0 + 24h));
  listed.push_back(Listed("c", sys_days{2026y / 4 / 1} + 6h));
  EXPECT_TRUE(VerificationDue(spec, listed, zone, sys_days{2026y / 4 / 1} + 6h));
}

TEST(BackupInventoryTest, NewestFirstWithVerifiedOnlyForPassedTests) {
  const sys_seconds t0 = sys_days{2026y / 3 / 1};
  auto records = BackupInventory(
      {Listed("a", t0, true), Listed("b", t0 + 1h, false), Listed("c", t0 + 2h)}, "file:///x");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].id, "c");
  EXPECT_EQ(records[0].location, "file:///x/c");
  EXPECT_EQ(records[0].size_bytes, 7);
  EXPECT_TRUE(records[0].encrypted);
  EXPECT_FALSE(records[1].verified);
  EXPECT_TRUE(records[2].verified);
  EXPECT_EQ(BackupInventory({Listed("a", t0)}, "s3://b/p/")[0].location, "s3://b/p/a");
}

}  // namespace
}  // namespace upkeep::reconcilers::backup
