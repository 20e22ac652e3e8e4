// The compression stages: round trips for every kind at every size and split of the writes;
// what we write, `zstd -d` and `gzip -d` read, and what `zstd` and `gzip` write (concatenated
// too), we read; corruption, truncation and trailing garbage are DataLoss naming the format;
// 128 MiB streamed through both stages in flat memory.
#include "backup/compression_stream.h"
#include "tests/backup/test_sinks.h"

#include <sys/resource.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::backup {
namespace {

using testing::StringSink;

using api::v1alpha1::Compression;
using ::testing::HasSubstr;
using ::testing::StartsWith;

// Keeps only a count and an order-sensitive checksum (FNV-1a), so a test can stream far more
// than it could hold.
class CountingSink final : public ByteSink {
 public:
  absl::Status Write(std::string_view data) override {
    count += data.size();
    largest_write = std::max(largest_write, data.size());
    for (unsigned char c : data) hash = (hash ^ c) * 0x100000001b3ull;
    return absl::OkStatus();
  }
  absl::Status Finish() override {
    finished = true;
    return absl::OkStatus();
  }
  uint64_t count = 0;
  uint64_t hash = 0xcbf29ce484222325ull;
  size_t largest_write = 0;
  bool finished = false;
};

// A destination that refuses every write, like a full disk.
class FailingSink final : public ByteSink {
 public:
  absl::Status Write(std::string_view) override {
    return absl::UnavailableError("destination is gone");
  }
  absl::Status Finish() override { return absl::UnavailableError("destination is gone"); }
};

std::string KindName(Compression kind) {
  switch (kind) {
    case Compression::kZstd:
      return "zstd";
    case Compression::kGzip:
      return "gzip";
    case Compression::kNone:
      return "none";
  }
  return "unknown";
}

// Like a SQL dump: highly repetitive text.
std::string Compressible(size_t n) {
  std::string s;
  s.reserve(n + 64);
  for (int i = 0; s.size() < n; ++i) {
    s += "INSERT INTO orders VALUES (" + std::to_string(i) + ", 'pending', 42.00);\n";
  }
  s.resize(n);
  return s;
}

std::string Incompressible(size_t n, uint32_t seed = 7) {
  std::mt19937_64 rng(seed);
  std::string s(n, '\0');
  for (size_t i = 0; i < n; i += 8) {
    uint64_t v = rng();
    for (size_t j = 0; j < 8 && i + j < n; ++j) s[i + j] = static_cast<char>(v >> (8 * j));
  }
  return s;
}

// Writes `data` to `sink` in pieces of `write_size`, then finishes; the first error, or OK.
absl::Status WriteAll(ByteSink& sink, std::string_view data, size_t write_size) {
  for (size_t i = 0; i < data.size(); i += write_size) {
    if (absl::Status ok = sink.Write(data.substr(i, write_size)); !ok.ok()) return ok;
  }
  return sink.Finish();
}

std::string Compress(Compression kind, std::string_view data, size_t write_size = 65536,
                     CompressionOptions options = {}) {
  StringSink out;
  auto sink = CreateCompressingSink(kind, out, options);
  EXPECT_TRUE(sink.ok()) << sink.status();
  if (!sink.ok()) return "";
  absl::Status ok = WriteAll(**sink, data, write_size);
  EXPECT_TRUE(ok.ok()) << ok;
  EXPECT_TRUE(out.finished);
  return out.bytes;
}

absl::Status Decompress(Compression kind, std::string_view compressed, std::string* data,
                        size_t write_size = 65536) {
  StringSink out;
  auto sink = CreateDecompressingSink(kind, out);
  if (!sink.ok()) return sink.status();
  absl::Status ok = WriteAll(**sink, compressed, write_size);
  EXPECT_EQ(out.finished, ok.ok()) << "the next stage is finished exactly when all is well";
  *data = std::move(out.bytes);
  return ok;
}

// A fresh directory for files the CLIs read and write, removed afterwards.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "compression_stream_test.XXXXXX").string();
    if (mkdtemp(pattern.data()) != nullptr) path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  std::string File(std::string_view name) const { return path_ + "/" + std::string(name); }
  bool ok() const { return !path_.empty(); }

 private:
  std::string path_;
};

void WriteFile(const std::string& path, std::string_view data) {
  std::ofstream out(path, std::ios::binary);
  out.write(data.data(), static_cast<std::streamsize>(data.size()));
  ASSERT_TRUE(out.good()) << path;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

// Runs a shell command; its exit code (-1 when it did not run or died of a signal).
int RunShell(const std::string& command) {
  int status = std::system(command.c_str());
  if (status == -1 || !WIFEXITED(status)) return -1;
  return WEXITSTATUS(status);
}

// --- Round trips, every kind ---

class RoundTripTest : public ::testing::TestWithParam<Compression> {};

TEST_P(RoundTripTest, RoundTripsEverySizeForAnySplitOfTheWrites) {
  const Compression kind = GetParam();
  struct Input {
    std::string name;
    std::string data;
  };
  const std::vector<Input> inputs = {
      {"empty", ""},
      {"one byte", "x"},
      {"100 KiB text", Compressible(100 * 1024)},
      {"100 KiB random", Incompressible(100 * 1024)},
      {"5 MiB text", Compressible(5 * 1024 * 1024 + 3)},
      {"3 MiB random", Incompressible(3 * 1024 * 1024 + 1)},
  };
  for (const Input& input : inputs) {
    // One-byte writes only where they stay quick.
    std::vector<size_t> splits = {7, 4093, 1024 * 1024 + 3, 64 * 1024 * 1024};
    if (input.data.size() <= 100 * 1024) splits.push_back(1);
    for (size_t write : splits) {
      SCOPED_TRACE(input.name + ", writes of " + std::to_string(write));
      std::string compressed = Compress(kind, input.data, write);
      for (size_t read : {size_t{1}, size_t{13}, size_t{65536}, compressed.size() + 1}) {
        if (read == 1 && compressed.size() > 200 * 1024) continue;
        std::string back;
        absl::Status ok = Decompress(kind, compressed, &back, read);
        ASSERT_TRUE(ok.ok()) << ok << " reading " << read;
        ASSERT_EQ(back.size(), input.data.size());
        ASSERT_TRUE(back == input.data) << "reading " << read;
      }
    }
  }
}

TEST_P(RoundTripTest, ADownstreamErrorIsReturnedUnchangedAndSticks) {
  const Compression kind = GetParam();
  const absl::Status gone = absl::UnavailableError("destination is gone");
  FailingSink failing;
  auto compressing = CreateCompressingSink(kind, failing);
  ASSERT_TRUE(compressing.ok());
  EXPECT_EQ(WriteAll(**compressing, Compressible(300 * 1024), 4096), gone);

  auto decompressing = CreateDecompressingSink(kind, failing);
  ASSERT_TRUE(decompressing.ok());
  EXPECT_EQ((*decompressing)->Write(Compress(kind, Compressible(300 * 1024))), gone);
  EXPECT_EQ((*decompressing)->Write("more"), gone);
  EXPECT_EQ((*decompressing)->Finish(), gone);
}

TEST_P(RoundTripTest, NothingIsAcceptedAfterFinish) {
  StringSink out;
  auto sink = CreateCompressingSink(GetParam(), out);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Finish().ok());
  EXPECT_EQ((*sink)->Write("late").code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ((*sink)->Finish().code(), absl::StatusCode::kFailedPrecondition);
}

// 128 MiB through compress → decompress into a sink that only counts and hashes: nothing in
// the chain may hold the stream, and the decompressor passes output on in bounded chunks.
TEST_P(RoundTripTest, StreamsOneHundredTwentyEightMiBInFlatMemory) {
  const Compression kind = GetParam();
  constexpr size_t kTotal = 128 * 1024 * 1024;
  constexpr size_t kBlock = 64 * 1024;
  CountingSink end;
  auto decompressing = CreateDecompressingSink(kind, end);
  ASSERT_TRUE(decompressing.ok());
  CountingSink compressed;  // counts what the compressor emits, to check it compressed
  struct Tee final : ByteSink {
    ByteSink* a;
    ByteSink* b;
    absl::Status Write(std::string_view data) override {
      if (absl::Status ok = a->Write(data); !ok.ok()) return ok;
      return b->Write(data);
    }
    absl::Status Finish() override {
      if (absl::Status ok = a->Finish(); !ok.ok()) return ok;
      return b->Finish();
    }
  } tee;
  tee.a = &compressed;
  tee.b = decompressing->get();
  auto compressing = CreateCompressingSink(kind, tee);
  ASSERT_TRUE(compressing.ok());

  // Mostly text, with a random block every eighth so both code paths run.
  CountingSink source;
  const std::string text = Compressible(kBlock);
  std::string random(kBlock, '\0');
  std::mt19937_64 rng(99);
  rusage warmed_up{};
  for (size_t i = 0; i < kTotal / kBlock; ++i) {
    // Half way, every buffer the stages keep exists: zstd's workers fill their input ring
    // (about 40 MiB at level 3 with 2 workers) over the first 40 MiB.
    if (i == kTotal / kBlock / 2) getrusage(RUSAGE_SELF, &warmed_up);
    std::string_view block = text;
    if (i % 8 == 7) {
      for (char& c : random) c = static_cast<char>(rng());
      block = random;
    }
    // Vary the block a little so no two are alike.
    std::string head = std::to_string(i);
    ASSERT_TRUE(source.Write(head).ok());
    ASSERT_TRUE((*compressing)->Write(head).ok());
    ASSERT_TRUE(source.Write(block).ok());
    ASSERT_TRUE((*compressing)->Write(block).ok());
  }
  ASSERT_TRUE((*compressing)->Finish().ok());

  EXPECT_TRUE(end.finished);
  EXPECT_GT(source.count, kTotal);
  EXPECT_EQ(end.count, source.count);
  EXPECT_EQ(end.hash, source.hash);
  EXPECT_LE(end.largest_write, size_t{256 * 1024});
  if (kind != Compression::kNone) {
    EXPECT_LT(compressed.count, source.count / 4);
  }

  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  // ru_maxrss is the process's high-water mark in KiB: holding the stream anywhere would
  // raise it by the 64 MiB streamed since half way.
  EXPECT_LT(after.ru_maxrss - warmed_up.ru_maxrss, 8 * 1024) << "KiB more at peak";
}

INSTANTIATE_TEST_SUITE_P(EveryKind, RoundTripTest,
                         ::testing::Values(Compression::kZstd, Compression::kGzip,
                                           Compression::kNone),
                         [](const auto& info) { return KindName(info.param); });

// --- zstd and gzip: damage, bombs, ratio, options ---

class CompressedStreamTest : public ::testing::TestWithParam<Compression> {};

TEST_P(CompressedStreamTest, AFlippedByteInTheMiddleIsDataLossNamingTheFormat) {
  const Compression kind = GetParam();
  for (const std::string& data : {Compressible(200 * 1024), Incompressible(200 * 1024)}) {
    const std::string compressed = Compress(kind, data);
    for (int tenth = 1; tenth <= 9; ++tenth) {
      std::string damaged = compressed;
      damaged[damaged.size() * tenth / 10] ^= 0x5a;
      std::string back;
      absl::Status status = Decompress(kind, damaged, &back);
      EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << tenth << ": " << status;
      EXPECT_THAT(std::string(status.message()), StartsWith(KindName(kind) + ": "));
    }
  }
}

TEST_P(CompressedStreamTest, ATruncationAnywhereIsDataLossAtFinish) {
  const Compression kind = GetParam();
  const std::string compressed = Compress(kind, Compressible(2000) + Incompressible(300));
  ASSERT_GT(compressed.size(), 300u);
  for (size_t cut = 0; cut < compressed.size(); ++cut) {
    StringSink out;
    auto sink = CreateDecompressingSink(kind, out);
    ASSERT_TRUE(sink.ok());
    ASSERT_TRUE((*sink)->Write(std::string_view(compressed).substr(0, cut)).ok()) << cut;
    absl::Status status = (*sink)->Finish();
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << "cut at " << cut;
    EXPECT_THAT(std::string(status.message()),
                HasSubstr(cut == 0 ? "the stream is empty" : "truncated"))
        << cut;
    EXPECT_FALSE(out.finished);
  }
}

TEST_P(CompressedStreamTest, TrailingGarbageIsDataLoss) {
  const Compression kind = GetParam();
  const std::string compressed = Compress(kind, Compressible(10000));
  for (std::string garbage : {std::string("not compressed at all"), std::string(512, '\0')}) {
    std::string back;
    absl::Status status = Decompress(kind, compressed + garbage, &back, 7);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
    EXPECT_THAT(std::string(status.message()), StartsWith(KindName(kind) + ": trailing garbage"));
  }
}

TEST_P(CompressedStreamTest, SomethingElseIsNotTakenForACompressedStream) {
  const Compression kind = GetParam();
  std::string back;
  absl::Status status = Decompress(kind, "PGDMP" + std::string(100, '\0'), &back);
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(status.message()), HasSubstr("not a " + KindName(kind) + " stream"));
}

// 128 MiB of zeros shrink to kilobytes; given at once, they come out in bounded pieces.
TEST_P(CompressedStreamTest, ADecompressionBombComesOutInBoundedPieces) {
  const Compression kind = GetParam();
  StringSink bomb;
  {
    auto sink = CreateCompressingSink(kind, bomb);
    ASSERT_TRUE(sink.ok());
    const std::string zeros(1024 * 1024, '\0');
    for (int i = 0; i < 128; ++i) ASSERT_TRUE((*sink)->Write(zeros).ok());
    ASSERT_TRUE((*sink)->Finish().ok());
  }
  ASSERT_LT(bomb.bytes.size(), size_t{512 * 1024});
  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  CountingSink out;
  auto sink = CreateDecompressingSink(kind, out);
  ASSERT_TRUE(sink.ok());
  ASSERT_TRUE((*sink)->Write(bomb.bytes).ok());
  ASSERT_TRUE((*sink)->Finish().ok());
  EXPECT_EQ(out.count, uint64_t{128} * 1024 * 1024);
  EXPECT_LE(out.largest_write, size_t{256 * 1024});
  rusage after{};
  getrusage(RUSAGE_SELF, &after);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 16 * 1024) << "KiB more at peak";
}

TEST_P(CompressedStreamTest, CompressibleDataComesOutMuchSmaller) {
  const Compression kind = GetParam();
  const std::string data = Compressible(4 * 1024 * 1024);
  EXPECT_LT(Compress(kind, data).size(), data.size() / 10);
  // Random bytes cannot shrink, and grow only by the framing.
  const std::string random = Incompressible(1024 * 1024);
  EXPECT_LT(Compress(kind, random).size(), random.size() + random.size() / 100);
}

TEST_P(CompressedStreamTest, OutOfRangeOptionsAreRefused) {
  StringSink out;
  EXPECT_EQ(CreateCompressingSink(GetParam(), out, {.level = 100}).status().code(),
            absl::StatusCode::kInvalidArgument);
  CompressionOptions negative_workers;
  negative_workers.zstd_workers = -1;
  EXPECT_EQ(CreateCompressingSink(Compression::kZstd, out, negative_workers).status().code(),
            absl::StatusCode::kInvalidArgument);
}

INSTANTIATE_TEST_SUITE_P(ZstdAndGzip, CompressedStreamTest,
                         ::testing::Values(Compression::kZstd, Compression::kGzip),
                         [](const auto& info) { return KindName(info.param); });

// A frame may declare a window of up to 2 GiB (zstd --long=31); like zstd -d, we refuse one
// above 128 MiB rather than allocate it.
TEST(ZstdWindowTest, AFrameNeedingMoreThan128MiBOfWindowIsRefused) {
  TempDir dir;
  ASSERT_TRUE(dir.ok());
  WriteFile(dir.File("data"), Incompressible(1000));
  // From stdin the size is unknown, so the frame keeps its 2 GiB window.
  ASSERT_EQ(RunShell("zstd -q --long=31 -c < " + dir.File("data") + " > " + dir.File("long")),
            0);
  std::string back;
  absl::Status status = Decompress(Compression::kZstd, ReadFile(dir.File("long")), &back);
  EXPECT_EQ(status.code(), absl::StatusCode::kResourceExhausted) << status;
  EXPECT_THAT(std::string(status.message()), HasSubstr("128 MiB"));
}

// --- Interoperation with the zstd and gzip command-line tools ---

class CliInteropTest : public ::testing::TestWithParam<Compression> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(dir_.ok());
    if (RunShell("command -v " + Tool() + " >/dev/null") != 0) GTEST_SKIP() << Tool() << " missing";
  }
  std::string Tool() const { return KindName(GetParam()); }

  TempDir dir_;
};

TEST_P(CliInteropTest, WhatWeWriteTheCliDecompresses) {
  const Compression kind = GetParam();
  const std::string data = Compressible(3 * 1024 * 1024) + Incompressible(700 * 1024);
  for (CompressionOptions options : {CompressionOptions{}, CompressionOptions{.level = 1,
                                                                              .zstd_workers = 0}}) {
    WriteFile(dir_.File("ours"), Compress(kind, data, 10007, options));
    ASSERT_EQ(RunShell(Tool() + " -d -c -q " + dir_.File("ours") + " > " + dir_.File("back")), 0);
    EXPECT_TRUE(ReadFile(dir_.File("back")) == data);
  }
  // The CLI also takes our streams concatenated.
  WriteFile(dir_.File("ours"), Compress(kind, "first\n") + Compress(kind, "second\n"));
  ASSERT_EQ(RunShell(Tool() + " -d -c -q " + dir_.File("ours") + " > " + dir_.File("back")), 0);
  EXPECT_EQ(ReadFile(dir_.File("back")), "first\nsecond\n");
}

TEST_P(CliInteropTest, WhatTheCliWritesWeDecompress) {
  const Compression kind = GetParam();
  const std::string data = Compressible(2 * 1024 * 1024) + Incompressible(300 * 1024);
  WriteFile(dir_.File("data"), data);
  for (std::string flags : {"-1", "-9"}) {
    ASSERT_EQ(RunShell(Tool() + " " + flags + " -c -q " + dir_.File("data") + " > " +
                  dir_.File("theirs")),
              0);
    std::string back;
    absl::Status ok = Decompress(kind, ReadFile(dir_.File("theirs")), &back, 777);
    ASSERT_TRUE(ok.ok()) << flags << ": " << ok;
    EXPECT_TRUE(back == data) << flags;
  }
}

TEST_P(CliInteropTest, ConcatenatedFramesOrMembersFromTheCliDecompressAsOneStream) {
  const Compression kind = GetParam();
  const std::string a = Compressible(500 * 1024);
  const std::string b = Incompressible(100 * 1024);
  WriteFile(dir_.File("a"), a);
  WriteFile(dir_.File("b"), b);
  WriteFile(dir_.File("empty"), "");
  ASSERT_EQ(RunShell("cd " + dir_.File("") + " && " + Tool() + " -q -c a > cat && " + Tool() +
                " -q -c empty >> cat && " + Tool() + " -q -c b >> cat"),
            0);
  const std::string concatenated = ReadFile(dir_.File("cat"));
  for (size_t read : {size_t{1}, size_t{4096}, concatenated.size()}) {
    std::string back;
    absl::Status ok = Decompress(kind, concatenated, &back, read);
    ASSERT_TRUE(ok.ok()) << ok;
    EXPECT_TRUE(back == a + b) << read;
  }
}

INSTANTIATE_TEST_SUITE_P(ZstdAndGzip, CliInteropTest,
                         ::testing::Values(Compression::kZstd, Compression::kGzip),
                         [](const auto& info) { return KindName(info.param); });

// --- none, and names ---

TEST(CompressionNoneTest, PassesBytesThroughUnchanged) {
  const std::string data = Incompressible(10000) + Compressible(10000);
  EXPECT_TRUE(Compress(Compression::kNone, data, 333) == data);
  std::string back;
  ASSERT_TRUE(Decompress(Compression::kNone, data, &back, 333).ok());
  EXPECT_TRUE(back == data);
  // Even an empty stream is a valid uncompressed artifact.
  ASSERT_TRUE(Decompress(Compression::kNone, "", &back).ok());
  EXPECT_EQ(back, "");
}

TEST(CompressionExtensionTest, NamesArtifactsAsTheCliExpects) {
  EXPECT_EQ(CompressionExtension(Compression::kZstd), ".zst");
  EXPECT_EQ(CompressionExtension(Compression::kGzip), ".gz");
  EXPECT_EQ(CompressionExtension(Compression::kNone), "");
}

TEST(CompressionKindTest, AnUnknownKindIsRefused) {
  StringSink out;
  const auto unknown = static_cast<Compression>(42);
  EXPECT_EQ(CreateCompressingSink(unknown, out).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CreateDecompressingSink(unknown, out).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace upkeep::backup
