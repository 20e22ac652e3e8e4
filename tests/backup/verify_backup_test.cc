// The restore test against a real PostgreSQL 15: a good backup restores into a scratch
// database where the checks pass, the scratch database is dropped and the outcome is kept
// beside the manifest; a broken backup and a failing check are recorded as failed, saying
// what failed; a folder backup is verified by extracting it.
#include "backup/verify_backup.h"

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backup/backup_run.h"
#include "backup/directory_store.h"
#include "tests/backup/test_sinks.h"
#include "tests/support/postgres_process.h"

namespace upkeep::backup {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using upkeep::testing::PostgresProcess;

const std::string kKey(32, '\x33');

api::v1alpha1::VerifyCheck Check(const std::string& sql, const std::string& expect) {
  api::v1alpha1::VerifyCheck check;
  check.sql = sql;
  check.expect = expect;
  check.expectation = *api::v1alpha1::ParseCheckExpectation(expect);
  return check;
}

class VerifyBackupTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(*pg);
    ASSERT_TRUE(pg_->CreateDatabase("app").ok());
    ASSERT_TRUE(pg_->Sql("app",
                         "create table users (id int primary key, email text);"
                         "insert into users select g, 'u' || g || '@example.test' "
                         "from generate_series(1, 250) g;")
                    .ok());
    std::string templ = (fs::temp_directory_path() / "upkeep-verify-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    auto store = DirectoryStore::Open(dir_ + "/prod/db");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }

  PostgresConnection Connection(const std::string& database) {
    PostgresConnection c;
    c.host = pg_->host();
    c.port = pg_->port();
    c.user = pg_->superuser();
    c.password = pg_->password();
    c.database = database;
    return c;
  }

  BackupManifest Backup() {
    BackupRunRequest r;
    r.policy_namespace = "prod";
    r.policy_name = "db";
    r.run_id = "run-1";
    r.source = PostgresBackupSource{Connection("app"), DumpFormat::kCustom};
    r.key = kKey;
    auto manifest = RunBackup(r, *store_);
    EXPECT_TRUE(manifest.ok()) << manifest.status();
    return *manifest;
  }

  VerifyRequest Request(std::vector<api::v1alpha1::VerifyCheck> checks) {
    VerifyRequest v;
    v.scratch = Connection("");
    v.run_id = "Run-1";
    v.checks = std::move(checks);
    v.key = kKey;
    return v;
  }

  std::string Databases() {
    return pg_->Sql("postgres", "select string_agg(datname, ',' order by datname) "
                                "from pg_database where not datistemplate")
        .value_or("?");
  }

  std::unique_ptr<PostgresProcess> pg_;
  std::string dir_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_F(VerifyBackupTest, AGoodBackupPassesItsChecksAndTheScratchDatabaseIsDropped) {
  BackupManifest manifest = Backup();
  auto record = VerifyBackup(*store_, manifest,
                             Request({Check("select count(*) from users", "= 250"),
                                      Check("select min(email) from users", "= 'u100@example.test'")}));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_TRUE(record->passed) << record->message;
  ASSERT_EQ(record->checks.size(), 2u);
  EXPECT_THAT(record->checks[0], HasSubstr("got 250, ok"));
  EXPECT_EQ(Databases(), "app,postgres");  // upkeep_verify_run_1 is gone
  // The outcome is kept beside the manifest and listed with it.
  auto listed = store_->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_TRUE(listed->front().verification.has_value());
  EXPECT_TRUE(listed->front().verification->passed);
  EXPECT_EQ(listed->front().verification->checks, record->checks);
}

TEST_F(VerifyBackupTest, AFailingCheckIsRecordedWithTheValueItGot) {
  BackupManifest manifest = Backup();
  auto record = VerifyBackup(*store_, manifest,
                             Request({Check("select count(*) from users", "> 1000")}));
  ASSERT_TRUE(record.ok());
  EXPECT_FALSE(record->passed);
  EXPECT_THAT(record->message, HasSubstr("select count(*) from users (expect > 1000): got 250"));
  EXPECT_EQ(Databases(), "app,postgres");
  auto listed = store_->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok());
  EXPECT_FALSE(listed->front().verification->passed);
}

TEST_F(VerifyBackupTest, ABrokenBackupIsCaught) {
  BackupManifest manifest = Backup();
  const fs::path artifact = fs::path(store_->root()) / manifest.id / "app.dump.zst.enc";
  std::string bytes;
  {
    std::ifstream in(artifact, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes.resize(bytes.size() - 100);  // cut short, as a bad disk or a bad upload would
  std::ofstream(artifact, std::ios::binary | std::ios::trunc) << bytes;
  auto record = VerifyBackup(*store_, manifest, Request({Check("select 1", "= 1")}));
  ASSERT_TRUE(record.ok());
  EXPECT_FALSE(record->passed);
  EXPECT_THAT(record->message, HasSubstr("does not match its manifest"));
  EXPECT_EQ(Databases(), "app,postgres");
}

TEST_F(VerifyBackupTest, AFolderBackupIsVerifiedByExtractingIt) {
  fs::create_directories(fs::path(dir_) / "src");
  std::ofstream(fs::path(dir_) / "src" / "a.txt") << "hello";
  BackupRunRequest r;
  r.policy_namespace = "prod";
  r.policy_name = "files";
  r.run_id = "run-f";
  DirectoryBackupSource files;
  files.path = dir_ + "/src";
  r.source = files;
  r.key = kKey;
  auto manifest = RunBackup(r, *store_);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  auto record = VerifyBackup(*store_, *manifest, Request({}));
  ASSERT_TRUE(record.ok());
  EXPECT_TRUE(record->passed) << record->message;
  VerifyRequest wrong = Request({});
  wrong.key = std::string(32, '\x01');
  auto failed = VerifyBackup(*store_, *manifest, wrong);
  ASSERT_TRUE(failed.ok());
  EXPECT_FALSE(failed->passed);
  EXPECT_THAT(failed->message, HasSubstr("fingerprint"));
}

TEST(ScratchDatabaseNameTest, IsAValidLowercaseIdentifierWithinTheLimit) {
  EXPECT_EQ(ScratchDatabaseName("upkeep_verify", "Run-1", 0), "upkeep_verify_run_1");
  EXPECT_EQ(ScratchDatabaseName("upkeep_verify", "Run-1", 2), "upkeep_verify_run_1_2");
  EXPECT_LE(ScratchDatabaseName("p", std::string(100, 'x'), 0).size(), 63u);
}

}  // namespace
}  // namespace upkeep::backup
