// The `upkeep backup list` table and JSON.
#include "cmd/upkeep/backup_listing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::cmd {
namespace {

using namespace std::chrono_literals;

api::v1alpha1::BackupRecord Record(const std::string& id, bool verified) {
  api::v1alpha1::BackupRecord r;
  r.id = id;
  r.verified = verified;
  return r;
}

backup::BackupManifest Manifest(const std::string& id, std::chrono::sys_seconds completed,
                                std::vector<std::string> names, uint64_t each_size) {
  backup::BackupManifest m;
  m.id = id;
  m.run_id = "run-" + id;
  m.start_time = completed - 10s;
  m.completion_time = completed;
  for (const std::string& n : names) {
    m.artifacts.push_back({n, "", each_size, std::string(64, 'a')});
  }
  return m;
}

TEST(HumanSizeTest, UsesBinaryUnitsWithOneDecimalBelowTen) {
  struct Row {
    uint64_t bytes;
    const char* want;
  };
  for (const Row& row : {Row{0, "0 B"}, Row{1023, "1023 B"}, Row{1536, "1.5 KiB"},
                         Row{10 * 1024 * 1024, "10 MiB"}, Row{3ull << 30, "3.0 GiB"}}) {
    EXPECT_EQ(HumanSize(row.bytes), row.want) << row.bytes;
  }
}

TEST(FormatBackupTableTest, ListsNewestFirstWithVerifiedFromStatus) {
  using std::chrono::sys_days;
  using namespace std::chrono;
  std::vector<backup::BackupManifest> oldest_first = {
      Manifest("20261129T030000Z-a", sys_days{2026y / 11 / 29} + 3h, {"app.dump.zst.enc"}, 2048),
      Manifest("20261130T030000Z-b", sys_days{2026y / 11 / 30} + 3h,
               {"a.dump.zst.enc", "b.dump.zst.enc", "c.dump.zst.enc", "d.dump.zst.enc"}, 100),
  };
  api::v1alpha1::BackupPolicyStatus status;
  status.backups.push_back(Record("20261129T030000Z-a", true));

  std::string table = FormatBackupTable(oldest_first, status);
  EXPECT_EQ(table,
            "ID                   COMPLETED              SIZE      ARTIFACTS          VERIFIED\n"
            "20261130T030000Z-b   2026-11-30T03:00:00Z   400 B     4 artifacts        -\n"
            "20261129T030000Z-a   2026-11-29T03:00:00Z   2.0 KiB   app.dump.zst.enc   yes\n");
}

TEST(BackupListJsonTest, HoldsManifestsNewestFirstVerifiedAndProblems) {
  using namespace std::chrono;
  std::vector<backup::BackupManifest> oldest_first = {
      Manifest("old", sys_days{2026y / 1 / 1}, {"files.tar.zst.enc"}, 1),
      Manifest("new", sys_days{2026y / 1 / 2}, {"files.tar.zst.enc"}, 1)};
  api::v1alpha1::BackupPolicyStatus status;
  status.backups.push_back(Record("new", false));
  nlohmann::json j = BackupListJson("file:///b", oldest_first, status, {"x: damaged"});
  EXPECT_EQ(j["location"], "file:///b");
  ASSERT_EQ(j["backups"].size(), 2u);
  EXPECT_EQ(j["backups"][0]["id"], "new");
  EXPECT_EQ(j["backups"][0]["verified"], false);
  EXPECT_TRUE(j["backups"][1]["verified"].is_null());
  EXPECT_EQ(j["problems"], nlohmann::json::array({"x: damaged"}));
}

}  // namespace
}  // namespace upkeep::cmd
