// The file-archive stage: a tree survives WriteTar → TarExtractor (content, modes, mtimes,
// symlinks, hard links, long and unicode names), GNU tar reads what we write and we read what
// it writes (pax and gnu formats), the include/exclude globs select what the user means, and
// the extractor refuses archives that reach outside the destination and reports truncated or
// corrupted ones. Real files in temp dirs; GNU tar is /usr/bin/tar.
#include "backup/tar_stream.h"
#include "tests/backup/test_sinks.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>

namespace upkeep::backup {
namespace {

using testing::StringSink;

namespace fs = std::filesystem;
using ::testing::AllOf;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "tar_stream_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    // Read-only directories from the trees would stop remove_all.
    std::error_code ec;
    for (auto it = fs::recursive_directory_iterator(path_, ec);
         it != fs::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory() && !it->is_symlink()) ::chmod(it->path().c_str(), 0700);
    }
    fs::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& rel) const { return path_ + "/" + rel; }

 private:
  std::string path_;
};

std::string Pattern(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

void WriteFile(const std::string& path, const std::string& content, mode_t mode = 0644) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::binary) << content;
  ASSERT_EQ(::chmod(path.c_str(), mode), 0) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void SetMtime(const std::string& path, time_t sec, long nsec = 0) {
  struct timespec times[2] = {{sec, 0}, {sec, nsec}};
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, AT_SYMLINK_NOFOLLOW), 0) << path;
}

// What a restore must give back for each entry under a root.
struct Node {
  char type;  // f, d, l
  mode_t mode;
  std::string content;  // file content or symlink target
  time_t mtime;
  nlink_t nlink;
  bool operator==(const Node&) const = default;
};

std::ostream& operator<<(std::ostream& os, const Node& n) {
  return os << n.type << " mode=" << std::oct << n.mode << std::dec << " mtime=" << n.mtime
            << " nlink=" << n.nlink << " content(" << n.content.size()
            << ")=" << n.content.substr(0, 40);
}

std::map<std::string, Node> Snapshot(const std::string& root) {
  std::map<std::string, Node> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
       ++it) {
    std::string rel = fs::relative(it->path(), root).string();
    struct stat st;
    EXPECT_EQ(::lstat(it->path().c_str(), &st), 0);
    Node n{'?', st.st_mode & 07777, "", st.st_mtim.tv_sec, 1};
    if (S_ISREG(st.st_mode)) {
      n.type = 'f';
      n.content = ReadFile(it->path());
      n.nlink = st.st_nlink;
    } else if (S_ISDIR(st.st_mode)) {
      n.type = 'd';
    } else if (S_ISLNK(st.st_mode)) {
      n.type = 'l';
      n.content = fs::read_symlink(it->path()).string();
      n.mode = 0;  // symlink modes mean nothing on Linux
    }
    out[rel] = n;
  }
  return out;
}

const std::string kLongName = std::string(150, 'n') + ".txt";
const std::string kLongPath =
    std::string(120, 'd') + "/" + std::string(120, 'e') + "/" + std::string(60, 'f') + ".txt";
const std::string kLongTarget = std::string(150, 't');

// Nested directories, empty and large files, modes, symlinks (relative, dangling, long
// target), hard links, long and unicode names, a read-only directory, distinct mtimes.
void MakeTree(const std::string& root, bool with_big_file = true) {
  WriteFile(root + "/a/b/c/deep.txt", "deep");
  WriteFile(root + "/empty.txt", "");
  if (with_big_file) WriteFile(root + "/big.bin", Pattern(5 << 20));
  WriteFile(root + "/mode600.txt", "secret", 0600);
  WriteFile(root + "/exec.sh", "#!/bin/sh\necho hi\n", 0755);
  WriteFile(root + "/mode640.txt", "group", 0640);
  WriteFile(root + "/" + kLongName, "long name");
  WriteFile(root + "/" + kLongPath, "long path");
  WriteFile(root + "/héllo-世界/ünïcödé.txt", "unicode");
  WriteFile(root + "/hard1", "linked");
  ASSERT_EQ(::link((root + "/hard1").c_str(), (root + "/hard2").c_str()), 0);
  WriteFile(root + "/readonly/inside.txt", "in a read-only directory");
  fs::create_directories(root + "/emptydir");
  ASSERT_EQ(::symlink("a/b/c/deep.txt", (root + "/rel-link").c_str()), 0);
  ASSERT_EQ(::symlink("does/not/exist", (root + "/dangling").c_str()), 0);
  ASSERT_EQ(::symlink(kLongTarget.c_str(), (root + "/long-target-link").c_str()), 0);
  ASSERT_EQ(::chmod((root + "/a/b").c_str(), 0750), 0);
  ASSERT_EQ(::chmod((root + "/readonly").c_str(), 0555), 0);
  // Children first, so setting a child does not move its directory's mtime.
  std::vector<std::string> all;
  for (auto& e : fs::recursive_directory_iterator(root)) all.push_back(e.path().string());
  std::sort(all.rbegin(), all.rend());
  time_t t = 1600000000;
  for (const std::string& p : all) SetMtime(p, t += 3600, 123456789);
}

absl::Status ExtractFrom(const std::string& archive, const std::string& dest,
                         size_t write_size = 10000, TarStats* stats = nullptr) {
  auto extractor = TarExtractor::Create(dest);
  if (!extractor.ok()) return extractor.status();
  for (size_t i = 0; i < archive.size(); i += write_size) {
    if (absl::Status s = (*extractor)->Write(std::string_view(archive).substr(i, write_size));
        !s.ok()) {
      return s;
    }
  }
  absl::Status s = (*extractor)->Finish();
  if (stats != nullptr) *stats = (*extractor)->stats();
  return s;
}

std::string Archive(const std::string& root, const FileFilter& filter = FileFilter::All(),
                    TarStats* stats = nullptr) {
  StringSink sink;
  absl::Status s = WriteTar(root, filter, sink, stats);
  EXPECT_TRUE(s.ok()) << s;
  EXPECT_FALSE(sink.finished) << "WriteTar leaves finishing the pipeline to its caller";
  return sink.bytes;
}

int Shell(const std::string& command) {
  int rc = std::system(command.c_str());
  return WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
}

void SaveFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

TEST(TarStreamTest, RoundTripsTreeThroughExtractor) {
  TempDir src, dst;
  MakeTree(src.path());
  TarStats written;
  std::string archive = Archive(src.path(), FileFilter::All(), &written);
  TarStats extracted;
  ASSERT_TRUE(ExtractFrom(archive, dst.path(), 10000, &extracted).ok());

  EXPECT_EQ(Snapshot(dst.path()), Snapshot(src.path()));
  EXPECT_EQ(written.files, 12);  // 11 files and one hard link
  EXPECT_EQ(written.symlinks, 3);
  EXPECT_EQ(written.bytes, (5 << 20) + 88);
  EXPECT_THAT(written.warnings, IsEmpty());
  EXPECT_THAT(written.skipped, IsEmpty());
  EXPECT_EQ(extracted.files, written.files);
  EXPECT_EQ(extracted.directories, written.directories);
  EXPECT_EQ(extracted.symlinks, written.symlinks);
  EXPECT_EQ(extracted.bytes, written.bytes);
  // Sub-second mtimes go through pax.
  struct stat st;
  ASSERT_EQ(::stat((dst / "mode600.txt").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtim.tv_nsec, 123456789);
}

TEST(TarStreamTest, SameTreeGivesSameArchive) {
  TempDir src;
  MakeTree(src.path(), /*with_big_file=*/false);
  EXPECT_EQ(Archive(src.path()), Archive(src.path()));
}

TEST(TarStreamTest, ExtractorFedOneByteAtATime) {
  TempDir src, dst;
  MakeTree(src.path(), /*with_big_file=*/false);
  ASSERT_TRUE(ExtractFrom(Archive(src.path()), dst.path(), 1).ok());
  EXPECT_EQ(Snapshot(dst.path()), Snapshot(src.path()));
}

TEST(TarStreamTest, SkipsFifoWithANote) {
  TempDir src, dst;
  WriteFile(src / "file", "x");
  ASSERT_EQ(::mkfifo((src / "pipe").c_str(), 0644), 0);
  TarStats stats;
  std::string archive = Archive(src.path(), FileFilter::All(), &stats);
  EXPECT_THAT(stats.skipped, Contains(AllOf(HasSubstr("pipe"), HasSubstr("FIFO"))));
  ASSERT_TRUE(ExtractFrom(archive, dst.path()).ok());
  EXPECT_EQ(Snapshot(dst.path()).size(), 1u);
}

TEST(TarStreamTest, MissingRootIsNotFound) {
  StringSink sink;
  EXPECT_EQ(WriteTar("/nonexistent/upkeep-tar", FileFilter::All(), sink).code(),
            absl::StatusCode::kNotFound);
}

// A file that shrinks or grows between its header and its last block still gives a valid
// archive holding exactly the size in its header, with a warning.
TEST(TarStreamTest, FileChangingSizeWhileReadStillGivesValidArchive) {
  for (bool grow : {false, true}) {
    SCOPED_TRACE(grow ? "grows" : "shrinks");
    TempDir src, dst, gnu;
    const std::string original = Pattern(1 << 20);
    WriteFile(src / "live.db", original);
    StringSink sink;
    sink.on_first_write = [&] {  // the header and first block are out: change the file
      if (grow) {
        std::ofstream(src / "live.db", std::ios::binary | std::ios::app) << "more";
      } else {
        ASSERT_EQ(::truncate((src / "live.db").c_str(), 100000), 0);
      }
    };
    TarStats stats;
    ASSERT_TRUE(WriteTar(src.path(), FileFilter::All(), sink, &stats).ok());
    EXPECT_THAT(stats.warnings,
                Contains(AllOf(HasSubstr("live.db"), HasSubstr(grow ? "grew" : "shrank"))));

    ASSERT_TRUE(ExtractFrom(sink.bytes, dst.path()).ok());
    std::string expected =
        grow ? original : original.substr(0, 100000) + std::string(original.size() - 100000, '\0');
    EXPECT_EQ(ReadFile(dst / "live.db"), expected);
    SaveFile(gnu / "a.tar", sink.bytes);
    fs::create_directories(gnu / "out");
    ASSERT_EQ(Shell("tar -xf " + gnu / "a.tar" + " -C " + gnu / "out"), 0);
    EXPECT_EQ(ReadFile(gnu / "out/live.db"), expected);
  }
}

TEST(GnuTarInteropTest, GnuTarListsAndExtractsOurArchive) {
  TempDir src, work;
  MakeTree(src.path());
  SaveFile(work / "ours.tar", Archive(src.path()));
  // GNU tar warns on stderr about anything odd it meets; there must be nothing.
  ASSERT_EQ(Shell("tar --quoting-style=literal -tvf " + work / "ours.tar" + " >" +
                  work / "list 2>" + work / "err"),
            0);
  EXPECT_THAT(ReadFile(work / "list"), HasSubstr(kLongPath));
  EXPECT_THAT(ReadFile(work / "list"), HasSubstr("héllo-世界/ünïcödé.txt"));
  fs::create_directories(work / "out");
  ASSERT_EQ(Shell("umask 022 && tar -xf " + work / "ours.tar" + " -C " + work / "out" + " 2>>" +
                  work / "err"),
            0);
  EXPECT_EQ(ReadFile(work / "err"), "");
  EXPECT_EQ(Snapshot(work / "out"), Snapshot(src.path()));
}

class GnuTarFormatTest : public ::testing::TestWithParam<std::string> {};

TEST_P(GnuTarFormatTest, OurExtractorReadsGnuTarArchive) {
  TempDir src, work, dst;
  MakeTree(src.path());
  ASSERT_EQ(
      Shell("tar --format=" + GetParam() + " -C " + src.path() + " -cf " + work / "gnu.tar" + " ."),
      0);
  TarStats stats;
  absl::Status s = ExtractFrom(ReadFile(work / "gnu.tar"), dst.path(), 7777, &stats);
  ASSERT_TRUE(s.ok()) << s;
  EXPECT_EQ(Snapshot(dst.path()), Snapshot(src.path()));
  EXPECT_THAT(stats.skipped, IsEmpty());
}

INSTANTIATE_TEST_SUITE_P(Formats, GnuTarFormatTest, ::testing::Values("pax", "gnu"));

struct GlobRow {
  const char* name;
  const char* pattern;
  const char* path;
  bool match;
};

TEST(GlobMatchTest, Semantics) {
  const GlobRow rows[] = {
      {"DoubleStarMatchesTopLevel", "**", "file", true},
      {"DoubleStarMatchesDeep", "**", "a/b/c", true},
      {"StarWithinComponent", "*.log", "app.log", true},
      {"StarDoesNotCrossSlash", "*.log", "logs/app.log", false},
      {"StarMatchesDotfiles", "*", ".hidden", true},
      {"StarMatchesEmpty", "a*", "a", true},
      {"QuestionOneChar", "?.txt", "a.txt", true},
      {"QuestionNotTwo", "?.txt", "ab.txt", false},
      {"QuestionNotSlash", "a?b", "a/b", false},
      {"DoubleStarZeroComponents", "**/*.log", "app.log", true},
      {"DoubleStarManyComponents", "**/*.log", "x/y/app.log", true},
      {"DirDoubleStarMatchesDirItself", "cache/**", "cache", true},
      {"DirDoubleStarMatchesBelow", "cache/**", "cache/a/b", true},
      {"DirDoubleStarNotSibling", "cache/**", "cached/a", false},
      {"MiddleDoubleStar", "a/**/z", "a/z", true},
      {"MiddleDoubleStarDeep", "a/**/z", "a/b/c/z", true},
      {"MiddleDoubleStarNeedsEnd", "a/**/z", "a/b/c", false},
      {"LiteralExact", "data/file.csv", "data/file.csv", true},
      {"LiteralNoPrefixMatch", "data", "data/file.csv", false},
      {"BracketIsLiteral", "[ab]", "a", false},
      {"BracketLiteralMatchesItself", "[ab]", "[ab]", true},
      {"MultipleStars", "*a*b*", "xxaxxbxx", true},
      {"MultipleStarsFail", "*a*b*", "xxbxxaxx", false},
  };
  for (const GlobRow& row : rows) {
    EXPECT_EQ(GlobMatch(row.pattern, row.path), row.match)
        << row.name << ": " << row.pattern << " vs " << row.path;
  }
}

TEST(FileFilterTest, RejectsPatternsThatCannotMatch) {
  for (const char* bad : {"/etc/**", "../x", "a/../b", "", "./"}) {
    EXPECT_EQ(FileFilter::Create({bad}, {}).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
    EXPECT_EQ(FileFilter::Create({"**"}, {bad}).status().code(), absl::StatusCode::kInvalidArgument)
        << bad;
  }
}

TEST(FileFilterTest, ExcludedDirectoryLeavesOutEverythingUnderIt) {
  TempDir src, dst;
  WriteFile(src / "keep.txt", "k");
  WriteFile(src / "cache/a.bin", "a");
  WriteFile(src / "cache/deep/b.bin", "b");
  WriteFile(src / "cached.txt", "not the cache");
  WriteFile(src / "sub/cache/x", "only top-level cache is excluded");
  auto filter = FileFilter::Create({"**"}, {"cache/**"});
  ASSERT_TRUE(filter.ok());
  ASSERT_TRUE(ExtractFrom(Archive(src.path(), *filter), dst.path()).ok());
  std::map<std::string, Node> got = Snapshot(dst.path());
  std::vector<std::string> names;
  for (const auto& [name, node] : got) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"cached.txt", "keep.txt", "sub", "sub/cache",
                                             "sub/cache/x"}));
}

TEST(FileFilterTest, IncludeTakesMatchingFilesWithTheirParentDirectories) {
  TempDir src, dst;
  WriteFile(src / "logs/app.log", "1");
  WriteFile(src / "logs/app.txt", "2");
  WriteFile(src / "x/y/z.log", "3");
  WriteFile(src / "x/y/z.tmp.log", "4");
  WriteFile(src / "other/none.txt", "5");
  ASSERT_EQ(::chmod((src / "x/y").c_str(), 0700), 0);
  auto filter = FileFilter::Create({"**/*.log"}, {"**/*.tmp.log"});
  ASSERT_TRUE(filter.ok());
  ASSERT_TRUE(ExtractFrom(Archive(src.path(), *filter), dst.path()).ok());
  std::map<std::string, Node> got = Snapshot(dst.path());
  std::vector<std::string> names;
  for (const auto& [name, node] : got) names.push_back(name);
  EXPECT_EQ(names, (std::vector<std::string>{"logs", "logs/app.log", "x", "x/y", "x/y/z.log"}));
  EXPECT_EQ(got["x/y"].mode, 0700u);  // the parent was archived, not just created
}

// ---------------------------------------------------------------------------------------------
// Hand-made archives for what no honest tar writes.

std::string Header(const std::string& name, char type, size_t size,
                   const std::string& linkname = "") {
  std::string h(512, '\0');
  std::copy(name.begin(), name.end(), h.begin());
  std::snprintf(&h[100], 8, "%07o", 0644u);
  std::snprintf(&h[108], 8, "%07o", 0u);
  std::snprintf(&h[116], 8, "%07o", 0u);
  std::snprintf(&h[124], 12, "%011zo", size);
  std::snprintf(&h[136], 12, "%011o", 1600000000u);
  h[156] = type;
  std::copy(linkname.begin(), linkname.end(), h.begin() + 157);
  std::memcpy(&h[257],
              "ustar\0"
              "00",
              8);
  std::memset(&h[148], ' ', 8);
  unsigned sum = 0;
  for (unsigned char c : h) sum += c;
  std::snprintf(&h[148], 8, "%06o", sum);
  return h;
}

std::string Entry(const std::string& name, char type, const std::string& data = "",
                  const std::string& linkname = "") {
  std::string e = Header(name, type, data.size(), linkname) + data;
  e.append((512 - data.size() % 512) % 512, '\0');
  return e;
}

std::string PaxEntry(const std::string& key, const std::string& value) {
  std::string rec = " " + key + "=" + value + "\n";
  size_t len = rec.size() + std::to_string(rec.size()).size();
  len = rec.size() + std::to_string(len).size();
  return Entry("PaxHeaders/x", 'x', std::to_string(len) + rec);
}

const std::string kEnd(1024, '\0');

TEST(TarExtractorTest, PaxRecordsOverrideHeaderFields) {
  TempDir dst;
  std::string archive = PaxEntry("path", "renamed/by-pax.txt") + PaxEntry("size", "5") +
                        Header("short", '0', 0) + "hello" + std::string(507, '\0') + kEnd;
  // Two pax entries in a row: both apply to the next entry.
  ASSERT_TRUE(ExtractFrom(archive, dst.path()).ok());
  EXPECT_EQ(ReadFile(dst / "renamed/by-pax.txt"), "hello");
  EXPECT_FALSE(fs::exists(dst / "short"));
}

struct TraversalRow {
  const char* name;
  std::string archive;
  const char* entry;  // named in the error
};

TEST(TarExtractorTest, RefusesEntriesReachingOutsideTheDestination) {
  TempDir parent, outside;
  const std::string abs_target = outside / "abs.txt";
  const TraversalRow rows[] = {
      {"DotDot", Entry("../evil", '0', "x"), "../evil"},
      {"DotDotInside", Entry("a/../../evil", '0', "x"), "a/../../evil"},
      {"Absolute", Entry(abs_target, '0', "x"), "abs.txt"},
      {"ThroughSymlink", Entry("link", '2', "", outside.path()) + Entry("link/evil", '0', "x"),
       "link/evil"},
      {"DirectoryThroughSymlink", Entry("link", '2', "", outside.path()) + Entry("link/evil/", '5'),
       "link/evil"},
      {"PaxPathDotDot", PaxEntry("path", "../evil") + Entry("innocent", '0', "x"), "../evil"},
      {"GnuLongNameDotDot",
       Entry("././@LongLink", 'L', std::string("../evil") + '\0') + Entry("innocent", '0', "x"),
       "../evil"},
      {"HardLinkOutside", Entry("hard", '1', "", "../outside-file"), "hard"},
      {"HardLinkThroughSymlink",
       Entry("link", '2', "", outside.path()) + Entry("hard", '1', "", "link/secret"), "hard"},
  };
  WriteFile(outside / "secret", "do not touch");
  for (const TraversalRow& row : rows) {
    SCOPED_TRACE(row.name);
    std::string dest = parent / row.name;
    fs::create_directories(dest);
    absl::Status s = ExtractFrom(row.archive + kEnd, dest);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    EXPECT_THAT(s.message(), HasSubstr(row.entry));
    EXPECT_FALSE(fs::exists(parent / "evil"));
    EXPECT_FALSE(fs::exists(abs_target));
    EXPECT_FALSE(fs::exists(outside / "evil"));
    EXPECT_FALSE(fs::exists(dest + "/hard"));
  }
  EXPECT_EQ(ReadFile(outside / "secret"), "do not touch");
  std::vector<std::string> left;
  for (auto& e : fs::directory_iterator(outside.path())) left.push_back(e.path().filename());
  EXPECT_EQ(left, std::vector<std::string>{"secret"});
}

TEST(TarExtractorTest, TruncatedArchiveIsDataLossWhereverItIsCut) {
  TempDir src, parent;
  WriteFile(src / "a.txt", Pattern(1500));
  WriteFile(src / "d/b.txt", "b");
  std::string archive = Archive(src.path());
  int cut_index = 0;
  for (size_t cut = 1; cut < archive.size(); cut += 97) {
    std::string dest = parent / std::to_string(cut_index++);
    fs::create_directories(dest);
    absl::Status s = ExtractFrom(archive.substr(0, cut), dest);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << "cut at " << cut << ": " << s;
  }
  for (size_t missing : {512, 1024}) {  // one or both end blocks missing
    std::string dest = parent / ("end" + std::to_string(missing));
    fs::create_directories(dest);
    absl::Status s = ExtractFrom(archive.substr(0, archive.size() - missing), dest);
    EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  }
}

TEST(TarExtractorTest, TruncatedMidEntryNamesTheEntry) {
  TempDir dst;
  std::string archive = Entry("partial.bin", '0', Pattern(3000));
  absl::Status s = ExtractFrom(archive.substr(0, 2000), dst.path());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), HasSubstr("partial.bin"));
}

TEST(TarExtractorTest, CorruptedHeaderChecksumIsDataLossNamingTheEntry) {
  TempDir dst;
  std::string archive = Entry("first.txt", '0', "1") + Entry("second.txt", '0', "2") + kEnd;
  archive[1024 + 136 + 3] ^= 1;  // second header's mtime
  absl::Status s = ExtractFrom(archive, dst.path());
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(s.message(), AllOf(HasSubstr("second.txt"), HasSubstr("checksum")));
  EXPECT_EQ(ReadFile(dst / "first.txt"), "1");
  EXPECT_FALSE(fs::exists(dst / "second.txt"));
}

TEST(TarExtractorTest, ErrorIsStickyAndBytesAfterEndAreIgnored) {
  TempDir dst, dst2;
  auto extractor = TarExtractor::Create(dst.path());
  ASSERT_TRUE(extractor.ok());
  EXPECT_FALSE((*extractor)->Write(Entry("/abs", '0', "x")).ok());
  EXPECT_FALSE((*extractor)->Write(kEnd).ok());
  EXPECT_FALSE((*extractor)->Finish().ok());
  // GNU tar pads the last record with zeros after the end blocks.
  ASSERT_TRUE(ExtractFrom(Entry("f", '0', "x") + kEnd + std::string(8192, '\0'), dst2.path()).ok());
}

}  // namespace
}  // namespace upkeep::backup
