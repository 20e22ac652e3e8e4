// `upkeep run backup`, `upkeep backup list` and `upkeep backup restore` as a user and a Job
// run them: the real binary against a real `upkeep apiserver` (the BackupPolicy CRD applied,
// the key and the database password in Secrets) and a real PostgreSQL 15. A database backed
// up by `run backup` is listed and restores into a fresh database with identical tables; a
// folder round-trips through --to-dir; a key of the wrong size, an unknown id and a folder
// that is not empty are refused with the reason and nothing else (never a secret).
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "apiserver/api/base64.h"
#include "controller/client/kube_client.h"
#include "controller/manifests/manifests.h"
#include "crds/v1alpha1/group_version.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/s3rver_process.h"
#include "tests/support/upkeep_binary.h"
#include "tests/support/postgres_process.h"

namespace upkeep::cmd {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ApiServerProcess;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::PostgresProcess;

// A printable 32-byte key, so a test can tell whether it leaked into a message.
const std::string kKey = "KEYBYTES-0123456789abcdefghijklm";
const std::string kShortKey = "SHORTKEY-0123456789abcdefghijkl";  // 31 bytes

// Per table of schema public: "name:md5 of its rows in order", joined by ','.
constexpr char kTableChecksums[] =
    "select string_agg(t.relname || ':' || t.sum, ',' order by t.relname) from ("
    " select c.relname, (xpath('/row/s/text()', query_to_xml("
    "   format('select md5(coalesce(string_agg(x::text, '''' order by x::text), '''')) as s "
    "           from %I x', c.relname), false, true, '')))[1]::text as sum"
    " from pg_class c join pg_namespace n on n.oid = c.relnamespace"
    " where c.relkind = 'r' and n.nspname = 'public') t";

std::string Read(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Every file under `dir`, relative path -> contents ("->target" for a symlink).
std::map<std::string, std::string> Tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator();
       ++it) {
    std::string rel = fs::relative(it->path(), dir).string();
    if (it->is_symlink()) {
      out[rel] = "->" + fs::read_symlink(it->path()).string();
    } else if (it->is_regular_file()) {
      out[rel] = Read(it->path());
    } else if (it->is_directory()) {
      out[rel + "/"] = "";
    }
  }
  return out;
}

using upkeep::testing::CommandResult;

class BackupCommandIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (fs::temp_directory_path() / "upkeep-backup-cmd-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    auto client = controller::KubeClient::Create(server_->client_config());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    auto crd = controller::ReadManifests(std::string(UPKEEP_SOURCE_DIR) +
                                         "/crds/upkeep.dev_backuppolicies.yaml");
    ASSERT_TRUE(crd.ok()) << crd.status();
    ASSERT_TRUE(controller::ManifestApplier(*client_).Apply(*crd).ok());
    PutSecret("backup-key", "key", kKey);
  }
  void TearDown() override { fs::remove_all(dir_); }

  void StartPostgres() {
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(*pg);
    ASSERT_TRUE(pg_->CreateDatabase("app").ok());
    ASSERT_TRUE(pg_->Sql("app",
                         "create table patients (id int primary key, name text);"
                         "insert into patients select g, 'Patient ' || g "
                         "  from generate_series(1, 2000) g;"
                         "create table visits (id bigserial primary key, patient int, note text);"
                         "insert into visits (patient, note) select g % 2000 + 1, "
                         "  'note ' || md5(g::text) from generate_series(1, 5000) g;")
                    .ok());
    PutSecret("db-password", "password", pg_->password());
  }

  void PutSecret(const std::string& name, const std::string& key, const std::string& value) {
    json secret = {{"apiVersion", "v1"},
                   {"kind", "Secret"},
                   {"metadata", {{"name", name}, {"namespace", "default"}}},
                   {"type", "Opaque"},
                   {"data", {{key, apiserver::Base64Encode(value)}}}};
    auto existing = client_->Get(controller::resources::Secrets(), "default", name);
    if (existing.ok()) {
      secret["metadata"]["resourceVersion"] = (*existing)["metadata"]["resourceVersion"];
      ASSERT_TRUE(client_->Update(controller::resources::Secrets(), secret).ok());
    } else {
      auto created = client_->Create(controller::resources::Secrets(), "default", secret);
      ASSERT_TRUE(created.ok()) << created.status();
    }
  }

  void CreatePolicy(const std::string& name, const json& source,
                    const json& destination = nullptr) {
    json policy = {
        {"apiVersion", "upkeep.dev/v1alpha1"},
        {"kind", "BackupPolicy"},
        {"metadata", {{"name", name}, {"namespace", "default"}}},
        {"spec",
         {{"schedule", "0 3 * * *"},
          {"source", source},
          {"destination",
           destination.is_null() ? json{{"local", {{"path", dir_ + "/backups"}}}} : destination},
          {"encryption", {{"keySecretRef", {{"name", "backup-key"}, {"key", "key"}}}}}}}};
    auto created = client_->Create(api::v1alpha1::BackupPolicies(), "default", policy);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  json PostgresSource() {
    return {{"postgres",
             {{"host", pg_->host()},
              {"port", pg_->port()},
              {"database", "app"},
              {"user", pg_->superuser()},
              {"passwordSecretRef", {{"name", "db-password"}, {"key", "password"}}}}}};
  }

  // Runs the binary with the test server's kubeconfig and `env` added to the environment.
  CommandResult RunUpkeep(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    std::vector<std::string> with = env;
    with.push_back("KUBECONFIG=" + server_->kubeconfig_path());
    return upkeep::testing::RunUpkeepBinary(UPKEEP_BIN_PATH, args, dir_, with);
  }

  // `upkeep run backup`, its report parsed; the termination log is a file in the scratch dir.
  json RunBackup(const std::string& policy, const std::string& run_id) {
    const std::string log = dir_ + "/termination-log";
    std::ofstream(log).close();
    CommandResult r = RunUpkeep(
        {"run", "backup", "default/" + policy, "--run-id", run_id, "--termination-log", log});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    json report = json::parse(r.out, nullptr, false);
    EXPECT_EQ(Read(log) + "\n", r.out);
    return report;
  }

  std::string dir_;
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<controller::KubeClient> client_;
  std::unique_ptr<PostgresProcess> pg_;
};

TEST_F(BackupCommandIntegrationTest, ADatabaseBackupIsListedAndRestoresIdenticalTables) {
  StartPostgres();
  CreatePolicy("app-db", PostgresSource());
  json report = RunBackup("app-db", "run-0001");
  ASSERT_EQ(report["result"], "Succeeded") << report.dump();
  const std::string id = report["id"];
  EXPECT_THAT(id, HasSubstr("run0001"));  // the run id, dashes dropped
  EXPECT_EQ(report["artifacts"], json::array({"app.dump.zst.enc"}));
  EXPECT_EQ(report["sha256"].get<std::string>().size(), 64u);
  EXPECT_GT(report["sizeBytes"].get<int64_t>(), 0);
  // The policy's own folder under the destination.
  EXPECT_TRUE(fs::exists(dir_ + "/backups/default/app-db/" + id + "/manifest.json"));

  CommandResult list = RunUpkeep({"backup", "list", "default/app-db"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("ID"));
  EXPECT_THAT(list.out, HasSubstr("VERIFIED"));
  EXPECT_THAT(list.out, HasSubstr(id));
  EXPECT_THAT(list.out, HasSubstr("app.dump.zst.enc"));
  EXPECT_EQ(list.err, "");
  CommandResult as_json = RunUpkeep({"backup", "list", "default/app-db", "-o", "json"});
  ASSERT_EQ(as_json.exit_code, 0) << as_json.err;
  json listed = json::parse(as_json.out);
  ASSERT_EQ(listed["backups"].size(), 1u);
  EXPECT_EQ(listed["backups"][0]["id"], id);
  EXPECT_EQ(listed["backups"][0]["artifacts"][0]["sha256"], report["sha256"]);

  ASSERT_TRUE(pg_->CreateDatabase("restored").ok());
  const std::string uri = "postgresql://" + pg_->superuser() + "@" + pg_->host() + ":" +
                          std::to_string(pg_->port()) + "/restored";
  CommandResult restore =
      RunUpkeep({"backup", "restore", "default/app-db", "--latest", "--to", uri},
                {"PGPASSWORD=" + pg_->password()});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(restore.out, "restored app.dump.zst.enc of backup " + id + " into " + uri + "\n");
  EXPECT_THAT(restore.out + restore.err, Not(HasSubstr(pg_->password())));

  auto original = pg_->Sql("app", kTableChecksums);
  auto restored = pg_->Sql("restored", kTableChecksums);
  ASSERT_TRUE(original.ok()) << original.status();
  ASSERT_TRUE(restored.ok()) << restored.status();
  EXPECT_THAT(*original, HasSubstr("patients:"));
  EXPECT_THAT(*original, HasSubstr("visits:"));
  EXPECT_EQ(*restored, *original);
}

TEST_F(BackupCommandIntegrationTest, AFolderRoundTripsAndANonEmptyFolderIsRefused) {
  const fs::path data = dir_ + "/data";
  fs::create_directories(data / "sub");
  std::ofstream(data / "a.txt") << "alpha\n";
  std::ofstream(data / "sub" / "b.bin") << std::string(100000, '\x7f');
  std::ofstream(data / "skip.tmp") << "excluded";
  fs::create_symlink("a.txt", data / "link");
  CreatePolicy("files", {{"local", {{"path", data.string()}, {"exclude", {"*.tmp"}}}}});
  json report = RunBackup("files", "run-f1");
  ASSERT_EQ(report["result"], "Succeeded") << report.dump();

  const fs::path target = dir_ + "/restored/files";
  CommandResult restore = RunUpkeep({"backup", "restore", "default/files", "--id",
                                     report["id"].get<std::string>(), "--to-dir", target.string()});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  std::map<std::string, std::string> want = Tree(data);
  want.erase("skip.tmp");
  EXPECT_EQ(Tree(target), want);

  CommandResult again =
      RunUpkeep({"backup", "restore", "default/files", "--latest", "--to-dir", target.string()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr(target.string() + " is not empty"));
  EXPECT_EQ(Tree(target), want);
}

TEST_F(BackupCommandIntegrationTest, AnS3DestinationRoundTripsThroughTheBinary) {
  auto s3 = upkeep::testing::S3rverProcess::Start();
  ASSERT_TRUE(s3.ok()) << s3.status();
  const fs::path data = dir_ + "/data";
  fs::create_directories(data / "sub");
  std::ofstream(data / "a.txt") << "alpha\n";
  std::ofstream(data / "sub" / "b.bin") << std::string(300000, '\x11');
  json secret = {{"apiVersion", "v1"},
                 {"kind", "Secret"},
                 {"metadata", {{"name", "s3-creds"}, {"namespace", "default"}}},
                 {"data",
                  {{"accessKeyID", apiserver::Base64Encode((*s3)->access_key_id())},
                   {"secretAccessKey", apiserver::Base64Encode((*s3)->secret_access_key())}}}};
  ASSERT_TRUE(client_->Create(controller::resources::Secrets(), "default", secret).ok());
  CreatePolicy("offsite", {{"local", {{"path", data.string()}}}},
               {{"s3",
                 {{"endpoint", (*s3)->endpoint()},
                  {"bucket", (*s3)->bucket()},
                  {"prefix", "clinic/"},
                  {"credentialsSecretRef", {{"name", "s3-creds"}}}}}});
  json report = RunBackup("offsite", "run-s1");
  ASSERT_EQ(report["result"], "Succeeded") << report.dump() << (*s3)->LogTail();
  EXPECT_EQ(report["location"], "s3://" + (*s3)->bucket() + "/clinic/default/offsite/");

  CommandResult list = RunUpkeep({"backup", "list", "default/offsite", "-o", "json"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  json listed = json::parse(list.out, nullptr, false);
  ASSERT_EQ(listed["backups"].size(), 1u) << list.out;
  EXPECT_EQ(listed["backups"][0]["id"], report["id"]);

  const fs::path target = dir_ + "/restored/offsite";
  CommandResult restore = RunUpkeep(
      {"backup", "restore", "default/offsite", "--latest", "--to-dir", target.string()});
  ASSERT_EQ(restore.exit_code, 0) << restore.err;
  EXPECT_EQ(Tree(target), Tree(data));
  EXPECT_THAT(list.out + restore.out + restore.err,
              Not(HasSubstr((*s3)->secret_access_key())));  // never the secret
}

TEST_F(BackupCommandIntegrationTest, AKeyOfTheWrongSizeIsNamedButNeverShown) {
  const fs::path data = dir_ + "/data";
  fs::create_directories(data);
  std::ofstream(data / "a.txt") << "alpha\n";
  CreatePolicy("files", {{"local", {{"path", data.string()}}}});
  PutSecret("backup-key", "key", kShortKey);
  const std::string log = dir_ + "/termination-log";
  std::ofstream(log).close();

  CommandResult r =
      RunUpkeep({"run", "backup", "default/files", "--run-id", "r1", "--termination-log", log});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("Secret default/backup-key, key \"key\""));
  EXPECT_THAT(r.err, HasSubstr("is 31 bytes"));
  EXPECT_THAT(r.out + r.err + Read(log), Not(HasSubstr("SHORTKEY")));
  json failed = json::parse(Read(log));
  EXPECT_EQ(failed["result"], "Failed");
  EXPECT_EQ(failed["runID"], "r1");
  EXPECT_FALSE(fs::exists(dir_ + "/backups/default/files") &&
               !fs::is_empty(dir_ + "/backups/default/files"));
}

TEST_F(BackupCommandIntegrationTest, UnknownIdsPoliciesAndDestinationsAreClearErrors) {
  const fs::path data = dir_ + "/data";
  fs::create_directories(data);
  std::ofstream(data / "a.txt") << "alpha\n";
  CreatePolicy("files", {{"local", {{"path", data.string()}}}});
  json report = RunBackup("files", "r1");
  ASSERT_EQ(report["result"], "Succeeded");

  CommandResult unknown =
      RunUpkeep({"backup", "restore", "default/files", "--id", "nope", "--to-dir", dir_ + "/out"});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_THAT(unknown.err, HasSubstr("there is no backup \"nope\" in file://"));
  EXPECT_THAT(unknown.err, HasSubstr(report["id"].get<std::string>()));
  EXPECT_FALSE(fs::exists(dir_ + "/out"));

  CommandResult to_db = RunUpkeep({"backup", "restore", "default/files", "--latest", "--to",
                                   "postgresql://u:hunter2@127.0.0.1:1/db"});
  EXPECT_EQ(to_db.exit_code, 1);
  EXPECT_THAT(to_db.err, HasSubstr("restore it with --to-dir"));
  EXPECT_THAT(to_db.err, Not(HasSubstr("hunter2")));

  CommandResult no_policy = RunUpkeep({"backup", "list", "default/nope"});
  EXPECT_EQ(no_policy.exit_code, 1);
  EXPECT_THAT(no_policy.err, HasSubstr("BackupPolicy default/nope not found"));

  PutSecret("s3", "accessKeyID", "x");
  CreatePolicy("to-s3", {{"local", {{"path", data.string()}}}},
               {{"s3",
                 {{"endpoint", "https://s3.example.com"},
                  {"bucket", "b"},
                  {"credentialsSecretRef", {{"name", "s3"}}}}}});
  CommandResult s3 = RunUpkeep({"backup", "list", "default/to-s3"});
  EXPECT_EQ(s3.exit_code, 1);
  EXPECT_THAT(s3.err, HasSubstr("Secret default/s3 (spec.destination.s3.credentialsSecretRef) "
                                "has no key \"secretAccessKey\""));
}

TEST_F(BackupCommandIntegrationTest, ADamagedManifestIsReportedAndTheOthersListed) {
  const fs::path data = dir_ + "/data";
  fs::create_directories(data);
  std::ofstream(data / "a.txt") << "alpha\n";
  CreatePolicy("files", {{"local", {{"path", data.string()}}}});
  json report = RunBackup("files", "r1");
  ASSERT_EQ(report["result"], "Succeeded");
  const fs::path damaged = dir_ + "/backups/default/files/20200101T000000Z-bad";
  fs::create_directories(damaged);
  std::ofstream(damaged / "manifest.json") << "{not json";

  CommandResult list = RunUpkeep({"backup", "list", "default/files"});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr(report["id"].get<std::string>()));
  EXPECT_THAT(list.out, Not(HasSubstr("20200101T000000Z-bad")));
  EXPECT_THAT(list.err, HasSubstr("20200101T000000Z-bad"));
}

TEST_F(BackupCommandIntegrationTest, BadUsageExitsTwoAndHelpZero) {
  for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
           {"backup"},
           {"backup", "prune"},
           {"backup", "list"},
           {"backup", "list", "nope"},
           {"backup", "list", "default/x", "-o", "yaml"},
           {"backup", "restore", "default/x", "--to-dir", "/tmp/x"},
           {"backup", "restore", "default/x", "--latest", "--id", "a", "--to-dir", "/tmp/x"},
           {"backup", "restore", "default/x", "--latest"},
           {"backup", "restore", "default/x", "--latest", "--to-dir", "/x", "--to",
            "postgresql://u@h/d"},
           {"backup", "restore", "default/x", "--latest", "--to", "mysql://u:pw@h/d"},
           {"run"},
           {"run", "backup"},
           {"run", "backup", "default/x", "--force"},
           {"run", "snapshot", "default/x"},
       }) {
    CommandResult r = RunUpkeep(args);
    EXPECT_EQ(r.exit_code, 2) << ::testing::PrintToString(args) << "\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("Usage: upkeep")) << ::testing::PrintToString(args);
  }
  for (const std::vector<std::string>& args :
       std::vector<std::vector<std::string>>{{"backup", "list", "--help"},
                                             {"backup", "restore", "--help"},
                                             {"run", "backup", "--help"}}) {
    CommandResult r = RunUpkeep(args);
    EXPECT_EQ(r.exit_code, 0) << ::testing::PrintToString(args);
    EXPECT_THAT(r.out, HasSubstr("NAMESPACE/NAME"));
  }
}

}  // namespace
}  // namespace upkeep::cmd
