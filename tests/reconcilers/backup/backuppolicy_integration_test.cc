// The BackupPolicy controller in a manager against a real `upkeep apiserver` and a real
// PostgreSQL 15, with a simulated clock and the Inline executor: a scheduled backup runs on
// time in its time zone and is encrypted and restorable with identical tables; retention
// prunes after each good run; a failed run deletes nothing and says why; a failed restore test
// is loud; a run the controller lost (it died mid-run) is recorded as failed, leaves no listed
// backup, and the next run succeeds. The Job executor is tested by playing the kubelet: the
// test runs the Job's command with the real binary, writes the Pod's termination message and
// the Job's status, and the controller records the result.
#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <prometheus/text_serializer.h>

#include "apiserver/api/base64.h"
#include "backup/backup_manifest.h"
#include "backup/directory_store.h"
#include "backup/restore_artifact.h"
#include "backup/postgres_tools.h"
#include "controller/manifests/manifests.h"
#include "controller/metrics/metrics.h"
#include "controller/object/conditions.h"
#include "controller/object/kube_time.h"
#include "controller/runtime/manager.h"
#include "crds/v1alpha1/group_version.h"
#include "reconcilers/backup/backuppolicy_reconciler.h"
#include "tests/backup/test_sinks.h"
#include "tests/support/apiserver_process.h"
#include "tests/support/eventually.h"
#include "tests/support/postgres_process.h"
#include "tests/support/upkeep_binary.h"
#include "reconcilers/backup/job_executor.h"

namespace upkeep::reconcilers::backup {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using controller::FakeClock;
using nlohmann::json;
using testing::ApiServerProcess;
using testing::Eventually;
using upkeep::testing::PostgresProcess;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kNamespace[] = "default";

// The simulated clock starts two days ahead of the real one: the API server stamps
// creationTimestamp with the real time, and no run is due before it. The schedule is 03:00
// in Asia/Kolkata (UTC+5:30, no daylight saving time whatever the date): 21:30 UTC the day
// before. Times below are offsets from Base(), midnight UTC two days from now.
using TimePoint = std::chrono::system_clock::time_point;

TimePoint Base() {
  return std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()) +
         std::chrono::days(2);
}
std::string At(std::chrono::seconds offset) { return controller::FormatRfc3339(Base() + offset); }
std::string EpochSeconds(std::chrono::seconds offset) {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>((Base() + offset).time_since_epoch())
          .count());
}
// The controller's run id for a run standing for Base() + offset.
std::string RunIdAt(std::chrono::seconds offset, bool run_now) {
  std::string id = "r";
  for (char c : At(offset)) {
    if (c >= '0' && c <= '9') id += c;
    if (c == 'T') id += 't';
  }
  return run_now ? id + "-now" : id;
}
constexpr auto kStart = 21h + 29min;     // 02:59 in Kolkata, when each test starts
constexpr auto kScheduled = 21h + 30min; // 03:00 in Kolkata

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

class BackupPolicyIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto server = ApiServerProcess::Start();
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    std::string templ = (fs::temp_directory_path() / "upkeep-backuppolicy-test-XXXXXX").string();
    ASSERT_NE(::mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    fs::create_directories(dir_ / "source/sub");
    std::ofstream(dir_ / "source/notes.txt") << "patient-record-0042 must stay private\n";
    std::ofstream(dir_ / "source/sub/data.csv") << "a,b\n1,2\n";
    auto client = controller::KubeClient::Create(server_->client_config());
    ASSERT_TRUE(client.ok()) << client.status();
    client_ = std::move(*client);
    StartManager();
    PutSecret("backup-key", "key", std::string(32, '\x5a'));
  }

  void TearDown() override {
    StopManager();
    fs::remove_all(dir_);
  }

  void StartManager() {
    controller::ManagerOptions options;
    options.client_config = server_->client_config();
    options.metrics_bind_address = "0";
    options.health_probe_bind_address = "0";
    options.clock = &clock_;
    auto manager = controller::Manager::Create(options);
    ASSERT_TRUE(manager.ok()) << manager.status();
    manager_ = std::move(*manager);
    // The CRD first: the informers' retries wait on the simulated clock.
    auto crd = controller::ReadManifests(std::string(UPKEEP_SOURCE_DIR) +
                                         "/crds/upkeep.dev_backuppolicies.yaml");
    ASSERT_TRUE(crd.ok()) << crd.status();
    ASSERT_TRUE(controller::ManifestApplier(client()).Apply(*crd).ok());
    BackupPolicyControllerOptions backup_options;
    backup_options.default_mode = api::v1alpha1::ExecutorSpec::Mode::kInline;
    backup_options.volume_root = (dir_ / "volumes").string();
    backups_ = std::make_unique<BackupPolicyController>(*manager_, backup_options);
    stop_ = std::stop_source();
    run_ = std::thread([this] { run_result_ = manager_->Run(stop_.get_token()); });
  }

  // Stops the controller the way a crash looks to the API: whatever status it wrote stays.
  void StopManager() {
    stop_.request_stop();
    if (run_.joinable()) run_.join();
    backups_.reset();
    manager_.reset();
  }

  // The test's own client: it outlives the controllers the tests stop and start.
  controller::KubeClient& client() { return *client_; }

  void PutSecret(const std::string& name, const std::string& key, const std::string& value) {
    json secret = {{"apiVersion", "v1"},
                   {"kind", "Secret"},
                   {"metadata", {{"name", name}, {"namespace", kNamespace}}},
                   {"data", {{key, apiserver::Base64Encode(value)}}}};
    controller::WriteOptions force;
    force.force = true;
    auto put = client().Patch(controller::resources::Secrets(), kNamespace, name,
                              controller::PatchType::kApply, secret, force);
    ASSERT_TRUE(put.ok()) << put.status();
  }

  json LocalSpec() {
    return {{"schedule", "0 3 * * *"},
            {"timeZone", "Asia/Kolkata"},
            // The runs due between the real creation time and the simulated start are missed.
            {"startingDeadlineSeconds", 300},
            {"source", {{"local", {{"path", (dir_ / "source").string()}}}}},
            {"destination", {{"local", {{"path", (dir_ / "backups").string()}}}}},
            {"encryption", {{"keySecretRef", {{"name", "backup-key"}, {"key", "key"}}}}},
            {"executor", {{"mode", "Inline"}}}};
  }

  void Create(const json& spec, const std::string& name = "files") {
    json policy = {{"apiVersion", "upkeep.dev/v1alpha1"},
                   {"kind", "BackupPolicy"},
                   {"metadata", {{"name", name}, {"namespace", kNamespace}}},
                   {"spec", spec}};
    auto created = client().Create(api::v1alpha1::BackupPolicies(), kNamespace, policy);
    ASSERT_TRUE(created.ok()) << created.status();
  }

  json Get(const std::string& name = "files") {
    auto got = client().Get(api::v1alpha1::BackupPolicies(), kNamespace, name);
    return got.ok() ? *got : json::object();
  }

  void RunNow(const std::string& value, const std::string& name = "files") {
    json patch = {{"metadata", {{"annotations", {{"upkeep.dev/run-now", value}}}}}};
    auto patched = client().Patch(api::v1alpha1::BackupPolicies(), kNamespace, name,
                                  controller::PatchType::kMerge, patch);
    ASSERT_TRUE(patched.ok()) << patched.status();
  }

  // Waits until `count` runs are in status.history and none is active.
  bool WaitRuns(size_t count, const std::string& name = "files") {
    return Eventually(
        [&] {
          json p = Get(name);
          return p.contains("status") && !p["status"].contains("active") &&
                 p["status"].contains("history") && p["status"]["history"].size() >= count;
        },
        60s);
  }

  std::string Condition(const std::string& type, const std::string& name = "files") {
    auto c = controller::FindCondition(Get(name), type);
    return c ? c->status + "/" + c->reason + ": " + c->message : "";
  }

  std::unique_ptr<upkeep::backup::DirectoryStore> Store(const std::string& name = "files") {
    auto store = upkeep::backup::DirectoryStore::Open(
        (dir_ / "backups" / kNamespace / name).string());
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  std::vector<upkeep::backup::BackupManifest> Listed(const std::string& name = "files") {
    std::vector<std::string> problems;
    auto listed = Store(name)->ListBackups(&problems);
    EXPECT_TRUE(listed.ok());
    EXPECT_TRUE(problems.empty()) << problems.front();
    return listed.ok() ? *listed : std::vector<upkeep::backup::BackupManifest>{};
  }

  std::string Metrics() {
    // Through the refreshing collectable, as a scrape: the gauges mirror the cached status.
    return prometheus::TextSerializer().Serialize(manager_->metrics().collectable()->Collect());
  }

  // The gauges follow the informer's cache and Events are sent in the background: both may
  // trail the status the test just read.
  bool MetricsShow(const std::string& text) {
    bool shown = Eventually([&] { return Metrics().find(text) != std::string::npos; });
    if (!shown) ADD_FAILURE() << "no \"" << text << "\" in\n" << Metrics();
    return shown;
  }
  bool EventsSeen(const std::string& reason, size_t count = 1) {
    return Eventually([&] { return Events(reason).size() >= count; });
  }

  std::vector<json> Events(const std::string& reason) {
    std::vector<json> found;
    auto list = client().List(controller::resources::Events(), kNamespace);
    if (!list.ok()) return found;
    for (const json& e : (*list)["items"]) {
      if (e.value("reason", "") == reason) found.push_back(e);
    }
    return found;
  }

  FakeClock clock_{Base() + kStart};
  fs::path dir_;
  std::unique_ptr<ApiServerProcess> server_;
  std::unique_ptr<controller::KubeClient> client_;
  std::unique_ptr<controller::Manager> manager_;
  std::unique_ptr<BackupPolicyController> backups_;
  std::stop_source stop_;
  std::thread run_;
  absl::Status run_result_;
};

TEST_F(BackupPolicyIntegrationTest, AScheduledBackupRunsOnTimeInItsTimeZoneAndIsEncrypted) {
  Create(LocalSpec());
  ASSERT_TRUE(Eventually([&] {
    return Get().contains("status") && Get()["status"].contains("nextScheduleTime");
  })) << Get().dump();
  EXPECT_EQ(Get()["status"]["nextScheduleTime"], At(kScheduled));  // 03:00 in Kolkata
  EXPECT_THAT(Condition("Ready"), HasSubstr("True/Scheduled"));
  clock_.Advance(30s);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(Get()["status"].contains("history"));
  EXPECT_TRUE(Listed().empty());

  clock_.Advance(31s);  // 03:00:01
  ASSERT_TRUE(WaitRuns(1)) << Get().dump();
  json status = Get()["status"];
  EXPECT_EQ(status["lastScheduleTime"], At(kScheduled));
  EXPECT_EQ(status["nextScheduleTime"], At(kScheduled + 24h));
  ASSERT_EQ(status["history"].size(), 1u);
  EXPECT_EQ(status["history"][0]["result"], "Succeeded");
  EXPECT_EQ(status["history"][0]["runID"], RunIdAt(kScheduled, false));
  ASSERT_EQ(status["backups"].size(), 1u);
  EXPECT_EQ(status["lastSuccessfulTime"], At(kScheduled + 1s));
  EXPECT_THAT(Condition("LastBackupSucceeded"), HasSubstr("True/Succeeded"));
  EXPECT_THAT(Condition("Ready"), HasSubstr("next run at " + At(kScheduled + 24h)));
  EXPECT_EQ(status["observedGeneration"], 1);
  // The runs due between creation and the simulated start were past the deadline: missed.
  EXPECT_GE(status["missedRuns"].get<int>(), 1);
  EXPECT_TRUE(EventsSeen("MissedRun"));
  EXPECT_TRUE(MetricsShow("upkeep_backup_missed_runs_total{name=\"files\""));

  // The destination holds exactly that backup, encrypted: no plaintext of the files.
  auto listed = Listed();
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(status["backups"][0]["id"], listed[0].id);
  EXPECT_EQ(status["backups"][0]["sha256"], listed[0].artifacts[0].sha256);
  std::string stored = ReadFile(dir_ / "backups" / kNamespace / "files" / listed[0].id /
                                listed[0].artifacts[0].name);
  EXPECT_THAT(stored, Not(HasSubstr("patient-record-0042")));
  EXPECT_EQ(stored.size(), listed[0].artifacts[0].size_bytes);

  EXPECT_TRUE(MetricsShow("upkeep_backup_runs_total{name=\"files\",namespace=\"default\","
                          "result=\"succeeded\"} 1"));
  EXPECT_TRUE(MetricsShow("upkeep_backup_last_success_timestamp_seconds{name=\"files\","
                          "namespace=\"default\"} " + EpochSeconds(kScheduled + 1s)));
  EXPECT_TRUE(MetricsShow("upkeep_backup_size_bytes{name=\"files\""));
  EXPECT_TRUE(MetricsShow("upkeep_backup_duration_seconds_count{name=\"files\""));
  EXPECT_TRUE(EventsSeen("BackupSucceeded"));

  // Nothing more until the next day's 03:00.
  clock_.Advance(23h);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(Get()["status"]["history"].size(), 1u);
  clock_.Advance(1h);
  ASSERT_TRUE(WaitRuns(2)) << Get().dump();
  EXPECT_EQ(Listed().size(), 2u);
}

TEST_F(BackupPolicyIntegrationTest, RetentionPrunesAfterEachGoodRunAndKeepsTheNewest) {
  json spec = LocalSpec();
  spec["retention"] = {{"keepLast", 2}};
  Create(spec);
  for (int i = 1; i <= 4; ++i) {
    clock_.Advance(1min);
    RunNow(std::to_string(i));
    ASSERT_TRUE(WaitRuns(static_cast<size_t>(i))) << Get().dump();
  }
  auto listed = Listed();
  ASSERT_EQ(listed.size(), 2u);
  json status = Get()["status"];
  ASSERT_EQ(status["backups"].size(), 2u);
  EXPECT_EQ(status["backups"][0]["id"], listed[1].id);  // newest first
  EXPECT_EQ(status["backups"][1]["id"], listed[0].id);
  EXPECT_EQ(status["history"][0]["runID"], RunIdAt(kStart + 4min, true));
  EXPECT_EQ(status["lastRunNow"], "4");
  EXPECT_TRUE(EventsSeen("Pruned", 2));
}

TEST_F(BackupPolicyIntegrationTest, AFailedRunDeletesNothingAndSaysWhy) {
  json spec = LocalSpec();
  spec["retention"] = {{"keepLast", 1}};
  Create(spec);
  RunNow("good");
  ASSERT_TRUE(WaitRuns(1));
  auto good = Listed();
  ASSERT_EQ(good.size(), 1u);

  PutSecret("backup-key", "key", "too-short");  // a wrong key: the run fails at once
  clock_.Advance(1min);
  RunNow("bad");
  ASSERT_TRUE(WaitRuns(2)) << Get().dump();
  json status = Get()["status"];
  EXPECT_EQ(status["history"][0]["result"], "Failed");
  EXPECT_THAT(status["history"][0]["message"].get<std::string>(), HasSubstr("is 9 bytes"));
  EXPECT_THAT(Condition("LastBackupSucceeded"), HasSubstr("False/Failed"));
  EXPECT_THAT(Condition("Ready"), HasSubstr("False/LastBackupFailed"));
  EXPECT_THAT(Get().dump(), Not(HasSubstr("too-short")));  // never the key
  EXPECT_EQ(status["lastFailureTime"], At(kStart + 1min));
  auto after = Listed();
  ASSERT_EQ(after.size(), 1u);
  EXPECT_EQ(after[0].id, good[0].id);
  EXPECT_EQ(status["backups"].size(), 1u);
  EXPECT_TRUE(MetricsShow("result=\"failed\"} 1"));
  ASSERT_TRUE(EventsSeen("BackupFailed"));

  // Fixed: the next run succeeds and Ready comes back.
  PutSecret("backup-key", "key", std::string(32, '\x5a'));
  RunNow("fixed");
  ASSERT_TRUE(WaitRuns(3));
  EXPECT_THAT(Condition("Ready"), HasSubstr("True/Scheduled"));
  EXPECT_EQ(Listed().size(), 1u);  // keepLast 1: the new one
}

TEST_F(BackupPolicyIntegrationTest, ARunTheControllerLostIsFailedAndTheNextRunSucceeds) {
  Create(LocalSpec());
  ASSERT_TRUE(Eventually([&] { return Get().contains("status"); }));
  StopManager();
  // What a controller killed mid-run leaves: the run in status.active, and a half-written
  // backup (an artifact without a manifest) at the destination.
  json policy = Get();
  policy["status"]["active"] = {{"runID", RunIdAt(kStart - 10min, true)},
                                {"startTime", At(kStart - 10min)}};
  controller::WriteOptions status_write;
  status_write.subresource = "status";
  ASSERT_TRUE(client().Update(api::v1alpha1::BackupPolicies(), policy, status_write).ok());
  fs::path half = dir_ / "backups" / kNamespace / "files" /
                 upkeep::backup::NewBackupId(Base() + kStart - 10min, RunIdAt(kStart - 10min, true));
  fs::create_directories(half);
  std::ofstream(half / "files.tar.zst.enc.partial") << "half of it";
  StartManager();  // a new controller, which never saw that run

  ASSERT_TRUE(WaitRuns(1)) << Get().dump();
  json status = Get()["status"];
  EXPECT_EQ(status["history"][0]["result"], "Failed");
  EXPECT_THAT(status["history"][0]["message"].get<std::string>(), HasSubstr("interrupted"));
  EXPECT_TRUE(Listed().empty());  // the half backup is never listed

  RunNow("again");
  ASSERT_TRUE(WaitRuns(2)) << Get().dump();
  EXPECT_EQ(Get()["status"]["history"][0]["result"], "Succeeded");
  EXPECT_EQ(Listed().size(), 1u);
  EXPECT_FALSE(fs::exists(half));  // the run cleaned up what the lost one left
}

TEST_F(BackupPolicyIntegrationTest, SuspendedPoliciesStartNothingOnSchedule) {
  json spec = LocalSpec();
  spec["suspend"] = true;
  Create(spec);
  ASSERT_TRUE(Eventually([&] { return Condition("Ready").find("Suspended") != std::string::npos; }))
      << Get().dump();
  clock_.Advance(2h);
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(Get()["status"].contains("history"));
  EXPECT_TRUE(Listed().empty());
}

class BackupPolicyJobTest : public BackupPolicyIntegrationTest {
 protected:
  json JobSpec() {
    json spec = LocalSpec();
    spec["executor"] = {{"mode", "Job"}, {"image", "registry.test/upkeep:dev"}};
    return spec;
  }

  // The Job of the policy's active run, once the controller made it.
  json WaitJob() {
    json found;
    EXPECT_TRUE(Eventually([&] {
      controller::ListOptions options;
      options.label_selector = "upkeep.dev/backup-policy=files";
      auto jobs = client().List(JobsResource(), kNamespace, options);
      if (!jobs.ok()) return false;
      for (const json& job : (*jobs)["items"]) {
        if (!job.contains("status") || !job["status"].contains("conditions")) found = job;
      }
      return !found.is_null();
    })) << Get().dump();
    return found;
  }

  // What the kubelet does for the Job's Pod: runs its command and keeps the termination
  // message in the Pod's status.
  void RunJobPod(const json& job, int exit_code_expected = 0) {
    const json& container = job["spec"]["template"]["spec"]["containers"][0];
    std::vector<std::string> args = container["args"].get<std::vector<std::string>>();
    const std::string log = (dir_ / "termination-log").string();
    std::ofstream(log).close();
    args.push_back("--termination-log");
    args.push_back(log);
    auto result = upkeep::testing::RunUpkeepBinary(
        UPKEEP_BIN_PATH, args, dir_.string(), {"KUBECONFIG=" + server_->kubeconfig_path()});
    EXPECT_EQ(result.exit_code, exit_code_expected) << result.err;
    const std::string name = job["metadata"]["name"];
    json pod = {{"apiVersion", "v1"},
                {"kind", "Pod"},
                {"metadata",
                 {{"name", name + "-x7k2p"},
                  {"namespace", kNamespace},
                  {"labels", {{"job-name", name}}}}},
                {"spec", job["spec"]["template"]["spec"]}};
    auto created = client().Create(controller::resources::Pods(), kNamespace, pod);
    ASSERT_TRUE(created.ok()) << created.status();
    json terminated = {{"exitCode", result.exit_code},
                       {"reason", result.exit_code == 0 ? "Completed" : "Error"},
                       {"message", ReadFile(log)}};
    (*created)["status"] = {
        {"phase", result.exit_code == 0 ? "Succeeded" : "Failed"},
        {"containerStatuses",
         {{{"name", "backup"}, {"state", {{"terminated", terminated}}}}}}};
    controller::WriteOptions status_write;
    status_write.subresource = "status";
    auto updated = client().Update(controller::resources::Pods(), *created, status_write);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }

  void EndJob(const json& job, const std::string& type, const std::string& reason = "",
              const std::string& message = "") {
    auto stored = client().Get(JobsResource(), kNamespace, job["metadata"]["name"].get<std::string>());
    ASSERT_TRUE(stored.ok()) << stored.status();
    (*stored)["status"]["conditions"] = {
        {{"type", type}, {"status", "True"}, {"reason", reason}, {"message", message}}};
    controller::WriteOptions status_write;
    status_write.subresource = "status";
    auto updated = client().Update(JobsResource(), *stored, status_write);
    ASSERT_TRUE(updated.ok()) << updated.status();
  }
};

TEST_F(BackupPolicyJobTest, AJobRunsTheRunnerAndTheControllerRecordsItsReport) {
  Create(JobSpec());
  RunNow("1");
  json job = WaitJob();
  ASSERT_FALSE(job.is_null());
  EXPECT_EQ(job["metadata"]["name"], "files-" + RunIdAt(kStart, true));
  EXPECT_EQ(job["spec"]["template"]["spec"]["containers"][0]["image"], "registry.test/upkeep:dev");
  EXPECT_EQ(Get()["status"]["active"]["runID"], RunIdAt(kStart, true));
  EXPECT_THAT(Condition("Ready"), HasSubstr("True/Running"));

  RunJobPod(job);
  EXPECT_TRUE(Get()["status"].contains("active"));  // the Job has not ended yet
  EndJob(job, "Complete");
  ASSERT_TRUE(WaitRuns(1)) << Get().dump();
  json status = Get()["status"];
  EXPECT_EQ(status["history"][0]["result"], "Succeeded");
  EXPECT_EQ(status["history"][0]["runID"], RunIdAt(kStart, true));
  auto listed = Listed();
  ASSERT_EQ(listed.size(), 1u);
  ASSERT_EQ(status["backups"].size(), 1u);
  EXPECT_EQ(status["backups"][0]["id"], listed[0].id);
  EXPECT_EQ(status["backups"][0]["sha256"], listed[0].artifacts[0].sha256);
  EXPECT_THAT(Condition("LastBackupSucceeded"), HasSubstr("True/Succeeded"));
}

TEST_F(BackupPolicyJobTest, AJobThatFailsWithoutAReportOrIsDeletedIsAFailedRun) {
  Create(JobSpec());
  RunNow("1");
  json job = WaitJob();
  ASSERT_FALSE(job.is_null());
  EndJob(job, "Failed", "DeadlineExceeded", "Job was active longer than specified deadline");
  ASSERT_TRUE(WaitRuns(1)) << Get().dump();
  json status = Get()["status"];
  EXPECT_EQ(status["history"][0]["result"], "Failed");
  EXPECT_THAT(status["history"][0]["message"].get<std::string>(), HasSubstr("DeadlineExceeded"));
  EXPECT_THAT(Condition("Ready"), HasSubstr("False/LastBackupFailed"));

  clock_.Advance(1min);
  RunNow("2");
  job = WaitJob();
  ASSERT_FALSE(job.is_null());
  ASSERT_TRUE(
      client().Delete(JobsResource(), kNamespace, job["metadata"]["name"].get<std::string>()).ok());
  ASSERT_TRUE(WaitRuns(2)) << Get().dump();
  EXPECT_THAT(Get()["status"]["history"][0]["message"].get<std::string>(),
              HasSubstr("was deleted before it finished"));
  EXPECT_TRUE(Listed().empty());
}

class BackupPolicyPostgresTest : public BackupPolicyIntegrationTest {
 protected:
  void SetUp() override {
    BackupPolicyIntegrationTest::SetUp();
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(*pg);
    ASSERT_TRUE(pg_->CreateDatabase("app").ok());
    ASSERT_TRUE(pg_->Sql("app",
                         "create table users (id int primary key, email text);"
                         "insert into users select g, 'person' || g || '@clinic.test' "
                         "from generate_series(1, 500) g;"
                         "create table visits (id serial primary key, user_id int, note text);"
                         "insert into visits (user_id, note) select g % 500 + 1, "
                         "'visit note ' || g from generate_series(1, 2000) g;")
                    .ok());
    PutSecret("db", "password", pg_->password());
  }

  json PostgresSpec(const std::string& expect) {
    json spec = LocalSpec();
    json postgres = {{"host", pg_->host()},
                     {"port", pg_->port()},
                     {"database", "app"},
                     {"user", pg_->superuser()},
                     {"sslMode", "disable"},
                     {"passwordSecretRef", {{"name", "db"}, {"key", "password"}}}};
    spec["source"] = {{"postgres", postgres}};
    postgres.erase("database");
    postgres.erase("sslMode");
    spec["verify"] = {{"every", 1},
                      {"postgres", postgres},
                      {"checks", {{{"sql", "select count(*) from users"}, {"expect", expect}}}}};
    return spec;
  }

  std::string Checksums(const std::string& database) {
    auto sums = pg_->Sql(database, upkeep::backup::testing::kTableChecksumsSql);
    return sums.ok() ? *sums : "error: " + std::string(sums.status().message());
  }

  std::unique_ptr<PostgresProcess> pg_;
};

TEST_F(BackupPolicyPostgresTest, ABackupIsVerifiedAndRestoresToIdenticalTables) {
  Create(PostgresSpec("= 500"), "app");
  RunNow("1", "app");
  ASSERT_TRUE(WaitRuns(1, "app")) << Get("app").dump();
  json status = Get("app")["status"];
  ASSERT_EQ(status["history"][0]["result"], "Succeeded") << status.dump();
  EXPECT_THAT(Condition("Verified", "app"), HasSubstr("True/Passed"));
  EXPECT_EQ(status["lastVerifiedTime"], At(kStart));
  EXPECT_EQ(status["backups"][0]["verified"], true);
  EXPECT_TRUE(MetricsShow("upkeep_backup_last_verified_timestamp_seconds{name=\"app\""));

  // Restore it by hand into a fresh database: the same rows in every table.
  auto listed = Listed("app");
  ASSERT_EQ(listed.size(), 1u);
  std::string stored = ReadFile(dir_ / "backups" / kNamespace / "app" / listed[0].id /
                                listed[0].artifacts[0].name);
  EXPECT_THAT(stored, Not(HasSubstr("@clinic.test")));
  ASSERT_TRUE(pg_->CreateDatabase("restored").ok());
  upkeep::backup::PostgresConnection target;
  target.host = pg_->host();
  target.port = pg_->port();
  target.user = pg_->superuser();
  target.password = pg_->password();
  target.ssl_mode = "disable";
  target.database = "restored";
  auto sink = upkeep::backup::PostgresRestoreSink::Start(target, upkeep::backup::DumpFormat::kCustom);
  ASSERT_TRUE(sink.ok()) << sink.status();
  auto store = Store("app");
  absl::Status restored = upkeep::backup::RestoreArtifact(*store, listed[0], listed[0].artifacts[0],
                                                          std::string(32, '\x5a'), **sink);
  ASSERT_TRUE(restored.ok()) << restored;
  EXPECT_EQ(Checksums("restored"), Checksums("app"));
  EXPECT_THAT(Checksums("app"), HasSubstr("users:"));
}

TEST_F(BackupPolicyPostgresTest, AFailedRestoreTestIsLoud) {
  Create(PostgresSpec("= 12345"), "app");
  RunNow("1", "app");
  ASSERT_TRUE(WaitRuns(1, "app")) << Get("app").dump();
  json status = Get("app")["status"];
  EXPECT_EQ(status["history"][0]["result"], "Succeeded");  // the backup itself is there
  EXPECT_THAT(Condition("Verified", "app"), HasSubstr("False/Failed"));
  EXPECT_THAT(Condition("Ready", "app"), HasSubstr("False/VerificationFailed"));
  EXPECT_FALSE(status.contains("lastVerifiedTime"));
  EXPECT_EQ(status["backups"][0]["verified"], false);
  EXPECT_TRUE(EventsSeen("VerificationFailed"));
  EXPECT_TRUE(MetricsShow("upkeep_backup_verifications_total{name=\"app\","
                                   "namespace=\"default\",result=\"failed\"} 1"));
  // The scratch database is gone.
  auto databases = pg_->Sql("postgres", "select string_agg(datname, ',') from pg_database");
  ASSERT_TRUE(databases.ok());
  EXPECT_THAT(*databases, Not(HasSubstr("upkeep_verify")));
}

}  // namespace
}  // namespace upkeep::reconcilers::backup
