// pg_dump, pg_restore and psql against a real PostgreSQL 15 (tests/support/postgres_process):
// a dump restores into a fresh database with identical tables, in both formats; "*" lists
// every database; a wrong password and a server killed mid-dump are clear errors that never
// show the password.
#include "backup/postgres_tools.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/postgres_process.h"
#include "tests/backup/test_sinks.h"

namespace upkeep::backup {
namespace {

using testing::kTableChecksumsSql;
using testing::StringSink;

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using upkeep::testing::PostgresProcess;

class PostgresToolsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(*pg);
    ASSERT_TRUE(pg_->CreateDatabase("app").ok());
    ASSERT_TRUE(pg_->Sql("app",
                         "create table users (id int primary key, email text, note text);"
                         "insert into users select g, 'user' || g || '@example.test', "
                         "  repeat(md5(g::text), 3) from generate_series(1, 5000) g;"
                         "create table orders (id bigserial primary key, user_id int, "
                         "  amount numeric(10,2), placed timestamptz default now());"
                         "insert into orders (user_id, amount) select g % 5000 + 1, g * 1.25 "
                         "  from generate_series(1, 20000) g;")
                    .ok());
  }

  PostgresConnection Connection(const std::string& database) {
    PostgresConnection c;
    c.host = pg_->host();
    c.port = pg_->port();
    c.user = pg_->superuser();
    c.password = pg_->password();
    c.database = database;
    return c;
  }

  std::string Checksums(const std::string& database) {
    auto sums = pg_->Sql(database, kTableChecksumsSql);
    EXPECT_TRUE(sums.ok()) << sums.status();
    return sums.value_or("");
  }

  std::unique_ptr<PostgresProcess> pg_;
};

TEST_F(PostgresToolsTest, ADumpRestoresIntoAFreshDatabaseWithIdenticalTables) {
  for (DumpFormat format : {DumpFormat::kCustom, DumpFormat::kPlain}) {
    StringSink dump;
    ASSERT_TRUE(DumpDatabase(Connection("app"), format, dump).ok());
    EXPECT_EQ(dump.bytes.rfind(format == DumpFormat::kCustom ? "PGDMP" : "--", 0), 0u);
    const std::string target = format == DumpFormat::kCustom ? "restored_custom" : "restored_sql";
    ASSERT_TRUE(pg_->CreateDatabase(target).ok());
    auto restore = PostgresRestoreSink::Start(Connection(target), format);
    ASSERT_TRUE(restore.ok()) << restore.status();
    for (size_t i = 0; i < dump.bytes.size(); i += 100000) {
      ASSERT_TRUE((*restore)->Write(std::string_view(dump.bytes).substr(i, 100000)).ok());
    }
    absl::Status finished = (*restore)->Finish();
    ASSERT_TRUE(finished.ok()) << finished;
    EXPECT_EQ(Checksums(target), Checksums("app"));
    EXPECT_THAT(Checksums(target), HasSubstr("orders:"));
  }
}

TEST_F(PostgresToolsTest, ARestoreOfGarbageIsAClearFailure) {
  ASSERT_TRUE(pg_->CreateDatabase("target").ok());
  auto restore = PostgresRestoreSink::Start(Connection("target"), DumpFormat::kCustom);
  ASSERT_TRUE(restore.ok());
  (void)(*restore)->Write("this is not a dump");
  absl::Status finished = (*restore)->Finish();
  EXPECT_EQ(finished.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(finished.message(), HasSubstr("pg_restore"));
}

TEST_F(PostgresToolsTest, EveryDatabaseButTemplatesIsListed) {
  ASSERT_TRUE(pg_->CreateDatabase("billing").ok());
  auto names = ListDatabases(Connection("*"));
  ASSERT_TRUE(names.ok()) << names.status();
  EXPECT_THAT(*names, ElementsAre("app", "billing", "postgres"));
}

TEST_F(PostgresToolsTest, RunSqlReturnsRowsAndNamesAFailure) {
  auto count = RunSql(Connection("app"), "select count(*), max(id) from users");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, "5000|5000");
  auto bad = RunSql(Connection("app"), "select * from missing_table");
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(bad.status().message(), HasSubstr("missing_table"));
}

TEST_F(PostgresToolsTest, AWrongPasswordFailsWithoutShowingEitherPassword) {
  PostgresConnection wrong = Connection("app");
  wrong.password = "not-the-password-x9";
  StringSink dump;
  absl::Status status = DumpDatabase(wrong, DumpFormat::kCustom, dump);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("password authentication failed"));
  EXPECT_THAT(status.message(), Not(HasSubstr("not-the-password-x9")));
  EXPECT_THAT(status.message(), Not(HasSubstr(pg_->password())));
  EXPECT_TRUE(dump.bytes.empty());
}

TEST_F(PostgresToolsTest, PostgresStoppedMidDumpIsAClearFailure) {
  ASSERT_TRUE(pg_->Sql("app",
                       "create table big as select g as id, repeat(md5(g::text), 8) as v "
                       "from generate_series(1, 300000) g")
                  .ok());
  StringSink sink;
  sink.on_first_write = [&] { pg_->Kill(); };
  absl::Status status = DumpDatabase(Connection("app"), DumpFormat::kCustom, sink);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_THAT(status.message(), HasSubstr("pg_dump of 127.0.0.1:"));
  EXPECT_THAT(status.message(), HasSubstr("failed"));
}

TEST(PostgresToolsVersionTest, PgDumpSaysItsVersion) {
  auto version = PgDumpVersion();
  ASSERT_TRUE(version.ok()) << version.status();
  EXPECT_THAT(*version, HasSubstr("pg_dump (PostgreSQL) 15"));
}

}  // namespace
}  // namespace upkeep::backup
