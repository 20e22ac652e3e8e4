// A directory destination: a backup is listed only once its manifest is committed; files are
// 0600 in 0700 folders; deleting removes the manifest first; leftovers of killed runs are
// removed; a damaged manifest hides nothing else; a full disk is a clear error that frees
// what the failed write took and leaves earlier backups alone. Also the manifest's JSON and
// the SHA-256 stage.
#include "backup/directory_store.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backup/sha256_sink.h"
#include "tests/backup/test_sinks.h"

namespace upkeep::backup {
namespace {

using testing::StringSink;

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using std::chrono::system_clock;

std::string TempDir() {
  std::string templ = (fs::temp_directory_path() / "upkeep-store-XXXXXX").string();
  EXPECT_NE(::mkdtemp(templ.data()), nullptr);
  return templ;
}

BackupManifest Manifest(const std::string& id, const std::string& content,
                        system_clock::time_point completed) {
  BackupManifest m;
  m.id = id;
  m.policy_namespace = "prod";
  m.policy_name = "db";
  m.policy_uid = "uid-1";
  m.run_id = "run-" + id;
  m.source_kind = "postgres";
  m.source = "postgres db:5432/app";
  m.postgres_format = "custom";
  m.start_time = completed - std::chrono::minutes(2);
  m.completion_time = completed;
  m.compression = "zstd";
  m.encryption = "AES-256-GCM/64KiB";
  m.key_fingerprint = "0123456789abcdef";
  m.artifacts = {{"app.dump.zst.enc", "app", content.size(), Sha256Hex(content)}};
  m.tool_versions = {{"upkeep", "0.1.0"}, {"pg_dump", "15.18"}};
  return m;
}

const system_clock::time_point kT0 = system_clock::from_time_t(1796000000);

class DirectoryStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TempDir();
    auto store = DirectoryStore::Open(dir_ + "/prod/db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes one artifact in pieces and commits its manifest.
  absl::Status Backup(const std::string& id, const std::string& content,
                      system_clock::time_point completed) {
    auto writer = store_->CreateArtifact(id, "app.dump.zst.enc");
    if (!writer.ok()) return writer.status();
    for (size_t i = 0; i < content.size(); i += 1000) {
      if (auto ok = (*writer)->Write(std::string_view(content).substr(i, 1000)); !ok.ok()) {
        return ok;
      }
    }
    if (auto ok = (*writer)->Finish(); !ok.ok()) return ok;
    return store_->CommitManifest(Manifest(id, content, completed));
  }

  std::vector<std::string> ListedIds() {
    auto listed = store_->ListBackups(nullptr);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    for (const auto& m : *listed) ids.push_back(m.id);
    return ids;
  }

  std::string dir_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_F(DirectoryStoreTest, ACommittedBackupIsListedWithItsManifestAndReadsBack) {
  std::string content(5000, 'x');
  ASSERT_TRUE(Backup("20261130T030000Z-aaaa", content, kT0).ok());
  auto listed = store_->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  const BackupManifest& m = listed->front();
  EXPECT_EQ(m.completion_time, kT0);
  EXPECT_EQ(m.TotalSizeBytes(), 5000u);
  EXPECT_EQ(m.artifacts.front().sha256, Sha256Hex(content));
  EXPECT_EQ(m.tool_versions.at("pg_dump"), "15.18");
  EXPECT_EQ(store_->Location(), "file://" + dir_ + "/prod/db");

  StringSink back;
  ASSERT_TRUE(store_->ReadArtifact(m.id, "app.dump.zst.enc", back).ok());
  EXPECT_EQ(back.bytes, content);
  EXPECT_TRUE(back.finished);

  struct stat st{};
  ASSERT_EQ(::stat((dir_ + "/prod/db/" + m.id + "/app.dump.zst.enc").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/prod/db/" + m.id + "/manifest.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  ASSERT_EQ(::stat((dir_ + "/prod/db/" + m.id).c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0700u);
}

TEST_F(DirectoryStoreTest, AHalfWrittenBackupIsNeverListed) {
  auto writer = store_->CreateArtifact("20261130T030000Z-half", "app.dump.zst.enc");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("partial dump").ok());
  EXPECT_TRUE(fs::exists(dir_ + "/prod/db/20261130T030000Z-half/app.dump.zst.enc.partial"));
  EXPECT_TRUE(ListedIds().empty());
  ASSERT_TRUE((*writer)->Finish().ok());
  EXPECT_TRUE(ListedIds().empty());  // artifacts alone are not a backup: no manifest yet
}

TEST_F(DirectoryStoreTest, AWriterDroppedBeforeFinishLeavesNothing) {
  {
    auto writer = store_->CreateArtifact("20261130T030000Z-drop", "app.dump.zst.enc");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("partial dump").ok());
  }
  EXPECT_TRUE(fs::is_empty(dir_ + "/prod/db/20261130T030000Z-drop"));
}

TEST_F(DirectoryStoreTest, LeftoversOfKilledRunsAreRemovedButNotARunInProgress) {
  ASSERT_TRUE(Backup("20261129T030000Z-good", "good", kT0).ok());
  fs::create_directories(dir_ + "/prod/db/20261130T030000Z-dead");
  std::ofstream(dir_ + "/prod/db/20261130T030000Z-dead/app.dump.zst.enc.partial") << "half";
  fs::create_directories(dir_ + "/prod/db/20261130T040000Z-live");
  auto removed = store_->RemoveIncomplete({"20261130T040000Z-live"});
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_THAT(*removed, ElementsAre("20261130T030000Z-dead"));
  EXPECT_TRUE(fs::exists(dir_ + "/prod/db/20261130T040000Z-live"));
  EXPECT_THAT(ListedIds(), ElementsAre("20261129T030000Z-good"));
}

TEST_F(DirectoryStoreTest, DeletingRemovesTheBackupAndOnlyIt) {
  ASSERT_TRUE(Backup("20261128T030000Z-one", "one", kT0).ok());
  ASSERT_TRUE(Backup("20261129T030000Z-two", "two", kT0 + std::chrono::hours(24)).ok());
  ASSERT_TRUE(store_->DeleteBackup("20261128T030000Z-one").ok());
  EXPECT_FALSE(fs::exists(dir_ + "/prod/db/20261128T030000Z-one"));
  EXPECT_THAT(ListedIds(), ElementsAre("20261129T030000Z-two"));
  EXPECT_EQ(store_->DeleteBackup("20261128T030000Z-one").code(), absl::StatusCode::kNotFound);
}

TEST_F(DirectoryStoreTest, ListsOldestFirstAndADamagedManifestHidesNothingElse) {
  ASSERT_TRUE(Backup("20261129T030000Z-new", "b", kT0 + std::chrono::hours(24)).ok());
  ASSERT_TRUE(Backup("20261128T030000Z-old", "a", kT0).ok());
  ASSERT_TRUE(Backup("20261127T030000Z-bad", "c", kT0 - std::chrono::hours(24)).ok());
  std::ofstream(dir_ + "/prod/db/20261127T030000Z-bad/manifest.json") << "{\"format\": 1";
  std::vector<std::string> problems;
  auto listed = store_->ListBackups(&problems);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].id, "20261128T030000Z-old");
  EXPECT_EQ((*listed)[1].id, "20261129T030000Z-new");
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("20261127T030000Z-bad/manifest.json"));
}

TEST_F(DirectoryStoreTest, AManifestForMissingOrShortArtifactsIsRefused) {
  BackupManifest m = Manifest("20261130T030000Z-none", "content", kT0);
  EXPECT_EQ(store_->CommitManifest(m).code(), absl::StatusCode::kNotFound);
  auto writer = store_->CreateArtifact(m.id, "app.dump.zst.enc");
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Write("cont").ok());
  ASSERT_TRUE((*writer)->Finish().ok());
  absl::Status short_one = store_->CommitManifest(m);
  EXPECT_EQ(short_one.code(), absl::StatusCode::kDataLoss) << short_one;
  EXPECT_TRUE(ListedIds().empty());
}

TEST_F(DirectoryStoreTest, UnsafeNamesAreRefused) {
  for (const char* id : {"..", "../escape", "a/b", "", "."}) {
    EXPECT_EQ(store_->CreateArtifact(id, "x").status().code(),
              absl::StatusCode::kInvalidArgument)
        << id;
  }
  EXPECT_FALSE(store_->CreateArtifact("20261130T030000Z", "manifest.json").ok());
  EXPECT_FALSE(DirectoryStore::Open("relative/path").ok());
}

// A real full disk: a 256 KiB tmpfs mounted in a mount namespace of this test process only.
TEST(DirectoryStoreFullDiskTest, AFullDiskIsAClearErrorAndKeepsTheEarlierBackup) {
  if (::geteuid() != 0 || ::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    GTEST_SKIP() << "needs root for a private tmpfs mount";
  }
  std::string dir = TempDir();
  ASSERT_EQ(::mount("tmpfs", dir.c_str(), "tmpfs", 0, "size=256k,mode=0700"), 0)
      << std::strerror(errno);
  auto store = DirectoryStore::Open(dir + "/prod/db");
  ASSERT_TRUE(store.ok());
  std::string small(50 * 1024, 's');
  auto first = (*store)->CreateArtifact("20261129T030000Z-good", "app.dump.zst.enc");
  ASSERT_TRUE(first.ok());
  ASSERT_TRUE((*first)->Write(small).ok());
  ASSERT_TRUE((*first)->Finish().ok());
  ASSERT_TRUE((*store)->CommitManifest(Manifest("20261129T030000Z-good", small, kT0)).ok());

  auto big = (*store)->CreateArtifact("20261130T030000Z-full", "app.dump.zst.enc");
  ASSERT_TRUE(big.ok());
  std::string block(64 * 1024, 'b');
  absl::Status status;
  for (int i = 0; i < 16 && status.ok(); ++i) status = (*big)->Write(block);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(status.message(), HasSubstr("destination is full"));
  EXPECT_THAT(status.message(), HasSubstr("20261130T030000Z-full/app.dump.zst.enc.partial"));
  // What the failed write took is freed at once; the earlier backup is whole.
  EXPECT_FALSE(fs::exists(dir + "/prod/db/20261130T030000Z-full/app.dump.zst.enc.partial"));
  auto listed = (*store)->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  StringSink back;
  ASSERT_TRUE((*store)->ReadArtifact("20261129T030000Z-good", "app.dump.zst.enc", back).ok());
  EXPECT_EQ(back.bytes, small);
  ::umount(dir.c_str());
  fs::remove_all(dir);
}

TEST(BackupManifestTest, RoundTripsThroughJson) {
  BackupManifest m = Manifest("20261130T030000Z-rt", "content", kT0);
  auto back = ManifestFromJson(ManifestToJson(m));
  ASSERT_TRUE(back.ok()) << back.status();
  EXPECT_EQ(ManifestToJson(*back), ManifestToJson(m));
  EXPECT_EQ(ManifestToJson(m)["completionTime"], "2026-11-30T00:53:20Z");
}

TEST(BackupManifestTest, AWrongFieldIsNamed) {
  nlohmann::json j = ManifestToJson(Manifest("20261130T030000Z-x", "c", kT0));
  struct Row {
    const char* what;
    std::function<void(nlohmann::json&)> damage;
    const char* field;
  };
  std::vector<Row> rows = {
      {"foreign format", [](auto& m) { m["format"] = "velero"; }, "format"},
      {"no id", [](auto& m) { m.erase("id"); }, "id"},
      {"id escapes", [](auto& m) { m["id"] = "../x"; }, "id"},
      {"bad time", [](auto& m) { m["completionTime"] = "yesterday"; }, "completionTime"},
      {"no artifacts", [](auto& m) { m["artifacts"] = nlohmann::json::array(); }, "artifacts"},
      {"bad sha", [](auto& m) { m["artifacts"][0]["sha256"] = "abc"; }, "artifacts[0].sha256"},
      {"bad name", [](auto& m) { m["artifacts"][0]["name"] = "a/b"; }, "artifacts[0].name"},
  };
  for (const Row& row : rows) {
    nlohmann::json damaged = j;
    row.damage(damaged);
    auto parsed = ManifestFromJson(damaged);
    ASSERT_FALSE(parsed.ok()) << row.what;
    EXPECT_THAT(parsed.status().message(), HasSubstr(row.field)) << row.what;
  }
}

TEST(BackupManifestTest, IdsSortByStartTimeAndAreSafeNames) {
  std::string a = NewBackupId(kT0, "run-5f3a9c1e-77");
  std::string b = NewBackupId(kT0 + std::chrono::seconds(1), "run-00");
  EXPECT_EQ(a, "20261130T005320Z-3a9c1e77");  // the run id's last 8 letters and digits
  EXPECT_LT(a, b);
  EXPECT_TRUE(IsSafeName(a));
}

TEST(Sha256SinkTest, HashesAndCountsWhatPassesAndPassesItOn) {
  StringSink out;
  Sha256Sink sink(out);
  ASSERT_TRUE(sink.Write("a").ok());
  ASSERT_TRUE(sink.Write("bc").ok());
  ASSERT_TRUE(sink.Finish().ok());
  EXPECT_EQ(sink.hex_digest(), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sink.size_bytes(), 3u);
  EXPECT_EQ(out.bytes, "abc");
  EXPECT_TRUE(out.finished);
  EXPECT_EQ(Sha256Hex("abc"), sink.hex_digest());
}

}  // namespace
}  // namespace upkeep::backup
