// The streamed AES-256-GCM format: round trips at every size around chunk boundaries and for
// any split of the writes; no plaintext in the artifact; a wrong key, a truncation at any
// point, a flipped bit anywhere, reordered or extra chunks are each a clear error, and no
// unauthenticated byte is passed on.
#include "backup/encrypted_stream.h"
#include "tests/backup/test_sinks.h"

#include <random>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace upkeep::backup {
namespace {

using testing::StringSink;

using ::testing::HasSubstr;

const std::string kKey(32, '\x42');
const std::string kOtherKey(32, '\x17');
constexpr size_t kChunk = 64;  // small chunks: many boundaries in small inputs

std::string Pattern(size_t n, uint32_t seed = 1) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Encrypt(const std::string& plaintext, size_t write_size = 1000,
                    const std::string& key = kKey) {
  StringSink out;
  auto sink = EncryptingSink::Create(key, out, kChunk);
  EXPECT_TRUE(sink.ok()) << sink.status();
  for (size_t i = 0; i < plaintext.size(); i += write_size) {
    EXPECT_TRUE((*sink)->Write(std::string_view(plaintext).substr(i, write_size)).ok());
  }
  EXPECT_TRUE((*sink)->Finish().ok());
  EXPECT_TRUE(out.finished);
  return out.bytes;
}

// Decrypts `artifact` written in pieces of `write_size`; the first error, or OK.
absl::Status Decrypt(const std::string& artifact, std::string* plaintext,
                     size_t write_size = 1000, const std::string& key = kKey) {
  StringSink out;
  auto sink = DecryptingSink::Create(key, out);
  if (!sink.ok()) return sink.status();
  for (size_t i = 0; i < artifact.size(); i += write_size) {
    if (auto ok = (*sink)->Write(std::string_view(artifact).substr(i, write_size)); !ok.ok()) {
      *plaintext = out.bytes;
      return ok;
    }
  }
  absl::Status finished = (*sink)->Finish();
  *plaintext = out.bytes;
  return finished;
}

TEST(EncryptedStreamTest, RoundTripsEverySizeAroundChunkBoundaries) {
  for (size_t size : {0ul, 1ul, kChunk - 1, kChunk, kChunk + 1, 2 * kChunk, 3 * kChunk + 7}) {
    std::string plaintext = Pattern(size);
    std::string artifact = Encrypt(plaintext);
    size_t chunks = size / kChunk + 1;  // a full last chunk is still followed by none
    if (size > 0 && size % kChunk == 0) chunks = size / kChunk;
    EXPECT_EQ(artifact.size(), kEncryptedHeaderSize + size + chunks * kChunkTagSize) << size;
    std::string back;
    ASSERT_TRUE(Decrypt(artifact, &back).ok()) << size;
    EXPECT_EQ(back, plaintext) << size;
  }
}

TEST(EncryptedStreamTest, AnySplitOfTheWritesGivesTheSameResult) {
  std::string plaintext = Pattern(5 * kChunk + 3);
  for (size_t write : {1ul, 7ul, kChunk, kChunk + 1, 1000ul}) {
    std::string artifact = Encrypt(plaintext, write);
    for (size_t read : {1ul, 13ul, kChunk + kChunkTagSize, 1000ul}) {
      std::string back;
      ASSERT_TRUE(Decrypt(artifact, &back, read).ok()) << write << "/" << read;
      EXPECT_EQ(back, plaintext);
    }
  }
}

TEST(EncryptedStreamTest, TheArtifactHoldsNoPlaintextAndNoKey) {
  std::string rows;
  for (int i = 0; i < 100; ++i) rows += "patient-" + std::to_string(i) + ",alice@example.test\n";
  std::string artifact = Encrypt(rows);
  EXPECT_EQ(artifact.find("patient-"), std::string::npos);
  EXPECT_EQ(artifact.find("example.test"), std::string::npos);
  EXPECT_EQ(artifact.find(kKey.substr(0, 8)), std::string::npos);
  // Two encryptions of the same data differ (a random nonce prefix per artifact).
  EXPECT_NE(Encrypt(rows), artifact);
}

TEST(EncryptedStreamTest, AWrongKeyIsNamedByFingerprintAndPassesNothingOn) {
  std::string artifact = Encrypt(Pattern(300));
  std::string back;
  absl::Status status = Decrypt(artifact, &back, 1000, kOtherKey);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_THAT(status.message(), HasSubstr(*KeyFingerprint(kKey)));
  EXPECT_THAT(status.message(), HasSubstr(*KeyFingerprint(kOtherKey)));
  EXPECT_TRUE(back.empty());
}

TEST(EncryptedStreamTest, AKeyOfTheWrongSizeIsRefusedWithoutShowingIt) {
  StringSink out;
  auto sink = EncryptingSink::Create("short-secret", out);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(sink.status().message(), HasSubstr("12 bytes"));
  EXPECT_THAT(sink.status().message(), ::testing::Not(HasSubstr("short-secret")));
  EXPECT_FALSE(DecryptingSink::Create(std::string(31, 'k'), out).ok());
}

TEST(EncryptedStreamTest, ATruncationAnywhereIsDetected) {
  std::string plaintext = Pattern(3 * kChunk + 10);
  std::string artifact = Encrypt(plaintext);
  for (size_t cut = 0; cut < artifact.size(); ++cut) {
    std::string back;
    absl::Status status = Decrypt(artifact.substr(0, cut), &back);
    EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << "cut at " << cut << ": " << status;
    // What was passed on is an authenticated prefix of the plaintext.
    EXPECT_EQ(plaintext.substr(0, back.size()), back) << cut;
  }
}

TEST(EncryptedStreamTest, AFlippedBitAnywhereIsDetected) {
  std::string plaintext = Pattern(2 * kChunk + 5);
  std::string artifact = Encrypt(plaintext);
  for (size_t i = 0; i < artifact.size(); ++i) {
    std::string altered = artifact;
    altered[i] ^= 0x04;
    std::string back;
    absl::Status status = Decrypt(altered, &back);
    EXPECT_FALSE(status.ok()) << "byte " << i;
    EXPECT_EQ(plaintext.substr(0, back.size()), back) << "byte " << i;
  }
}

TEST(EncryptedStreamTest, ReorderedDroppedOrAppendedChunksAreDetected) {
  std::string artifact = Encrypt(Pattern(3 * kChunk + 10));
  const size_t sealed = kChunk + kChunkTagSize;
  std::string header = artifact.substr(0, kEncryptedHeaderSize);
  std::string c0 = artifact.substr(kEncryptedHeaderSize, sealed);
  std::string c1 = artifact.substr(kEncryptedHeaderSize + sealed, sealed);
  std::string rest = artifact.substr(kEncryptedHeaderSize + 2 * sealed);
  std::string back;
  EXPECT_EQ(Decrypt(header + c1 + c0 + rest, &back).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Decrypt(header + c0 + rest, &back).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Decrypt(artifact + "x", &back).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(Decrypt(artifact + c1, &back).code(), absl::StatusCode::kDataLoss);
  // A chunk from another artifact under the same key does not fit either (its nonce differs).
  std::string other = Encrypt(Pattern(3 * kChunk + 10));
  EXPECT_EQ(Decrypt(header + other.substr(kEncryptedHeaderSize, sealed) + c1 + rest, &back)
                .code(),
            absl::StatusCode::kDataLoss);
}

TEST(EncryptedStreamTest, SomethingElseIsNotTakenForAnArtifact) {
  std::string back;
  absl::Status status = Decrypt("PGDMP" + std::string(100, '\0'), &back);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(status.message(), HasSubstr("not an upkeep encrypted artifact"));
}

TEST(EncryptedStreamTest, FingerprintIsStableAndDoesNotRevealTheKey) {
  EXPECT_EQ(*KeyFingerprint(kKey), *KeyFingerprint(kKey));
  EXPECT_NE(*KeyFingerprint(kKey), *KeyFingerprint(kOtherKey));
  EXPECT_EQ(KeyFingerprint(kKey)->size(), 16u);
}

}  // namespace
}  // namespace upkeep::backup
