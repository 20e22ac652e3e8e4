#include "apiserver/store/sqlite_backend.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

namespace upkeep::apiserver {
namespace {

using ::testing::AllOf;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// A fresh directory under the test's temp dir, removed when the test ends.
class ScratchDir {
 public:
  ScratchDir() {
    std::string pattern = ::testing::TempDir() + "sqlite_backend_test.XXXXXX";
    path_ = mkdtemp(pattern.data()) != nullptr ? pattern : "";
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  ~ScratchDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct Loaded {
  std::map<std::string, std::string> objects;
  uint64_t last_resource_version = 0;
};

Loaded LoadAllOrDie(SqliteBackend& backend) {
  Loaded loaded;
  absl::Status status = backend.LoadAll(
      [&](std::string_view key, std::string_view json) {
        EXPECT_TRUE(loaded.objects.emplace(std::string(key), std::string(json)).second)
            << "key visited twice: " << key;
      },
      &loaded.last_resource_version);
  EXPECT_TRUE(status.ok()) << status;
  return loaded;
}

std::unique_ptr<SqliteBackend> OpenOrDie(const std::string& data_dir) {
  absl::StatusOr<std::unique_ptr<SqliteBackend>> backend = SqliteBackend::Open(data_dir);
  EXPECT_TRUE(backend.ok()) << backend.status();
  return backend.ok() ? *std::move(backend) : nullptr;
}

mode_t PermissionBits(const std::string& path) {
  struct stat info;
  if (stat(path.c_str(), &info) != 0) return 07777;  // Never a valid expectation.
  return info.st_mode & 07777;
}

// A JSON document about the size of a small ConfigMap, derived from the key so a reader can
// check it came back intact.
std::string JsonFor(const std::string& key) {
  return R"({"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":")" + key +
         R"("},"data":{"payload":")" + std::string(400, 'x') + R"("}})";
}

TEST(SqliteBackendTest, FreshDataDirLoadsNothingAndIsPrivate) {
  ScratchDir scratch;
  const std::string data_dir = scratch.path() + "/nested/data";
  auto backend = OpenOrDie(data_dir);
  ASSERT_NE(backend, nullptr);

  Loaded loaded = LoadAllOrDie(*backend);
  EXPECT_THAT(loaded.objects, IsEmpty());
  EXPECT_EQ(loaded.last_resource_version, 0u);
  ASSERT_TRUE(backend->Put("configmaps/default/a", "{}", 1).ok());

  EXPECT_EQ(backend->db_path(), data_dir + "/upkeep.db");
  EXPECT_EQ(PermissionBits(data_dir), 0700u);
  EXPECT_EQ(PermissionBits(data_dir + "/upkeep.db"), 0600u);
  EXPECT_EQ(PermissionBits(data_dir + "/upkeep.db-wal"), 0600u);
  EXPECT_EQ(PermissionBits(data_dir + "/upkeep.lock"), 0600u);
}

TEST(SqliteBackendTest, PutOverwriteAndDeleteSurviveReopen) {
  ScratchDir scratch;
  {
    auto backend = OpenOrDie(scratch.path());
    ASSERT_NE(backend, nullptr);
    ASSERT_TRUE(backend->Put("secrets/default/a", R"({"v":1})", 1).ok());
    ASSERT_TRUE(backend->Put("secrets/default/b", R"({"v":2})", 2).ok());
    ASSERT_TRUE(backend->Put("secrets/default/c", R"({"v":3})", 3).ok());
    ASSERT_TRUE(backend->Put("secrets/default/a", R"({"v":4})", 4).ok());
    ASSERT_TRUE(backend->Delete("secrets/default/b", 5).ok());
    ASSERT_TRUE(backend->Delete("secrets/default/never-existed", 6).ok());
    // Visible before the reopen too, not only after.
    EXPECT_EQ(LoadAllOrDie(*backend).objects.size(), 2u);
  }
  auto reopened = OpenOrDie(scratch.path());
  ASSERT_NE(reopened, nullptr);
  Loaded loaded = LoadAllOrDie(*reopened);
  EXPECT_THAT(loaded.objects, ElementsAre(Pair("secrets/default/a", R"({"v":4})"),
                                          Pair("secrets/default/c", R"({"v":3})")));
  EXPECT_EQ(loaded.last_resource_version, 6u);
}

TEST(SqliteBackendTest, RoundTripsEmptyAndNonAsciiValues) {
  ScratchDir scratch;
  const std::string big(1 << 20, 'b');
  {
    auto backend = OpenOrDie(scratch.path());
    ASSERT_NE(backend, nullptr);
    ASSERT_TRUE(backend->Put("k/empty", "", 1).ok());
    ASSERT_TRUE(backend->Put("k/ünïcødé/名前", R"({"s":"☃"})", 2).ok());
    ASSERT_TRUE(backend->Put("k/'quote\"", big, 3).ok());
  }
  auto reopened = OpenOrDie(scratch.path());
  ASSERT_NE(reopened, nullptr);
  EXPECT_THAT(LoadAllOrDie(*reopened).objects,
              ElementsAre(Pair("k/'quote\"", big), Pair("k/empty", ""),
                          Pair("k/ünïcødé/名前", R"({"s":"☃"})")));
}

TEST(SqliteBackendTest, LastResourceVersionSurvivesDeletionOfNewestObject) {
  ScratchDir scratch;
  {
    auto backend = OpenOrDie(scratch.path());
    ASSERT_NE(backend, nullptr);
    ASSERT_TRUE(backend->Put("pods/default/old", "{}", 10).ok());
    ASSERT_TRUE(backend->Put("pods/default/newest", "{}", 11).ok());
    ASSERT_TRUE(backend->Delete("pods/default/newest", 12).ok());
  }
  auto reopened = OpenOrDie(scratch.path());
  ASSERT_NE(reopened, nullptr);
  Loaded loaded = LoadAllOrDie(*reopened);
  EXPECT_THAT(loaded.objects, ElementsAre(Pair("pods/default/old", "{}")));
  EXPECT_EQ(loaded.last_resource_version, 12u);
}

TEST(SqliteBackendTest, SecondOpenOfSameDataDirFailsUntilFirstCloses) {
  ScratchDir scratch;
  auto first = OpenOrDie(scratch.path());
  ASSERT_NE(first, nullptr);

  absl::StatusOr<std::unique_ptr<SqliteBackend>> second = SqliteBackend::Open(scratch.path());
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(second.status().message(),
              AllOf(HasSubstr(scratch.path()), HasSubstr("in use by another upkeep apiserver")));

  first.reset();
  EXPECT_NE(OpenOrDie(scratch.path()), nullptr);
}

TEST(SqliteBackendTest, CorruptDatabaseFileGivesErrorNamingTheFile) {
  ScratchDir scratch;
  const std::string db_path = scratch.path() + "/upkeep.db";
  {
    std::ofstream garbage(db_path, std::ios::binary);
    for (int i = 0; i < 512; ++i) garbage << "this is not sqlite ";
  }
  absl::StatusOr<std::unique_ptr<SqliteBackend>> backend = SqliteBackend::Open(scratch.path());
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(backend.status().message(),
            "cannot open data dir " + db_path + ": file is not a database");
}

TEST(SqliteBackendTest, DataDirThatIsARegularFileGivesClearError) {
  ScratchDir scratch;
  const std::string not_a_dir = scratch.path() + "/file";
  std::ofstream(not_a_dir) << "x";
  absl::StatusOr<std::unique_ptr<SqliteBackend>> backend = SqliteBackend::Open(not_a_dir);
  ASSERT_FALSE(backend.ok());
  EXPECT_EQ(backend.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(backend.status().message(),
              AllOf(HasSubstr(not_a_dir), HasSubstr("not a directory")));
}

// The child side of the kill -9 test: opens the data dir, then writes objects forever,
// reporting each key on `ack_fd` only after Put returned OK. Never returns.
[[noreturn]] void WriteAndAcknowledgeForever(const std::string& data_dir,
                                             const std::string& key_prefix, int ack_fd) {
  auto report = [ack_fd](const std::string& line) {
    // One write per line: pipe writes this small are atomic, so the parent never sees a
    // partial line even when the child dies between writes.
    if (write(ack_fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(3);
  };
  absl::StatusOr<std::unique_ptr<SqliteBackend>> backend = SqliteBackend::Open(data_dir);
  if (!backend.ok()) {
    report("ERROR " + backend.status().ToString() + "\n");
    _exit(2);
  }
  uint64_t version = 0;
  if (absl::Status s = (*backend)->LoadAll([](auto, auto) {}, &version); !s.ok()) {
    report("ERROR " + s.ToString() + "\n");
    _exit(2);
  }
  for (uint64_t i = 0;; ++i) {
    const std::string key = key_prefix + std::to_string(i);
    ++version;
    if (absl::Status s = (*backend)->Put(key, JsonFor(key), version); !s.ok()) {
      report("ERROR " + s.ToString() + "\n");
      _exit(2);
    }
    report(key + " " + std::to_string(version) + "\n");
  }
}

// Reads newline-terminated lines from `fd` until EOF, failing the test if nothing arrives
// for 30 seconds; stops early (returning what it has) once `stop_after` lines have arrived.
std::vector<std::string> ReadLines(int fd, std::string& partial, size_t stop_after) {
  std::vector<std::string> lines;
  char buffer[4096];
  while (lines.size() < stop_after) {
    pollfd readable{fd, POLLIN, 0};
    if (poll(&readable, 1, 30'000) != 1) {
      ADD_FAILURE() << "no acknowledgement from the child for 30s";
      break;
    }
    ssize_t n = read(fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    partial.append(buffer, n);
    for (size_t newline; (newline = partial.find('\n')) != std::string::npos;) {
      lines.push_back(partial.substr(0, newline));
      partial.erase(0, newline + 1);
    }
  }
  return lines;
}

TEST(SqliteBackendTest, AcknowledgedWritesSurviveKill9) {
  ScratchDir scratch;
  std::map<std::string, uint64_t> acknowledged;  // key -> resourceVersion
  uint64_t highest_acknowledged_version = 0;
  constexpr int kRounds = 3;

  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    int ack_pipe[2];
    ASSERT_EQ(pipe(ack_pipe), 0);
    const std::string key_prefix = "configmaps/round" + std::to_string(round) + "/object-";
    pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      close(ack_pipe[0]);
      WriteAndAcknowledgeForever(scratch.path(), key_prefix, ack_pipe[1]);
    }
    close(ack_pipe[1]);

    // Let the child get well into its stream (a different amount each round), check that
    // its lock keeps this process out, then kill it while it is still writing.
    std::string partial;
    std::vector<std::string> lines = ReadLines(ack_pipe[0], partial, 500 + 337 * round);
    absl::StatusOr<std::unique_ptr<SqliteBackend>> intruder = SqliteBackend::Open(scratch.path());
    EXPECT_FALSE(intruder.ok()) << "a second process could open a data dir in use";
    intruder = absl::UnknownError("closed");  // Release at once if it did open.
    ASSERT_EQ(kill(child, SIGKILL), 0);
    // Every ack the child wrote before it died is still in the pipe.
    std::vector<std::string> rest = ReadLines(ack_pipe[0], partial, SIZE_MAX);
    lines.insert(lines.end(), rest.begin(), rest.end());
    close(ack_pipe[0]);
    int wait_status = 0;
    ASSERT_EQ(waitpid(child, &wait_status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(wait_status) && WTERMSIG(wait_status) == SIGKILL)
        << "the child was not killed mid-stream; wait status " << wait_status;

    for (const std::string& line : lines) {
      ASSERT_FALSE(line.starts_with("ERROR")) << line;
      const size_t space = line.find(' ');
      ASSERT_NE(space, std::string::npos) << line;
      const uint64_t version = std::stoull(line.substr(space + 1));
      acknowledged[line.substr(0, space)] = version;
      highest_acknowledged_version = std::max(highest_acknowledged_version, version);
    }
    ASSERT_GE(lines.size(), 500u + 337 * round);

    auto reopened = OpenOrDie(scratch.path());
    ASSERT_NE(reopened, nullptr);
    Loaded loaded = LoadAllOrDie(*reopened);
    size_t missing = 0;
    for (const auto& [key, version] : acknowledged) {
      auto found = loaded.objects.find(key);
      if (found == loaded.objects.end()) {
        if (++missing <= 5) ADD_FAILURE() << "acknowledged key lost: " << key;
        continue;
      }
      EXPECT_EQ(found->second, JsonFor(key)) << key;
    }
    EXPECT_EQ(missing, 0u) << "of " << acknowledged.size() << " acknowledged keys";
    EXPECT_GE(loaded.last_resource_version, highest_acknowledged_version);
    std::cout << "[ kill -9  ] round " << round << ": " << lines.size()
              << " acknowledged this round, " << acknowledged.size()
              << " in total, all present after reopen; "
              << static_cast<int64_t>(loaded.objects.size()) -
                     static_cast<int64_t>(acknowledged.size())
              << " more were written but not yet acknowledged\n";
  }
}

// Not a pass/fail check of speed (machines differ); it prints the rate so a regression is
// visible in the test log, and fails only if a write fails.
TEST(SqliteBackendTest, ReportsPutThroughput) {
  ScratchDir scratch;
  auto backend = OpenOrDie(scratch.path());
  ASSERT_NE(backend, nullptr);
  constexpr int kPuts = 5000;
  std::vector<std::string> keys;
  for (int i = 0; i < kPuts; ++i) keys.push_back("configmaps/bench/object-" + std::to_string(i));
  const std::string json = JsonFor("bench");

  auto measure = [&](const char* what, auto&& write_one) {
    const auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < kPuts; ++i) {
      absl::Status s = write_one(i);
      ASSERT_TRUE(s.ok()) << s;
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::cout << "[ bench    ] " << kPuts << " " << what << " of " << json.size()
              << "-byte objects in " << seconds * 1000
              << " ms = " << static_cast<int64_t>(kPuts / seconds) << " per second\n";
  };
  uint64_t version = 0;
  measure("new-key Puts", [&](int i) { return backend->Put(keys[i], json, ++version); });
  measure("overwrite Puts", [&](int i) { return backend->Put(keys[i], json, ++version); });
  measure("Deletes", [&](int i) { return backend->Delete(keys[i], ++version); });
}

}  // namespace
}  // namespace upkeep::apiserver
