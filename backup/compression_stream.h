// Streaming compression stages of the backup pipeline (dump → compress → encrypt → ...) and
// their inverses for restore: zstd (the API's default), gzip, or none. The formats are the
// standard ones, so an artifact can also be restored by hand with `zstd -d` or `gzip -d`.
//
// Memory stays flat whatever the size of the stream: each stage emits its output through one
// fixed-size buffer (128 KiB) and never holds the whole input. The zstd compressor's workers
// keep an input ring of a few jobs besides: about 45 MiB at level 3 with 2 workers, more at
// higher levels. A decompressing stage passes its output on in chunks of at most its buffer's
// size however much a stream expands, so a decompression bomb cannot make it allocate more;
// zstd's window is capped at zstd's default limit (128 MiB), and a frame asking for more is
// refused.
//
// Thread-compatible: one writer at a time. The zstd compressor runs its own worker threads
// inside Write and Finish; they are joined when the sink is destroyed.
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include <absl/status/statusor.h>

#include "backup/byte_sink.h"
#include "crds/v1alpha1/backup_policy.h"

namespace upkeep::backup {

struct CompressionOptions {
  // Compression level. Default (unset): 3 for zstd (zstd's own default, fast enough not to
  // slow a dump), 6 for gzip (gzip's default). zstd takes ZSTD_minCLevel()..ZSTD_maxCLevel(),
  // gzip 0..9. Ignored for none.
  std::optional<int> level;
  // zstd worker threads; 0 compresses on the writer's thread. Default 2: one core compressing
  // alongside the dump is not enough for the backup throughput target. Ignored otherwise.
  int zstd_workers = 2;
};

// The suffix of an artifact's name for `kind`: ".zst", ".gz", or "" for none.
std::string_view CompressionExtension(api::v1alpha1::Compression kind);

// A stage that compresses what is written to it into `next` (borrowed; Finish finishes it).
// zstd frames carry a content checksum, as the zstd CLI writes them; gzip is RFC 1952.
// InvalidArgument for an out-of-range option or an unknown kind.
absl::StatusOr<std::unique_ptr<ByteSink>> CreateCompressingSink(
    api::v1alpha1::Compression kind, ByteSink& next, CompressionOptions options = {});

// A stage that decompresses a stream written to it into `next` (borrowed; Finish finishes
// it). Accepts concatenated zstd frames or gzip members, as `zstd -d` and `gzip -d` do.
// DataLoss, naming the format, for a corrupt stream, for bytes after the last complete frame
// or member that do not start another, and (at Finish) for a stream that is empty or ends
// mid-frame. Bytes already passed on before an error was found are not taken back.
absl::StatusOr<std::unique_ptr<ByteSink>> CreateDecompressingSink(
    api::v1alpha1::Compression kind, ByteSink& next);

}  // namespace upkeep::backup
