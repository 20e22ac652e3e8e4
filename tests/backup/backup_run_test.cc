// One backup run end to end against a real PostgreSQL 15 and a real directory destination:
// the artifact is encrypted (no row data in it) and restores into a fresh database with the
// same tables; "*" gives one artifact per database; a folder round-trips files, modes and
// symlinks; PostgreSQL killed mid-dump, a full destination and a wrong key each give a clear
// failure and delete nothing; a killed run's leftovers are never listed and the next run
// succeeds; a tampered artifact is refused before anything is restored.
#include "backup/backup_run.h"

#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backup/directory_store.h"
#include "backup/encrypted_stream.h"
#include "backup/restore_artifact.h"
#include "backup/tar_stream.h"
#include "tests/support/postgres_process.h"
#include "tests/backup/test_sinks.h"

namespace upkeep::backup {
namespace {

using testing::kTableChecksumsSql;
using testing::StringSink;

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using upkeep::testing::PostgresProcess;

const std::string kKey(32, '\x5a');

std::string TempDir() {
  std::string templ = (fs::temp_directory_path() / "upkeep-run-XXXXXX").string();
  EXPECT_NE(::mkdtemp(templ.data()), nullptr);
  return templ;
}

std::string ReadWhole(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// A directory store that calls `on_first_write` when the first encrypted chunk of an
// artifact arrives (not the 27-byte header written before the source starts): the moment to
// break the source, deterministically mid-run.
class FirstWriteHook final : public ArtifactStore {
 public:
  FirstWriteHook(ArtifactStore& store, std::function<void()> on_first_write)
      : store_(store), on_first_write_(std::move(on_first_write)) {}
  std::string Location() const override { return store_.Location(); }
  absl::StatusOr<std::unique_ptr<ArtifactWriter>> CreateArtifact(
      const std::string& id, const std::string& name) override {
    auto writer = store_.CreateArtifact(id, name);
    if (!writer.ok()) return writer;
    return std::unique_ptr<ArtifactWriter>(new HookedWriter(std::move(*writer), this));
  }
  absl::Status CommitManifest(const BackupManifest& m) override {
    return store_.CommitManifest(m);
  }
  absl::StatusOr<std::vector<BackupManifest>> ListBackups(
      std::vector<std::string>* problems) override {
    return store_.ListBackups(problems);
  }
  absl::Status ReadArtifact(const std::string& id, const std::string& name,
                            ByteSink& out) override {
    return store_.ReadArtifact(id, name, out);
  }
  absl::Status RecordVerification(const std::string& id,
                                  const VerificationRecord& record) override {
    return store_.RecordVerification(id, record);
  }
  absl::Status DeleteBackup(const std::string& id) override { return store_.DeleteBackup(id); }
  absl::StatusOr<std::vector<std::string>> RemoveIncomplete(
      const std::set<std::string>& in_progress) override {
    return store_.RemoveIncomplete(in_progress);
  }

 private:
  class HookedWriter final : public ArtifactWriter {
   public:
    HookedWriter(std::unique_ptr<ArtifactWriter> inner, FirstWriteHook* hook)
        : inner_(std::move(inner)), hook_(hook) {}
    absl::Status Write(std::string_view data) override {
      if (data.size() > 1024 && hook_->on_first_write_) {
        std::exchange(hook_->on_first_write_, nullptr)();
      }
      return inner_->Write(data);
    }
    absl::Status Finish() override { return inner_->Finish(); }
    void Abort() override { inner_->Abort(); }

   private:
    std::unique_ptr<ArtifactWriter> inner_;
    FirstWriteHook* hook_;
  };
  ArtifactStore& store_;
  std::function<void()> on_first_write_;
};

class BackupRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto pg = PostgresProcess::Start();
    ASSERT_TRUE(pg.ok()) << pg.status();
    pg_ = std::move(*pg);
    ASSERT_TRUE(pg_->CreateDatabase("app").ok());
    ASSERT_TRUE(pg_->Sql("app",
                         "create table patients (id int primary key, name text, email text);"
                         "insert into patients select g, 'Patient Zed ' || g, "
                         "  'zed' || g || '@clinic.example.test' from generate_series(1, 3000) g;"
                         "create table visits (id bigserial primary key, patient int, "
                         "  note text);"
                         "insert into visits (patient, note) select g % 3000 + 1, "
                         "  'follow-up ' || md5(g::text) from generate_series(1, 10000) g;")
                    .ok());
    dir_ = TempDir();
    auto store = DirectoryStore::Open(dir_ + "/backups/prod/db");
    ASSERT_TRUE(store.ok());
    store_ = std::move(*store);
  }
  void TearDown() override { fs::remove_all(dir_); }

  BackupRunRequest Request(const std::string& database, const std::string& run_id) {
    BackupRunRequest r;
    r.policy_namespace = "prod";
    r.policy_name = "db";
    r.policy_uid = "uid-1";
    r.run_id = run_id;
    PostgresBackupSource source;
    source.connection.host = pg_->host();
    source.connection.port = pg_->port();
    source.connection.user = pg_->superuser();
    source.connection.password = pg_->password();
    source.connection.database = database;
    r.source = source;
    r.key = kKey;
    return r;
  }

  std::vector<std::string> Listed() {
    auto listed = store_->ListBackups(nullptr);
    EXPECT_TRUE(listed.ok());
    std::vector<std::string> ids;
    for (const auto& m : *listed) ids.push_back(m.id);
    return ids;
  }

  absl::Status RestoreInto(const BackupManifest& m, const ArtifactRecord& a,
                           const std::string& database, const std::string& key = kKey) {
    if (absl::Status created = pg_->CreateDatabase(database); !created.ok()) return created;
    PostgresConnection c;
    c.host = pg_->host();
    c.port = pg_->port();
    c.user = pg_->superuser();
    c.password = pg_->password();
    c.database = database;
    auto sink = PostgresRestoreSink::Start(c, DumpFormat::kCustom);
    if (!sink.ok()) return sink.status();
    return RestoreArtifact(*store_, m, a, key, **sink);
  }

  std::unique_ptr<PostgresProcess> pg_;
  std::string dir_;
  std::unique_ptr<DirectoryStore> store_;
};

TEST_F(BackupRunTest, ABackupIsEncryptedAndRestoresIdenticalTables) {
  auto manifest = RunBackup(Request("app", "run-0001"), *store_);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  EXPECT_THAT(Listed(), ElementsAre(manifest->id));
  ASSERT_EQ(manifest->artifacts.size(), 1u);
  const ArtifactRecord& artifact = manifest->artifacts.front();
  EXPECT_EQ(artifact.name, "app.dump.zst.enc");
  EXPECT_EQ(artifact.database, "app");
  EXPECT_EQ(manifest->compression, "zstd");
  EXPECT_EQ(manifest->key_fingerprint, *KeyFingerprint(kKey));
  EXPECT_THAT(manifest->tool_versions.at("pg_dump"), HasSubstr("15"));

  const std::string stored =
      ReadWhole(fs::path(store_->root()) / manifest->id / artifact.name);
  EXPECT_EQ(stored.size(), artifact.size_bytes);
  for (const char* plaintext : {"Patient Zed", "clinic.example.test", "follow-up", "PGDMP",
                                "patients"}) {
    EXPECT_EQ(stored.find(plaintext), std::string::npos) << plaintext;
  }
  ASSERT_TRUE(RestoreInto(*manifest, artifact, "restored").ok());
  auto original = pg_->Sql("app", kTableChecksumsSql);
  auto restored = pg_->Sql("restored", kTableChecksumsSql);
  ASSERT_TRUE(original.ok() && restored.ok());
  EXPECT_EQ(*restored, *original);
  EXPECT_THAT(*restored, HasSubstr("patients:"));
}

TEST_F(BackupRunTest, EveryDatabaseGetsItsOwnArtifact) {
  ASSERT_TRUE(pg_->CreateDatabase("billing").ok());
  auto manifest = RunBackup(Request("*", "run-all"), *store_);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  std::vector<std::string> names;
  for (const auto& a : manifest->artifacts) names.push_back(a.database + "=" + a.name);
  EXPECT_THAT(names, ElementsAre("app=app.dump.zst.enc", "billing=billing.dump.zst.enc",
                                 "postgres=postgres.dump.zst.enc"));
}

TEST_F(BackupRunTest, PostgresKilledMidDumpFailsClearlyAndDeletesNothing) {
  auto good = RunBackup(Request("app", "run-good"), *store_);
  ASSERT_TRUE(good.ok()) << good.status();
  ASSERT_TRUE(pg_->Sql("app",
                       "create table big as select g as id, repeat(md5(g::text), 8) as v "
                       "from generate_series(1, 300000) g")
                  .ok());
  // Kill the server once the dump is under way: when its first 64 KiB chunk reaches the
  // destination (the dump is about 10 MiB compressed).
  FirstWriteHook hooked(*store_, [&] { pg_->Kill(); });
  auto failed = RunBackup(Request("app", "run-bad"), hooked);
  ASSERT_FALSE(failed.ok());
  EXPECT_EQ(failed.status().code(), absl::StatusCode::kUnavailable) << failed.status();
  EXPECT_THAT(failed.status().message(), HasSubstr("pg_dump"));
  EXPECT_THAT(Listed(), ElementsAre(good->id));
  // Nothing of the failed run is left, and the good backup still restores.
  for (const auto& entry : fs::directory_iterator(store_->root())) {
    EXPECT_EQ(entry.path().filename(), good->id);
  }
  ASSERT_TRUE(pg_->Restart().ok());
  EXPECT_TRUE(RestoreInto(*good, good->artifacts.front(), "from_good").ok());
}

TEST_F(BackupRunTest, AKilledRunsLeftoversAreNeverListedAndTheNextRunSucceeds) {
  // What a run killed mid-dump leaves: an artifact being written, no manifest.
  fs::create_directories(fs::path(store_->root()) / "20261130T030000Z-killed");
  std::ofstream(fs::path(store_->root()) / "20261130T030000Z-killed" / "app.dump.zst.enc.partial")
      << "half a dump";
  EXPECT_TRUE(Listed().empty());
  auto next = RunBackup(Request("app", "run-next"), *store_);
  ASSERT_TRUE(next.ok()) << next.status();
  EXPECT_THAT(Listed(), ElementsAre(next->id));
  EXPECT_FALSE(fs::exists(fs::path(store_->root()) / "20261130T030000Z-killed"));
}

TEST_F(BackupRunTest, AWrongKeyIsRefusedNamingBothFingerprintsAndRestoresNothing) {
  auto manifest = RunBackup(Request("app", "run-key"), *store_);
  ASSERT_TRUE(manifest.ok());
  const std::string other(32, '\x01');
  absl::Status status = RestoreInto(*manifest, manifest->artifacts.front(), "wrong_key", other);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr(*KeyFingerprint(kKey)));
  EXPECT_THAT(status.message(), HasSubstr(*KeyFingerprint(other)));
  auto tables = pg_->Sql("wrong_key", "select count(*) from pg_tables where schemaname='public'");
  ASSERT_TRUE(tables.ok());
  EXPECT_EQ(*tables, "0");
  EXPECT_THAT(Listed(), ElementsAre(manifest->id));  // and the backup is still there
}

TEST_F(BackupRunTest, ATamperedArtifactIsRefusedBeforeAnythingIsRestored) {
  auto manifest = RunBackup(Request("app", "run-tamper"), *store_);
  ASSERT_TRUE(manifest.ok());
  const fs::path path = fs::path(store_->root()) / manifest->id / "app.dump.zst.enc";
  std::string bytes = ReadWhole(path);
  bytes[bytes.size() / 2] ^= 0x01;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  StringSink target;
  absl::Status status = RestoreArtifact(*store_, *manifest, manifest->artifacts.front(), kKey,
                                        target);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  EXPECT_THAT(status.message(), HasSubstr("does not match its manifest"));
  EXPECT_EQ(target.writes, 0);  // nothing reached the target
}

TEST_F(BackupRunTest, AFolderRoundTripsFilesModesAndSymlinks) {
  const fs::path source = fs::path(dir_) / "media";
  fs::create_directories(source / "uploads" / "2026");
  fs::create_directories(source / "cache");
  std::ofstream(source / "uploads" / "2026" / "scan.pdf") << std::string(300000, 'p');
  std::ofstream(source / "secret.env") << "TOKEN=abc";
  ::chmod((source / "secret.env").c_str(), 0600);
  std::ofstream(source / "run.sh") << "#!/bin/sh\n";
  ::chmod((source / "run.sh").c_str(), 0755);
  std::ofstream(source / "cache" / "tmp.bin") << "cached";
  fs::create_symlink("uploads/2026/scan.pdf", source / "latest.pdf");
  BackupRunRequest request = Request("", "run-files");
  DirectoryBackupSource files;
  files.path = source.string();
  files.exclude = {"cache/**"};
  request.source = files;
  request.compression = api::v1alpha1::Compression::kGzip;
  auto manifest = RunBackup(request, *store_);
  ASSERT_TRUE(manifest.ok()) << manifest.status();
  ASSERT_EQ(manifest->artifacts.size(), 1u);
  EXPECT_EQ(manifest->artifacts.front().name, "files.tar.gz.enc");
  EXPECT_EQ(manifest->source_kind, "files");

  const fs::path out = fs::path(dir_) / "restored";
  fs::create_directories(out);
  auto extractor = TarExtractor::Create(out.string());
  ASSERT_TRUE(extractor.ok());
  ASSERT_TRUE(
      RestoreArtifact(*store_, *manifest, manifest->artifacts.front(), kKey, **extractor).ok());
  EXPECT_EQ(ReadWhole(out / "uploads" / "2026" / "scan.pdf"), std::string(300000, 'p'));
  EXPECT_EQ(ReadWhole(out / "secret.env"), "TOKEN=abc");
  struct stat st{};
  ASSERT_EQ(::stat((out / "secret.env").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  ASSERT_EQ(::stat((out / "run.sh").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0755u);
  EXPECT_TRUE(fs::is_symlink(out / "latest.pdf"));
  EXPECT_EQ(fs::read_symlink(out / "latest.pdf"), "uploads/2026/scan.pdf");
  EXPECT_FALSE(fs::exists(out / "cache" / "tmp.bin"));
}

// A real full destination: a small tmpfs in a mount namespace of this test process only.
TEST_F(BackupRunTest, AFullDestinationFailsClearlyAndKeepsTheLastGoodBackup) {
  if (::geteuid() != 0 || ::unshare(CLONE_NEWNS) != 0 ||
      ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    GTEST_SKIP() << "needs root for a private tmpfs mount";
  }
  const std::string small = dir_ + "/small";
  fs::create_directories(small);
  ASSERT_EQ(::mount("tmpfs", small.c_str(), "tmpfs", 0, "size=1m,mode=0700"), 0);
  auto store = DirectoryStore::Open(small + "/prod/db");
  ASSERT_TRUE(store.ok());
  auto good = RunBackup(Request("app", "run-fits"), **store);
  ASSERT_TRUE(good.ok()) << good.status();
  ASSERT_TRUE(pg_->Sql("app",
                       "create table big as select g as id, md5(random()::text) || "
                       "md5(random()::text) as v from generate_series(1, 200000) g")
                  .ok());
  auto full = RunBackup(Request("app", "run-full"), **store);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.status().code(), absl::StatusCode::kResourceExhausted) << full.status();
  EXPECT_THAT(full.status().message(), HasSubstr("destination is full"));
  auto listed = (*store)->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, good->id);
  EXPECT_TRUE(VerifyArtifactChecksum(**store, *good, good->artifacts.front()).ok());
  ::umount(small.c_str());
}

}  // namespace
}  // namespace upkeep::backup
