#include "cmd/upkeep/atomic_file_set.h"

#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::cmd {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::UnorderedElementsAre;

class ReplaceFilesAtomicallyTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string base = (fs::temp_directory_path() / "upkeep-atomic-XXXXXX").string();
    ASSERT_NE(::mkdtemp(base.data()), nullptr);
    root_ = base;
  }
  void TearDown() override { fs::remove_all(root_); }

  static std::string Read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static void Put(const fs::path& p, const std::string& contents) {
    std::ofstream(p, std::ios::binary) << contents;
  }
  static mode_t Mode(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_mode & 07777;
  }
  static ino_t Inode(const fs::path& p) {
    struct stat st {};
    if (::stat(p.c_str(), &st) != 0) return 0;
    return st.st_ino;
  }
  static std::vector<std::string> Names(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::directory_iterator(dir)) out.push_back(e.path().filename());
    return out;
  }
  static FileToWrite File(std::string name, std::string contents, mode_t mode = 0644) {
    FileToWrite f;
    f.name = std::move(name);
    f.contents = std::move(contents);
    f.mode = mode;
    return f;
  }

  fs::path root_;
};

TEST_F(ReplaceFilesAtomicallyTest, CreatesTheFolderAndSetsExactModesWhateverTheUmask) {
  const mode_t old_umask = ::umask(077);
  absl::Status st = ReplaceFilesAtomically(
      root_ / "etc" / "live", {File("key", "secret", 0600), File("cert", "public", 0644)});
  ::umask(old_umask);
  ASSERT_TRUE(st.ok()) << st;
  EXPECT_EQ(Mode(root_ / "etc" / "live"), 0755u);
  EXPECT_EQ(Mode(root_ / "etc" / "live" / "key"), 0600u);
  EXPECT_EQ(Mode(root_ / "etc" / "live" / "cert"), 0644u);
  EXPECT_EQ(Read(root_ / "etc" / "live" / "key"), "secret");
  EXPECT_EQ(Read(root_ / "etc" / "live" / "cert"), "public");
  EXPECT_THAT(Names(root_ / "etc" / "live"), UnorderedElementsAre("key", "cert"));
}

TEST_F(ReplaceFilesAtomicallyTest, ReplacesByRenameSoAnOpenReaderKeepsTheOldWholeFile) {
  Put(root_ / "cert", "old certificate");
  Put(root_ / "notes", "not ours");
  ::chmod((root_ / "cert").c_str(), 0666);
  const ino_t old_inode = Inode(root_ / "cert");
  std::ifstream reader(root_ / "cert", std::ios::binary);  // opened before the replacement

  ASSERT_TRUE(ReplaceFilesAtomically(root_, {File("cert", "new certificate")}).ok());

  EXPECT_NE(Inode(root_ / "cert"), old_inode);
  std::stringstream seen;
  seen << reader.rdbuf();
  EXPECT_EQ(seen.str(), "old certificate");
  EXPECT_EQ(Read(root_ / "cert"), "new certificate");
  EXPECT_EQ(Mode(root_ / "cert"), 0644u);
  EXPECT_EQ(Read(root_ / "notes"), "not ours");
  EXPECT_THAT(Names(root_), UnorderedElementsAre("cert", "notes"));
}

TEST_F(ReplaceFilesAtomicallyTest, AFolderInAFilesPlaceChangesNothing) {
  Put(root_ / "key", "old key");
  fs::create_directory(root_ / "cert");
  absl::Status st =
      ReplaceFilesAtomically(root_, {File("key", "new key", 0600), File("cert", "new")});
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(st.message()), HasSubstr((root_ / "cert").string() + " is a directory"));
  EXPECT_EQ(Read(root_ / "key"), "old key");
  EXPECT_THAT(Names(root_), UnorderedElementsAre("key", "cert"));
}

TEST_F(ReplaceFilesAtomicallyTest, AFileInTheFoldersPlaceIsAClearError) {
  Put(root_ / "live", "a file");
  absl::Status st = ReplaceFilesAtomically(root_ / "live", {File("cert", "new")});
  EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(st.message()), HasSubstr("is not a directory"));
  EXPECT_EQ(Read(root_ / "live"), "a file");
}

TEST_F(ReplaceFilesAtomicallyTest, ANameWithASlashIsRefusedBeforeAnythingIsCreated) {
  absl::Status st = ReplaceFilesAtomically(root_ / "new", {File("../escape", "x")});
  EXPECT_EQ(st.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(fs::exists(root_ / "new"));
  EXPECT_FALSE(fs::exists(root_ / "escape"));
}

// The kernel refuses the second file's bytes (RLIMIT_FSIZE, as a full disk would): the first
// file, already written under its temporary name, must not have replaced anything either.
TEST_F(ReplaceFilesAtomicallyTest, AFailedWriteRemovesEveryTemporaryAndChangesNothing) {
  Put(root_ / "key", "old key");
  Put(root_ / "cert", "old cert");
  struct rlimit old_limit {};
  ASSERT_EQ(::getrlimit(RLIMIT_FSIZE, &old_limit), 0);
  struct rlimit small = old_limit;
  small.rlim_cur = 64;
  auto old_handler = ::signal(SIGXFSZ, SIG_IGN);  // write() then fails with EFBIG instead
  ASSERT_EQ(::setrlimit(RLIMIT_FSIZE, &small), 0);
  absl::Status st = ReplaceFilesAtomically(
      root_, {File("key", "new key", 0600), File("cert", std::string(4096, 'c'))});
  ::setrlimit(RLIMIT_FSIZE, &old_limit);
  ::signal(SIGXFSZ, old_handler);

  ASSERT_FALSE(st.ok());
  EXPECT_THAT(std::string(st.message()),
              HasSubstr("writing " + (root_ / ".cert.upkeep-").string()));
  EXPECT_EQ(Read(root_ / "key"), "old key");
  EXPECT_EQ(Read(root_ / "cert"), "old cert");
  EXPECT_THAT(Names(root_), UnorderedElementsAre("key", "cert"));
}

}  // namespace
}  // namespace upkeep::cmd
