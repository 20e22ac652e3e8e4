// The S3 destination against a real S3-compatible server (s3rver on 127.0.0.1, every
// request's SigV4 signature checked): a multipart artifact round-trips byte for byte while
// only one part is buffered; nothing is listed before its manifest, and a manifest for a
// missing or short artifact is refused; listing follows continuation tokens and reports a
// damaged manifest without hiding the rest; deleting removes the backup and only it; a
// half-written backup is removed unless in progress; Abort leaves nothing; a wrong secret, a
// missing bucket, a skewed clock and an untrusted certificate are clear errors that never
// show the secret; https with caBundle works; and RunBackup → ListBackups → RestoreArtifact
// gives back the same folder.
#include "backup/s3_store.h"

#include <sys/stat.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "backup/backup_run.h"
#include "backup/restore_artifact.h"
#include "backup/sha256_sink.h"
#include "backup/tar_stream.h"
#include "tests/backup/test_sinks.h"
#include "tests/support/child_process.h"
#include "tests/support/s3rver_process.h"

namespace upkeep::backup {
namespace {

using testing::StringSink;

namespace fs = std::filesystem;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using std::chrono::system_clock;
using upkeep::testing::S3rverOptions;
using upkeep::testing::S3rverProcess;

const system_clock::time_point kT0 = system_clock::from_time_t(1796000000);
constexpr char kArtifact[] = "app.dump.zst.enc";

std::string RandomBytes(size_t size, unsigned seed) {
  std::mt19937_64 random(seed);
  std::string out(size, '\0');
  for (size_t i = 0; i < size; i += 8) {
    const uint64_t word = random();
    std::memcpy(out.data() + i, &word, std::min<size_t>(8, size - i));
  }
  return out;
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
  m.artifacts = {{kArtifact, "app", content.size(), Sha256Hex(content)}};
  m.tool_versions = {{"upkeep", "0.1.0"}};
  return m;
}

class S3StoreTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer({}); }

  void StartServer(S3rverOptions options) {
    auto server = S3rverProcess::Start(std::move(options));
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    store_ = OpenStore({});
  }

  S3StoreOptions Options() const {
    S3StoreOptions options;
    options.endpoint = server_->endpoint();
    options.bucket = server_->bucket();
    options.prefix = "backups/prod/db";
    options.part_size_bytes = kS3MinPartBytes;
    options.ca_bundle_pem = server_->tls_ca_pem();
    return options;
  }
  S3Credentials Credentials() const {
    return {server_->access_key_id(), server_->secret_access_key()};
  }

  // A store on the test server; `change` adjusts the options first.
  std::unique_ptr<S3Store> OpenStore(std::function<void(S3StoreOptions&)> change,
                                     std::optional<S3Credentials> credentials = std::nullopt) {
    S3StoreOptions options = Options();
    if (change) change(options);
    auto store = S3Store::Open(std::move(options), credentials.value_or(Credentials()));
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // Writes `content` as artifact `name` of `id` in uneven pieces.
  absl::Status WriteArtifact(S3Store& store, const std::string& id, const std::string& content,
                             const std::string& name = kArtifact) {
    auto writer = store.CreateArtifact(id, name);
    if (!writer.ok()) return writer.status();
    constexpr size_t kPiece = 1024 * 1024 + 3;
    for (size_t i = 0; i < content.size(); i += kPiece) {
      if (auto ok = (*writer)->Write(std::string_view(content).substr(i, kPiece)); !ok.ok()) {
        return ok;
      }
    }
    return (*writer)->Finish();
  }

  absl::Status Backup(const std::string& id, const std::string& content,
                      system_clock::time_point completed) {
    if (absl::Status written = WriteArtifact(*store_, id, content); !written.ok()) {
      return written;
    }
    return store_->CommitManifest(Manifest(id, content, completed));
  }

  std::vector<std::string> ListedIds(S3Store& store) {
    auto listed = store.ListBackups(nullptr);
    EXPECT_TRUE(listed.ok()) << listed.status();
    std::vector<std::string> ids;
    if (listed.ok()) {
      for (const auto& m : *listed) ids.push_back(m.id);
    }
    return ids;
  }
  std::vector<std::string> ListedIds() { return ListedIds(*store_); }

  // The object as s3rver holds it ("" when absent), read from its data folder: an
  // observation independent of the store under test.
  std::optional<std::string> StoredObject(const std::string& key) {
    const fs::path path =
        fs::path(server_->data_dir()) / server_->bucket() / (key + "._S3rver_object");
    if (!fs::exists(path)) return std::nullopt;
    return upkeep::testing::ReadFile(path.string());
  }

  // PUTs raw bytes with curl's own SigV4 signer, for what the store would never write.
  void PutRawObject(const std::string& key, const std::string& body) {
    const fs::path file = fs::temp_directory_path() / ("upkeep-s3-raw-" + std::to_string(::getpid()));
    std::ofstream(file, std::ios::binary) << body;
    const std::string command =
        "curl -sf -o /dev/null -X PUT --data-binary @" + file.string() +
        " -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD' --aws-sigv4 aws:amz:us-east-1:s3 --user '" +
        server_->access_key_id() + ":" + server_->secret_access_key() + "' '" +
        server_->endpoint() + "/" + server_->bucket() + "/" + key + "'";
    EXPECT_EQ(std::system(command.c_str()), 0) << "curl PUT " << key;
    fs::remove(file);
  }

  std::unique_ptr<S3rverProcess> server_;
  std::unique_ptr<S3Store> store_;
};

TEST_F(S3StoreTest, AMultipartArtifactRoundTripsByteForByte) {
  const std::string content = RandomBytes(20 * 1024 * 1024 + 12345, 1);
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-big", content).ok());
  // Five parts of 5 MiB went up separately, then were assembled.
  const std::string log = upkeep::testing::ReadFile(server_->log_path());
  EXPECT_THAT(log, HasSubstr("Stored part 5 of"));
  EXPECT_THAT(log, Not(HasSubstr("Stored part 6 of")));
  const auto stored = StoredObject("backups/prod/db/20261130T030000Z-big/app.dump.zst.enc");
  ASSERT_TRUE(stored.has_value());
  EXPECT_TRUE(*stored == content) << "the stored object differs from what was written";

  StringSink back;
  ASSERT_TRUE(store_->ReadArtifact("20261130T030000Z-big", kArtifact, back).ok());
  EXPECT_EQ(back.bytes.size(), content.size());
  EXPECT_TRUE(back.bytes == content) << "read back bytes differ";
  EXPECT_TRUE(back.finished);
  EXPECT_GE(back.writes, 5);  // ranged reads of one part each, never the whole object
}

TEST_F(S3StoreTest, ASmallArtifactIsOnePutAndAnEmptyOneWorksToo) {
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-small", "tiny").ok());
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-small", "", "empty.bin").ok());
  EXPECT_THAT(upkeep::testing::ReadFile(server_->log_path()), Not(HasSubstr("Stored part")));
  StringSink back;
  ASSERT_TRUE(store_->ReadArtifact("20261130T030000Z-small", kArtifact, back).ok());
  EXPECT_EQ(back.bytes, "tiny");
  StringSink empty;
  ASSERT_TRUE(store_->ReadArtifact("20261130T030000Z-small", "empty.bin", empty).ok());
  EXPECT_EQ(empty.bytes, "");
  EXPECT_TRUE(empty.finished);
  EXPECT_EQ(store_->CreateArtifact("20261130T030000Z-small", kArtifact).status().code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(S3StoreTest, NothingIsListedBeforeItsManifestIsCommitted) {
  const std::string content = RandomBytes(6 * 1024 * 1024, 2);
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-aaaa", content).ok());
  EXPECT_TRUE(ListedIds().empty());
  ASSERT_TRUE(store_->CommitManifest(Manifest("20261130T030000Z-aaaa", content, kT0)).ok());
  EXPECT_TRUE(StoredObject("backups/prod/db/20261130T030000Z-aaaa/manifest.json").has_value());

  auto listed = store_->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().completion_time, kT0);
  EXPECT_EQ(listed->front().artifacts.front().sha256, Sha256Hex(content));
  EXPECT_FALSE(listed->front().verification.has_value());
  EXPECT_EQ(store_->Location(), "s3://upkeep-test/backups/prod/db/");

  VerificationRecord record;
  record.time = kT0 + std::chrono::hours(1);
  record.passed = true;
  record.message = "restored";
  ASSERT_TRUE(store_->RecordVerification("20261130T030000Z-aaaa", record).ok());
  listed = store_->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok());
  ASSERT_TRUE(listed->front().verification.has_value());
  EXPECT_TRUE(listed->front().verification->passed);
  EXPECT_EQ(store_->RecordVerification("20261130T030000Z-none", record).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(S3StoreTest, AManifestForAMissingOrShortArtifactIsRefused) {
  BackupManifest m = Manifest("20261130T030000Z-none", "content", kT0);
  absl::Status missing = store_->CommitManifest(m);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound) << missing;
  EXPECT_THAT(missing.message(),
              HasSubstr("s3://upkeep-test/backups/prod/db/20261130T030000Z-none/" +
                        std::string(kArtifact)));
  ASSERT_TRUE(WriteArtifact(*store_, m.id, "cont").ok());
  absl::Status short_one = store_->CommitManifest(m);
  EXPECT_EQ(short_one.code(), absl::StatusCode::kDataLoss) << short_one;
  EXPECT_TRUE(ListedIds().empty());
  EXPECT_FALSE(StoredObject("backups/prod/db/20261130T030000Z-none/manifest.json").has_value());
}

TEST_F(S3StoreTest, ListingReadsEveryPageAndADamagedManifestHidesNothingElse) {
  auto paged = OpenStore([](S3StoreOptions& o) { o.max_keys = 2; });
  ASSERT_TRUE(Backup("20261129T030000Z-new", "b", kT0 + std::chrono::hours(24)).ok());
  ASSERT_TRUE(Backup("20261128T030000Z-old", "a", kT0).ok());
  ASSERT_TRUE(Backup("20261127T030000Z-bad", "c", kT0 - std::chrono::hours(24)).ok());
  ASSERT_TRUE(Backup("20261126T030000Z-odd", "d", kT0 - std::chrono::hours(48)).ok());
  PutRawObject("backups/prod/db/20261127T030000Z-bad/manifest.json", "{\"format\": 1");
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-half", "half").ok());

  std::vector<std::string> problems;
  auto listed = paged->ListBackups(&problems);
  ASSERT_TRUE(listed.ok()) << listed.status() << server_->LogTail();
  std::vector<std::string> ids;
  for (const auto& m : *listed) ids.push_back(m.id);
  EXPECT_THAT(ids, ElementsAre("20261126T030000Z-odd", "20261128T030000Z-old",
                               "20261129T030000Z-new"));
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_THAT(problems[0], HasSubstr("20261127T030000Z-bad/manifest.json"));
  // 10 objects at 2 a page: the listing followed continuation tokens to the last page.
  const std::string log = upkeep::testing::ReadFile(server_->log_path());
  size_t continued = 0;
  for (size_t at = 0; (at = log.find("continuation-token=", at)) != std::string::npos; ++at) {
    ++continued;
  }
  EXPECT_GE(continued, 4u) << server_->LogTail();
}

TEST_F(S3StoreTest, DeletingRemovesTheBackupAndOnlyIt) {
  ASSERT_TRUE(Backup("20261128T030000Z-one", "one", kT0).ok());
  ASSERT_TRUE(Backup("20261129T030000Z-two", "two", kT0 + std::chrono::hours(24)).ok());
  ASSERT_TRUE(store_->DeleteBackup("20261128T030000Z-one").ok());
  EXPECT_FALSE(StoredObject("backups/prod/db/20261128T030000Z-one/manifest.json").has_value());
  EXPECT_FALSE(StoredObject("backups/prod/db/20261128T030000Z-one/" + std::string(kArtifact))
                   .has_value());
  EXPECT_THAT(ListedIds(), ElementsAre("20261129T030000Z-two"));
  EXPECT_EQ(store_->DeleteBackup("20261128T030000Z-one").code(), absl::StatusCode::kNotFound);
  StringSink gone;
  EXPECT_EQ(store_->ReadArtifact("20261128T030000Z-one", kArtifact, gone).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(S3StoreTest, LeftoversOfKilledRunsAreRemovedButNotARunInProgress) {
  ASSERT_TRUE(Backup("20261129T030000Z-good", "good", kT0).ok());
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-dead", "half").ok());
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T030000Z-dead", "more", "other.bin").ok());
  ASSERT_TRUE(WriteArtifact(*store_, "20261130T040000Z-live", "running").ok());
  auto removed = store_->RemoveIncomplete({"20261130T040000Z-live"});
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_THAT(*removed, ElementsAre("20261130T030000Z-dead"));
  EXPECT_FALSE(StoredObject("backups/prod/db/20261130T030000Z-dead/" + std::string(kArtifact))
                   .has_value());
  EXPECT_FALSE(StoredObject("backups/prod/db/20261130T030000Z-dead/other.bin").has_value());
  StringSink live;
  ASSERT_TRUE(store_->ReadArtifact("20261130T040000Z-live", kArtifact, live).ok());
  EXPECT_EQ(live.bytes, "running");
  EXPECT_THAT(ListedIds(), ElementsAre("20261129T030000Z-good"));
}

TEST_F(S3StoreTest, AbortOrDroppingAWriterLeavesNothing) {
  const std::string big = RandomBytes(12 * 1024 * 1024, 3);
  {
    auto writer = store_->CreateArtifact("20261130T030000Z-abort", kArtifact);
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(big).ok());  // two parts uploaded, one buffered
    (*writer)->Abort();
    EXPECT_FALSE((*writer)->Write("more").ok());
  }
  {
    auto writer = store_->CreateArtifact("20261130T030000Z-abort", "small.bin");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write("small").ok());
    ASSERT_TRUE((*writer)->Finish().ok());
    EXPECT_TRUE(StoredObject("backups/prod/db/20261130T030000Z-abort/small.bin").has_value());
    (*writer)->Abort();  // after Finish: the object goes
  }
  {
    auto writer = store_->CreateArtifact("20261130T030000Z-abort", "dropped.bin");
    ASSERT_TRUE(writer.ok());
    ASSERT_TRUE((*writer)->Write(big).ok());
  }  // destroyed before Finish
  for (const char* name : {kArtifact, "small.bin", "dropped.bin"}) {
    EXPECT_FALSE(StoredObject("backups/prod/db/20261130T030000Z-abort/" + std::string(name))
                     .has_value())
        << name;
    EXPECT_TRUE(store_->CreateArtifact("20261130T030000Z-abort", name).ok()) << name;
  }
  auto removed = store_->RemoveIncomplete({});
  ASSERT_TRUE(removed.ok()) << removed.status();
  EXPECT_TRUE(removed->empty());
}

TEST_F(S3StoreTest, AWrongSecretIsSignatureDoesNotMatchAndNeverShowsTheSecret) {
  const std::string wrong = "wrong-" + server_->secret_access_key();
  auto store = OpenStore({}, S3Credentials{server_->access_key_id(), wrong});
  auto listed = store->ListBackups(nullptr);
  ASSERT_FALSE(listed.ok());
  const std::string message(listed.status().message());
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kPermissionDenied) << message;
  EXPECT_THAT(message, HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(message, HasSubstr("s3://upkeep-test/backups/prod/db/"));
  EXPECT_THAT(message, Not(HasSubstr(wrong)));
  EXPECT_THAT(message, Not(HasSubstr(server_->secret_access_key())));
  EXPECT_THAT(message, Not(HasSubstr("Signature=")));

  auto writer = store->CreateArtifact("20261130T030000Z-x", kArtifact);
  absl::Status status = writer.status();
  if (writer.ok()) {
    status = (*writer)->Write("data");
    if (status.ok()) status = (*writer)->Finish();
  }
  EXPECT_THAT(status.message(), HasSubstr("SignatureDoesNotMatch"));
  EXPECT_THAT(status.message(), Not(HasSubstr(wrong)));
}

TEST_F(S3StoreTest, AMissingBucketIsNoSuchBucketNamingIt) {
  auto store = OpenStore([](S3StoreOptions& o) { o.bucket = "no-such-bucket"; });
  auto listed = store->ListBackups(nullptr);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kNotFound) << listed.status();
  EXPECT_THAT(listed.status().message(), HasSubstr("NoSuchBucket"));
  EXPECT_THAT(listed.status().message(), HasSubstr("no-such-bucket"));
  absl::Status written = WriteArtifact(*store, "20261130T030000Z-x", "data");
  EXPECT_THAT(written.message(), HasSubstr("NoSuchBucket"));
  EXPECT_THAT(written.message(), HasSubstr("s3://no-such-bucket/"));
}

TEST_F(S3StoreTest, ASkewedClockIsRefusedClearly) {
  auto store = OpenStore(
      [](S3StoreOptions& o) { o.now = [] { return system_clock::now() - std::chrono::hours(1); }; });
  auto listed = store->ListBackups(nullptr);
  ASSERT_FALSE(listed.ok());
  EXPECT_THAT(listed.status().message(), HasSubstr("RequestTimeTooSkewed"));
}

TEST_F(S3StoreTest, ABackupRunRoundTripsAFolderThroughS3) {
  const fs::path dir = fs::path(server_->data_dir()).parent_path() / "run";
  const fs::path source = dir / "source";
  fs::create_directories(source / "uploads");
  const std::string scan = RandomBytes(7 * 1024 * 1024, 4);  // stays big after compression
  std::ofstream(source / "uploads" / "scan.bin", std::ios::binary) << scan;
  std::ofstream(source / "secret.env") << "TOKEN=abc";
  ::chmod((source / "secret.env").c_str(), 0600);

  BackupRunRequest request;
  request.policy_namespace = "prod";
  request.policy_name = "files";
  request.policy_uid = "uid-2";
  request.run_id = "run-s3-files";
  DirectoryBackupSource files;
  files.path = source.string();
  request.source = files;
  request.compression = api::v1alpha1::Compression::kZstd;
  request.key = std::string(32, '\x5a');
  auto manifest = RunBackup(request, *store_);
  ASSERT_TRUE(manifest.ok()) << manifest.status();

  auto listed = store_->ListBackups(nullptr);
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ(listed->front().id, manifest->id);
  ASSERT_EQ(listed->front().artifacts.size(), 1u);
  EXPECT_GT(listed->front().artifacts.front().size_bytes, kS3MinPartBytes);  // multipart

  const fs::path out = dir / "restored";
  fs::create_directories(out);
  auto extractor = TarExtractor::Create(out.string());
  ASSERT_TRUE(extractor.ok());
  absl::Status restored = RestoreArtifact(*store_, listed->front(),
                                          listed->front().artifacts.front(), request.key,
                                          **extractor);
  ASSERT_TRUE(restored.ok()) << restored;
  EXPECT_TRUE(upkeep::testing::ReadFile((out / "uploads" / "scan.bin").string()) == scan);
  EXPECT_EQ(upkeep::testing::ReadFile((out / "secret.env").string()), "TOKEN=abc");
}

class S3StoreTlsTest : public S3StoreTest {
 protected:
  void SetUp() override {
    S3rverOptions options;
    options.tls = true;
    StartServer(options);
  }
};

TEST_F(S3StoreTlsTest, HttpsWithTheCaBundleWorksAndWithoutItIsRefused) {
  ASSERT_THAT(server_->endpoint(), HasSubstr("https://127.0.0.1:"));
  absl::Status backup = Backup("20261130T030000Z-tls", "over tls", kT0);
  ASSERT_TRUE(backup.ok()) << backup;
  EXPECT_THAT(ListedIds(), ElementsAre("20261130T030000Z-tls"));

  auto untrusting = OpenStore([](S3StoreOptions& o) {
    o.ca_bundle_pem = "";
    o.max_attempts = 1;
  });
  auto listed = untrusting->ListBackups(nullptr);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.status().code(), absl::StatusCode::kUnavailable) << listed.status();
  EXPECT_THAT(listed.status().message(), HasSubstr("system's CAs"));
}

TEST(S3StoreOpenTest, BadOptionsAreRefusedBeforeAnythingIsSent) {
  auto open = [](std::function<void(S3StoreOptions&)> change) {
    S3StoreOptions options;
    options.endpoint = "https://s3.example.com";
    options.bucket = "b";
    change(options);
    return S3Store::Open(options, {"AK", "SECRET"}).status();
  };
  EXPECT_TRUE(open([](S3StoreOptions&) {}).ok());
  EXPECT_THAT(open([](S3StoreOptions& o) { o.endpoint = "http://s3.example.com"; }).message(),
              HasSubstr("must use https"));
  EXPECT_TRUE(open([](S3StoreOptions& o) { o.endpoint = "http://localhost:9000"; }).ok());
  EXPECT_THAT(open([](S3StoreOptions& o) { o.part_size_bytes = 1024; }).message(),
              HasSubstr("5 MiB"));
  EXPECT_FALSE(open([](S3StoreOptions& o) { o.bucket = ""; }).ok());
  EXPECT_FALSE(open([](S3StoreOptions& o) { o.ca_bundle_pem = "not pem"; }).ok());
  EXPECT_FALSE(open([](S3StoreOptions& o) { o.prefix = "/abs"; }).ok());
  S3StoreOptions options;
  options.endpoint = "https://s3.example.com";
  options.bucket = "b";
  EXPECT_FALSE(S3Store::Open(options, {"AK", ""}).ok());

  api::v1alpha1::S3Destination destination;
  destination.endpoint = "https://s3.example.com";
  destination.bucket = "b";
  destination.prefix = "app";
  auto store = OpenS3Destination(destination, {"AK", "SECRET"}, "prod/db");
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_EQ((*store)->Location(), "s3://b/app/prod/db/");
}

}  // namespace
}  // namespace upkeep::backup
