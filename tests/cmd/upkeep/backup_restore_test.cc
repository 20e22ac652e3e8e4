// The pure decisions of `upkeep backup restore`: the target URI (never echoing its password),
// which backup, and which artifact goes into which database.
#include "cmd/upkeep/backup_restore.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::cmd {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(ParsePostgresTargetTest, ReadsEveryPart) {
  auto c = ParsePostgresTarget(
      "postgresql://rest%40ore:s%3Acret@db.example:6543/app%20x"
      "?sslmode=require",
      "from-env");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->user, "rest@ore");
  EXPECT_EQ(c->password, "s:cret");
  EXPECT_EQ(c->host, "db.example");
  EXPECT_EQ(c->port, 6543);
  EXPECT_EQ(c->database, "app x");
  EXPECT_EQ(c->ssl_mode, "require");
  EXPECT_EQ(DescribeTarget(*c), "postgresql://rest@ore@db.example:6543/app x");
}

TEST(ParsePostgresTargetTest, DefaultsAndThePasswordFromTheEnvironment) {
  auto c = ParsePostgresTarget("postgres://u@[::1]/", "from-env");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->host, "::1");
  EXPECT_EQ(c->port, 5432);
  EXPECT_EQ(c->database, "");
  EXPECT_EQ(c->password, "from-env");
  EXPECT_EQ(c->ssl_mode, "prefer");
}

TEST(ParsePostgresTargetTest, ErrorsNeverHoldThePassword) {
  struct Row {
    const char* name;
    const char* uri;
    const char* want;
  };
  for (const Row& row : {
           Row{"scheme", "mysql://u:hunter2@h/db", "not a postgresql:// URI"},
           Row{"port", "postgresql://u:hunter2@h:99999/db", "port"},
           Row{"user", "postgresql://:hunter2@h/db", "no user"},
           Row{"host", "postgresql://u:hunter2@/db", "no host"},
           Row{"param", "postgresql://u:hunter2@h/db?password=x", "unsupported parameter"},
       }) {
    auto c = ParsePostgresTarget(row.uri, "");
    ASSERT_FALSE(c.ok()) << row.name;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << row.name;
    EXPECT_THAT(std::string(c.status().message()), HasSubstr(row.want)) << row.name;
    EXPECT_THAT(std::string(c.status().message()), Not(HasSubstr("hunter2"))) << row.name;
  }
}

backup::BackupManifest Postgres(const std::string& id, std::vector<std::string> databases) {
  backup::BackupManifest m;
  m.id = id;
  m.source_kind = "postgres";
  for (const std::string& db : databases) m.artifacts.push_back({db + ".dump.zst.enc", db, 1, ""});
  return m;
}

TEST(PickBackupTest, LatestIsTheNewestAndAnUnknownIdNamesTheNewest) {
  std::vector<backup::BackupManifest> oldest_first = {Postgres("a", {"x"}), Postgres("b", {"x"})};
  EXPECT_EQ(PickBackup(oldest_first, "", "file:///b")->id, "b");
  EXPECT_EQ(PickBackup(oldest_first, "a", "file:///b")->id, "a");
  auto missing = PickBackup(oldest_first, "zzz", "file:///b");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.status().message()),
              HasSubstr("there is no backup \"zzz\" in file:///b (the newest: b, a"));
  auto none = PickBackup({}, "", "file:///b");
  EXPECT_THAT(std::string(none.status().message()), HasSubstr("there are no backups in file:///b"));
}

TEST(PlanDatabaseRestoreTest, OneDatabaseGoesIntoTheUrisDatabase) {
  auto plan = PlanDatabaseRestore(Postgres("id", {"app"}), "app_restored", "");
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 1u);
  EXPECT_EQ((*plan)[0].artifact.database, "app");
  EXPECT_EQ((*plan)[0].into, "app_restored");
}

TEST(PlanDatabaseRestoreTest, EveryDatabaseBackupNeedsDatabaseAndDefaultsToItsName) {
  backup::BackupManifest all = Postgres("id", {"app", "billing"});
  auto unpicked = PlanDatabaseRestore(all, "x", "");
  ASSERT_FALSE(unpicked.ok());
  EXPECT_THAT(std::string(unpicked.status().message()),
              HasSubstr("holds 2 databases (app, billing): pick the one to restore with "
                        "--database NAME"));
  auto picked = PlanDatabaseRestore(all, "", "billing");
  ASSERT_TRUE(picked.ok()) << picked.status();
  EXPECT_EQ((*picked)[0].artifact.name, "billing.dump.zst.enc");
  EXPECT_EQ((*picked)[0].into, "billing");
  auto unknown = PlanDatabaseRestore(all, "", "nope");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
}

TEST(PlanDatabaseRestoreTest, AFolderBackupOrNoDatabaseIsRefused) {
  backup::BackupManifest files;
  files.id = "f";
  files.source_kind = "local";
  files.source = "/srv/data";
  files.artifacts.push_back({"files.tar.zst.enc", "", 1, ""});
  auto plan = PlanDatabaseRestore(files, "db", "");
  ASSERT_FALSE(plan.ok());
  EXPECT_THAT(std::string(plan.status().message()), HasSubstr("restore it with --to-dir"));
  auto nowhere = PlanDatabaseRestore(Postgres("id", {"app"}), "", "");
  EXPECT_THAT(std::string(nowhere.status().message()), HasSubstr("names no database"));
}

}  // namespace
}  // namespace upkeep::cmd
