#include "backup/compression_stream.h"

#include <zlib.h>
#include <zstd.h>
#include <zstd_errors.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <string>
#include <utility>

#include <absl/strings/str_cat.h>

namespace upkeep::backup {
namespace {

using api::v1alpha1::Compression;

constexpr int kDefaultZstdLevel = 3;
constexpr int kDefaultGzipLevel = 6;
constexpr int kMaxZstdWindowLog = 27;  // 128 MiB
// zlib's buffers, as zlib's own examples size them; zstd's come from ZSTD_*StreamOutSize().
constexpr size_t kGzipBufferSize = 128 * 1024;
// zlib counts input in uInt; larger writes are fed in pieces.
constexpr size_t kMaxZlibInput = size_t{1} << 30;

// The bookkeeping every stage shares: nothing is accepted after Finish, the first error
// sticks (a stream that went wrong once cannot be trusted after), and `next` is finished only
// when this stage finished cleanly, so a failed stage never completes an artifact.
class Stage : public ByteSink {
 public:
  explicit Stage(ByteSink& next) : next_(next) {}
  Stage(const Stage&) = delete;
  Stage& operator=(const Stage&) = delete;

  absl::Status Write(std::string_view data) final {
    if (finished_) return absl::FailedPreconditionError("write after Finish");
    if (!status_.ok()) return status_;
    if (data.empty()) return absl::OkStatus();
    status_ = Consume(data);
    return status_;
  }

  absl::Status Finish() final {
    if (finished_) return absl::FailedPreconditionError("Finish called twice");
    finished_ = true;
    if (!status_.ok()) return status_;
    status_ = EndStream();
    if (!status_.ok()) return status_;
    return next_.Finish();
  }

 protected:
  // Takes non-empty `data`, passing on whatever output it gives.
  virtual absl::Status Consume(std::string_view data) = 0;
  // Ends this stage's stream and passes on the rest of the output; `next` is not finished.
  virtual absl::Status EndStream() = 0;

  absl::Status Emit(const char* bytes, size_t size) {
    if (size == 0) return absl::OkStatus();
    return next_.Write(std::string_view(bytes, size));
  }

 private:
  ByteSink& next_;
  bool finished_ = false;
  absl::Status status_;
};

class PassThroughSink final : public Stage {
 public:
  using Stage::Stage;

 private:
  absl::Status Consume(std::string_view data) override { return Emit(data.data(), data.size()); }
  absl::Status EndStream() override { return absl::OkStatus(); }
};

// "Corrupted block detected" → "corrupted block detected", to follow "zstd: ".
std::string ZstdErrorText(size_t code) {
  std::string text = ZSTD_getErrorName(code);
  if (!text.empty()) text[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(text[0])));
  return text;
}

// --- zstd ---

struct CCtxDeleter {
  void operator()(ZSTD_CCtx* ctx) const { ZSTD_freeCCtx(ctx); }
};
struct DCtxDeleter {
  void operator()(ZSTD_DCtx* ctx) const { ZSTD_freeDCtx(ctx); }
};

class ZstdCompressingSink final : public Stage {
 public:
  static absl::StatusOr<std::unique_ptr<ByteSink>> Create(ByteSink& next,
                                                          const CompressionOptions& options) {
    const int level = options.level.value_or(kDefaultZstdLevel);
    if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
      return absl::InvalidArgumentError(absl::StrCat("zstd level ", level, " is out of range ",
                                                     ZSTD_minCLevel(), "..", ZSTD_maxCLevel()));
    }
    const ZSTD_bounds workers = ZSTD_cParam_getBounds(ZSTD_c_nbWorkers);
    if (ZSTD_isError(workers.error) || options.zstd_workers < 0 ||
        options.zstd_workers > workers.upperBound) {
      return absl::InvalidArgumentError(
          absl::StrCat("zstd_workers ", options.zstd_workers, " is out of range 0..",
                       ZSTD_isError(workers.error) ? 0 : workers.upperBound));
    }
    std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx(ZSTD_createCCtx());
    if (!ctx) return absl::ResourceExhaustedError("zstd: cannot allocate a compression context");
    for (auto [param, value] : {std::pair{ZSTD_c_compressionLevel, level},
                                // What `zstd` writes too; gzip has its CRC-32 built in.
                                std::pair{ZSTD_c_checksumFlag, 1},
                                std::pair{ZSTD_c_nbWorkers, options.zstd_workers}}) {
      if (size_t rc = ZSTD_CCtx_setParameter(ctx.get(), param, value); ZSTD_isError(rc)) {
        return absl::InternalError(
            absl::StrCat("zstd: cannot set compression parameter ", static_cast<int>(param),
                         " to ", value, ": ", ZstdErrorText(rc)));
      }
    }
    return std::unique_ptr<ByteSink>(new ZstdCompressingSink(next, std::move(ctx)));
  }

 private:
  ZstdCompressingSink(ByteSink& next, std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx)
      : Stage(next), ctx_(std::move(ctx)), out_size_(ZSTD_CStreamOutSize()),
        out_(new char[out_size_]) {}

  absl::Status Consume(std::string_view data) override {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    while (in.pos < in.size) {
      if (absl::Status ok = Step(in, ZSTD_e_continue).status(); !ok.ok()) return ok;
    }
    return absl::OkStatus();
  }

  absl::Status EndStream() override {
    ZSTD_inBuffer in{nullptr, 0, 0};
    for (;;) {
      absl::StatusOr<size_t> remaining = Step(in, ZSTD_e_end);
      if (!remaining.ok()) return remaining.status();
      if (*remaining == 0) return absl::OkStatus();
    }
  }

  // One call of the compressor with the output buffer empty; passes on what it produced and
  // returns zstd's "bytes left to flush".
  absl::StatusOr<size_t> Step(ZSTD_inBuffer& in, ZSTD_EndDirective directive) {
    ZSTD_outBuffer out{out_.get(), out_size_, 0};
    const size_t rc = ZSTD_compressStream2(ctx_.get(), &out, &in, directive);
    if (ZSTD_isError(rc)) return absl::InternalError("zstd: " + ZstdErrorText(rc));
    if (absl::Status ok = Emit(out_.get(), out.pos); !ok.ok()) return ok;
    return rc;
  }

  std::unique_ptr<ZSTD_CCtx, CCtxDeleter> ctx_;
  const size_t out_size_;
  std::unique_ptr<char[]> out_;
};

class ZstdDecompressingSink final : public Stage {
 public:
  static absl::StatusOr<std::unique_ptr<ByteSink>> Create(ByteSink& next) {
    std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx(ZSTD_createDCtx());
    if (!ctx) {
      return absl::ResourceExhaustedError("zstd: cannot allocate a decompression context");
    }
    // zstd's default limit, made explicit because the header promises it.
    if (size_t rc = ZSTD_DCtx_setParameter(ctx.get(), ZSTD_d_windowLogMax, kMaxZstdWindowLog);
        ZSTD_isError(rc)) {
      return absl::InternalError("zstd: cannot limit the window: " + ZstdErrorText(rc));
    }
    return std::unique_ptr<ByteSink>(new ZstdDecompressingSink(next, std::move(ctx)));
  }

 private:
  ZstdDecompressingSink(ByteSink& next, std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx)
      : Stage(next), ctx_(std::move(ctx)), out_size_(ZSTD_DStreamOutSize()),
        out_(new char[out_size_]) {}

  absl::Status Consume(std::string_view data) override {
    ZSTD_inBuffer in{data.data(), data.size(), 0};
    for (;;) {
      ZSTD_outBuffer out{out_.get(), out_size_, 0};
      const size_t before = in.pos;
      const size_t rc = ZSTD_decompressStream(ctx_.get(), &out, &in);
      consumed_ += in.pos - before;
      if (ZSTD_isError(rc)) return Corrupt(rc);
      if (absl::Status ok = Emit(out_.get(), out.pos); !ok.ok()) return ok;
      if (rc == 0) {
        // A frame ended and all of it was passed on; what follows must be another frame.
        ++frames_;
        in_frame_ = false;
        if (in.pos == in.size) return absl::OkStatus();
        continue;
      }
      in_frame_ = true;
      // A full output buffer may hold back more output even when the input is used up.
      if (in.pos == in.size && out.pos < out.size) return absl::OkStatus();
    }
  }

  absl::Status EndStream() override {
    if (frames_ == 0 && !in_frame_) return absl::DataLossError("zstd: the stream is empty");
    if (in_frame_) {
      return absl::DataLossError(absl::StrCat("zstd: the stream is truncated: it ends inside frame ",
                                              frames_ + 1, " after ", consumed_, " bytes"));
    }
    return absl::OkStatus();
  }

  absl::Status Corrupt(size_t rc) {
    const std::string where = absl::StrCat(" (frame ", frames_ + 1, ", by byte ", consumed_, ")");
    switch (ZSTD_getErrorCode(rc)) {
      case ZSTD_error_prefix_unknown:
        if (frames_ == 0) return absl::DataLossError("zstd: not a zstd stream (no zstd magic)");
        return absl::DataLossError(absl::StrCat("zstd: trailing garbage: the bytes after frame ",
                                                frames_, " are not a zstd frame"));
      case ZSTD_error_frameParameter_windowTooLarge:
        return absl::ResourceExhaustedError(
            "zstd: a frame needs a window larger than the 128 MiB allowed" + where);
      default:
        return absl::DataLossError("zstd: " + ZstdErrorText(rc) + where);
    }
  }

  std::unique_ptr<ZSTD_DCtx, DCtxDeleter> ctx_;
  const size_t out_size_;
  std::unique_ptr<char[]> out_;
  uint64_t frames_ = 0;     // complete frames seen
  uint64_t consumed_ = 0;   // compressed bytes taken by zstd so far
  bool in_frame_ = false;   // bytes of a frame not yet complete were taken
};

// --- gzip ---

class GzipCompressingSink final : public Stage {
 public:
  static absl::StatusOr<std::unique_ptr<ByteSink>> Create(ByteSink& next,
                                                          const CompressionOptions& options) {
    const int level = options.level.value_or(kDefaultGzipLevel);
    if (level < 0 || level > 9) {
      return absl::InvalidArgumentError(absl::StrCat("gzip level ", level,
                                                     " is out of range 0..9"));
    }
    std::unique_ptr<GzipCompressingSink> sink(new GzipCompressingSink(next));
    // windowBits 15 + 16: the largest window, with a gzip header and trailer, not zlib's.
    if (int rc = deflateInit2(&sink->z_, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
        rc != Z_OK) {
      return absl::InternalError(absl::StrCat("gzip: deflateInit2 failed (", rc, ")"));
    }
    sink->initialized_ = true;
    return std::unique_ptr<ByteSink>(std::move(sink));
  }

  ~GzipCompressingSink() override {
    if (initialized_) deflateEnd(&z_);
  }

 private:
  explicit GzipCompressingSink(ByteSink& next)
      : Stage(next), out_(new char[kGzipBufferSize]) {}

  absl::Status Consume(std::string_view data) override {
    while (!data.empty()) {
      const size_t take = std::min(data.size(), kMaxZlibInput);
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z_.avail_in = static_cast<uInt>(take);
      data.remove_prefix(take);
      // deflate fills the buffer until it has taken all of the input.
      do {
        if (absl::StatusOr<int> rc = Step(Z_NO_FLUSH); !rc.ok()) return rc.status();
      } while (z_.avail_out == 0);
    }
    return absl::OkStatus();
  }

  absl::Status EndStream() override {
    for (;;) {
      absl::StatusOr<int> rc = Step(Z_FINISH);
      if (!rc.ok()) return rc.status();
      if (*rc == Z_STREAM_END) return absl::OkStatus();
    }
  }

  absl::StatusOr<int> Step(int flush) {
    z_.next_out = reinterpret_cast<Bytef*>(out_.get());
    z_.avail_out = static_cast<uInt>(kGzipBufferSize);
    const int rc = deflate(&z_, flush);
    // Z_BUF_ERROR only says no progress was possible this call; not an error.
    if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) {
      return absl::InternalError(absl::StrCat("gzip: deflate failed (", rc, ")"));
    }
    if (absl::Status ok = Emit(out_.get(), kGzipBufferSize - z_.avail_out); !ok.ok()) return ok;
    return rc;
  }

  z_stream z_{};
  bool initialized_ = false;
  std::unique_ptr<char[]> out_;
};

class GzipDecompressingSink final : public Stage {
 public:
  static absl::StatusOr<std::unique_ptr<ByteSink>> Create(ByteSink& next) {
    std::unique_ptr<GzipDecompressingSink> sink(new GzipDecompressingSink(next));
    // windowBits 15 + 16: gzip only; a zlib or raw deflate stream is not a gzip artifact.
    if (int rc = inflateInit2(&sink->z_, 15 + 16); rc != Z_OK) {
      return absl::InternalError(absl::StrCat("gzip: inflateInit2 failed (", rc, ")"));
    }
    sink->initialized_ = true;
    sink->WatchHeader();
    return std::unique_ptr<ByteSink>(std::move(sink));
  }

  ~GzipDecompressingSink() override {
    if (initialized_) inflateEnd(&z_);
  }

 private:
  explicit GzipDecompressingSink(ByteSink& next)
      : Stage(next), out_(new char[kGzipBufferSize]) {}

  // zlib sets header_.done to 1 once the member's header is read, which tells trailing garbage
  // (bad from the first byte after a member) from a corrupt member.
  void WatchHeader() {
    header_ = gz_header{};
    inflateGetHeader(&z_, &header_);
  }

  absl::Status Consume(std::string_view data) override {
    while (!data.empty()) {
      const size_t take = std::min(data.size(), kMaxZlibInput);
      z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
      z_.avail_in = static_cast<uInt>(take);
      data.remove_prefix(take);
      if (absl::Status ok = Inflate(); !ok.ok()) return ok;
    }
    return absl::OkStatus();
  }

  absl::Status Inflate() {
    for (;;) {
      z_.next_out = reinterpret_cast<Bytef*>(out_.get());
      z_.avail_out = static_cast<uInt>(kGzipBufferSize);
      const uInt avail_in_before = z_.avail_in;
      in_member_ = true;
      const int rc = inflate(&z_, Z_NO_FLUSH);
      consumed_ += avail_in_before - z_.avail_in;
      if (rc != Z_OK && rc != Z_STREAM_END && rc != Z_BUF_ERROR) return Corrupt(rc);
      if (absl::Status ok = Emit(out_.get(), kGzipBufferSize - z_.avail_out); !ok.ok()) return ok;
      if (rc == Z_STREAM_END) {
        // A member ended; like gzip -d, take what follows as the next member.
        ++members_;
        in_member_ = false;
        if (z_.avail_in == 0) return absl::OkStatus();
        if (inflateReset(&z_) != Z_OK) return absl::InternalError("gzip: inflateReset failed");
        WatchHeader();
        continue;
      }
      // A full output buffer may hold back more output even when the input is used up.
      if (z_.avail_in == 0 && z_.avail_out != 0) return absl::OkStatus();
    }
  }

  absl::Status EndStream() override {
    if (members_ == 0 && !in_member_) return absl::DataLossError("gzip: the stream is empty");
    if (in_member_) {
      return absl::DataLossError(absl::StrCat("gzip: the stream is truncated: it ends inside member ",
                                              members_ + 1, " after ", consumed_, " bytes"));
    }
    return absl::OkStatus();
  }

  absl::Status Corrupt(int rc) {
    if (rc == Z_MEM_ERROR) return absl::ResourceExhaustedError("gzip: out of memory");
    const std::string what = z_.msg != nullptr ? z_.msg : absl::StrCat("zlib error ", rc);
    if (header_.done != 1) {  // 0 while reading it, -1 when there was no gzip magic
      if (members_ == 0) {
        return absl::DataLossError("gzip: not a gzip stream (" + what + ")");
      }
      return absl::DataLossError(absl::StrCat("gzip: trailing garbage: the bytes after member ",
                                              members_, " are not a gzip member (", what, ")"));
    }
    return absl::DataLossError(absl::StrCat("gzip: ", what, " (member ", members_ + 1,
                                            ", by byte ", consumed_, ")"));
  }

  z_stream z_{};
  gz_header header_{};
  bool initialized_ = false;
  std::unique_ptr<char[]> out_;
  uint64_t members_ = 0;    // complete members seen
  uint64_t consumed_ = 0;   // compressed bytes taken by zlib so far
  bool in_member_ = false;  // bytes of a member not yet complete were taken
};

absl::Status UnknownKind(Compression kind) {
  return absl::InvalidArgumentError(
      absl::StrCat("unknown compression kind ", static_cast<int>(kind)));
}

}  // namespace

std::string_view CompressionExtension(Compression kind) {
  switch (kind) {
    case Compression::kZstd:
      return ".zst";
    case Compression::kGzip:
      return ".gz";
    case Compression::kNone:
      return "";
  }
  return "";
}

absl::StatusOr<std::unique_ptr<ByteSink>> CreateCompressingSink(Compression kind,
                                                                ByteSink& next,
                                                                CompressionOptions options) {
  switch (kind) {
    case Compression::kZstd:
      return ZstdCompressingSink::Create(next, options);
    case Compression::kGzip:
      return GzipCompressingSink::Create(next, options);
    case Compression::kNone:
      return std::unique_ptr<ByteSink>(new PassThroughSink(next));
  }
  return UnknownKind(kind);
}

absl::StatusOr<std::unique_ptr<ByteSink>> CreateDecompressingSink(Compression kind,
                                                                  ByteSink& next) {
  switch (kind) {
    case Compression::kZstd:
      return ZstdDecompressingSink::Create(next);
    case Compression::kGzip:
      return GzipDecompressingSink::Create(next);
    case Compression::kNone:
      return std::unique_ptr<ByteSink>(new PassThroughSink(next));
  }
  return UnknownKind(kind);
}

}  // namespace upkeep::backup
