// The throwaway PostgreSQL server the backup tests run against: it stores data, demands the
// password, serves pg_dump, survives a kill with its data, runs side by side with another,
// and leaves nothing behind.
#include "tests/support/postgres_process.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

namespace upkeep::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::unique_ptr<PostgresProcess> StartOrDie() {
  auto pg = PostgresProcess::Start();
  EXPECT_TRUE(pg.ok()) << pg.status();
  return pg.ok() ? std::move(*pg) : nullptr;
}

TEST(PostgresProcessTest, StoresRowsAndReadsThemBack) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(pg->CreateDatabase("shop").ok());
  auto written = pg->Sql("shop",
                         "create table fruit (id int primary key, name text);\n"
                         "insert into fruit values (1, 'apple'), (2, 'pear');");
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, "");
  auto read = pg->Sql("shop", "select id, name from fruit order by id");
  ASSERT_TRUE(read.ok()) << read.status();
  EXPECT_EQ(*read, "1|apple\n2|pear");
}

TEST(PostgresProcessTest, ListensOnlyOnLoopbackWithItsOwnSocketFolder) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(pg->host(), "127.0.0.1");
  auto settings = pg->Sql("postgres",
                          "select current_setting('listen_addresses'), current_setting('port'), "
                          "current_setting('unix_socket_directories')");
  ASSERT_TRUE(settings.ok()) << settings.status();
  EXPECT_EQ(*settings, "127.0.0.1|" + std::to_string(pg->port()) + "|" + pg->dir());
}

TEST(PostgresProcessTest, AppliesExtraSettingsAcrossARestart) {
  PostgresOptions options;
  options.settings = {{"statement_timeout", "4321ms"}};
  auto pg = PostgresProcess::Start(options);
  ASSERT_TRUE(pg.ok()) << pg.status();
  EXPECT_EQ((*pg)->Sql("postgres", "show statement_timeout").value_or("?"), "4321ms");
  (*pg)->Kill();
  ASSERT_TRUE((*pg)->Restart().ok()) << (*pg)->LogTail();
  EXPECT_EQ((*pg)->Sql("postgres", "show statement_timeout").value_or("?"), "4321ms");
}

TEST(PostgresProcessTest, SqlErrorsCarryPsqlsMessage) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  auto result = pg->Sql("postgres", "select * from no_such_table");
  ASSERT_FALSE(result.ok());
  EXPECT_THAT(std::string(result.status().message()),
              HasSubstr("relation \"no_such_table\" does not exist"));
}

TEST(PostgresProcessTest, DemandsThePasswordAndRejectsAWrongOne) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  // The URI's password overrides the PGPASSWORD that RunClient sets.
  auto right = pg->RunClient(
      {"psql", "-X", "-A", "-t", "-w", "-d", pg->ConnectionUri("postgres"), "-c", "select 7"});
  ASSERT_TRUE(right.ok()) << right.status();
  EXPECT_EQ(*right, "7\n");

  std::string wrong_uri = pg->ConnectionUri("postgres");
  wrong_uri.replace(wrong_uri.find(pg->password()), pg->password().size(), "not-the-password");
  auto wrong = pg->RunClient({"psql", "-X", "-w", "-d", wrong_uri, "-c", "select 7"});
  ASSERT_FALSE(wrong.ok());
  EXPECT_THAT(std::string(wrong.status().message()),
              HasSubstr("password authentication failed for user \"postgres\""));
  EXPECT_THAT(std::string(wrong.status().message()), Not(HasSubstr(pg->password())));
}

TEST(PostgresProcessTest, PgDumpOfADatabaseRestoresTheSameRows) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(pg->CreateDatabase("shop").ok());
  ASSERT_TRUE(pg->Sql("shop",
                      "create table t as "
                      "select g as id, md5(g::text) as v from generate_series(1, 5000) g")
                  .ok());
  auto dump =
      pg->RunClient({"/usr/bin/pg_dump", "--dbname=" + pg->ConnectionUriWithoutPassword("shop")});
  ASSERT_TRUE(dump.ok()) << dump.status();
  EXPECT_THAT(*dump, HasSubstr("CREATE TABLE public.t"));
  EXPECT_THAT(*dump, HasSubstr("COPY public.t (id, v) FROM stdin;"));

  ASSERT_TRUE(pg->CreateDatabase("restored").ok());
  auto restored = pg->Sql("restored", *dump);
  ASSERT_TRUE(restored.ok()) << restored.status();
  const std::string checksum = "select count(*), md5(string_agg(v, ',' order by id)) from t";
  auto original_rows = pg->Sql("shop", checksum);
  auto restored_rows = pg->Sql("restored", checksum);
  ASSERT_TRUE(original_rows.ok() && restored_rows.ok());
  EXPECT_THAT(*original_rows, HasSubstr("5000|"));
  EXPECT_EQ(*restored_rows, *original_rows);
}

TEST(PostgresProcessTest, KillCutsConnectionsAndRestartBringsTheDataBack) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(
      pg->Sql("postgres", "create table t as select g as id from generate_series(1, 10000) g")
          .ok());
  const int port = pg->port();

  pg->Kill();
  EXPECT_EQ(pg->pid(), -1);
  auto during_outage = pg->Sql("postgres", "select 1");
  ASSERT_FALSE(during_outage.ok());
  EXPECT_TRUE(absl::IsUnavailable(during_outage.status())) << during_outage.status();

  absl::Status restarted = pg->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted << "\n" << pg->LogTail();
  EXPECT_EQ(pg->port(), port);
  auto count = pg->Sql("postgres", "select count(*) from t");
  ASSERT_TRUE(count.ok()) << count.status();
  EXPECT_EQ(*count, "10000");
}

TEST(PostgresProcessTest, StopAndRestartKeepTheData) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  ASSERT_TRUE(
      pg->Sql("postgres", "create table kept (v text); insert into kept values ('x')").ok());
  pg->Stop();
  EXPECT_FALSE(pg->Sql("postgres", "select 1").ok());
  absl::Status restarted = pg->Restart();
  ASSERT_TRUE(restarted.ok()) << restarted << "\n" << pg->LogTail();
  auto kept = pg->Sql("postgres", "select v from kept");
  ASSERT_TRUE(kept.ok()) << kept.status();
  EXPECT_EQ(*kept, "x");
}

TEST(PostgresProcessTest, TwoServersRunSideBySide) {
  auto first = StartOrDie();
  auto second = StartOrDie();
  ASSERT_NE(first, nullptr);
  ASSERT_NE(second, nullptr);
  EXPECT_NE(first->port(), second->port());
  EXPECT_NE(first->password(), second->password());
  EXPECT_NE(first->dir(), second->dir());
  ASSERT_TRUE(first->Sql("postgres", "create table only_in_first (id int)").ok());
  auto in_first = first->Sql("postgres", "select to_regclass('only_in_first') is not null");
  auto in_second = second->Sql("postgres", "select to_regclass('only_in_first') is not null");
  ASSERT_TRUE(in_first.ok() && in_second.ok());
  EXPECT_EQ(*in_first, "t");
  EXPECT_EQ(*in_second, "f");
}

TEST(PostgresProcessTest, RunsAsTheServerAccountWhenTheTestIsRoot) {
  auto pg = StartOrDie();
  ASSERT_NE(pg, nullptr);
  struct stat data {};
  ASSERT_EQ(stat(pg->data_dir().c_str(), &data), 0);
  if (geteuid() == 0) {
    struct passwd* account = getpwnam("postgres");
    ASSERT_NE(account, nullptr);
    EXPECT_EQ(data.st_uid, account->pw_uid);
  } else {
    EXPECT_EQ(data.st_uid, geteuid());
  }
  EXPECT_EQ(data.st_mode & 0777, 0700u);
}

TEST(PostgresProcessTest, RemovesItsFolderWhenDestroyed) {
  std::string running_dir;
  std::string killed_dir;
  {
    auto running = StartOrDie();
    auto killed = StartOrDie();
    ASSERT_NE(running, nullptr);
    ASSERT_NE(killed, nullptr);
    running_dir = running->dir();
    killed_dir = killed->dir();
    EXPECT_TRUE(std::filesystem::exists(running->data_dir() + "/PG_VERSION"));
    killed->Kill();
  }
  EXPECT_FALSE(std::filesystem::exists(running_dir));
  EXPECT_FALSE(std::filesystem::exists(killed_dir));
}

}  // namespace
}  // namespace upkeep::testing
