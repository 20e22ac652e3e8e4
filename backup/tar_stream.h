// The file-archive stage of volume and local backups: a folder becomes a POSIX tar stream
// (pax interchange format, readable by GNU tar, bsdtar and libarchive) written into the
// backup pipeline, and a tar stream written into a TarExtractor becomes a folder again. Both
// work in constant memory (64 KiB blocks and one header at a time), whatever the sizes.
//
// What round-trips: regular files (content, mode bits including setuid/sticky, mtime to the
// nanosecond), directories, symlinks (the target as stored, never followed), hard links
// within the archive, uid/gid numbers (applied on extraction only when running as root).
// Sockets, FIFOs and devices are skipped and listed in TarStats::skipped.
//
// Thread-compatible: one writer per archive, one writer per extractor.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "backup/byte_sink.h"
#include "backup/file_glob.h"

namespace upkeep::backup {

inline constexpr size_t kTarBlockSize = 512;
// How much of a file is read and passed on at once.
inline constexpr size_t kTarIoSize = 64 * 1024;

struct TarStats {
  int64_t files = 0;  // regular files, hard links included
  int64_t directories = 0;
  int64_t symlinks = 0;
  int64_t bytes = 0;  // file content, as archived or extracted
  // "path: reason" for each entry left out (a socket, a FIFO, an unsupported entry type).
  std::vector<std::string> skipped;
  // "path: what happened" for what was archived but not as found: a file that changed size
  // while being read, a file that vanished during the walk, an owner that could not be set.
  std::vector<std::string> warnings;
};

// Archives the tree under `root` (a directory; a symlink naming one is followed, nothing
// under it is) into `out`, entries named relative to `root` ("a/b.txt", directories with a
// trailing '/'), siblings in byte order so the same tree gives the same archive. Files are
// read and written 64 KiB at a time. A file that changes size while read is archived at the
// size it had when its header was written, zero-padded or cut (GNU tar does the same), with
// a warning; a file or directory removed during the walk is a warning. Files with several
// links are archived once, then as hard links.
//
// Does not call out.Finish(): the caller finishes the pipeline only when WriteTar succeeded,
// so a failed walk never seals a partial archive as a complete artifact. Errors name the
// path: NotFound when root is missing, PermissionDenied/Internal for a file or directory
// that cannot be read (a backup silently missing files would be worse than a failed one),
// and whatever `out` returns.
absl::Status WriteTar(const std::string& root, const FileFilter& filter, ByteSink& out,
                      TarStats* stats = nullptr);

// Extracts a tar stream, as it arrives, into an existing destination directory. Reads what
// GNU tar, bsdtar and WriteTar write: ustar, pax ('x' headers: path, linkpath, size, mtime,
// uid, gid) and GNU ('L'/'K' long names, base-256 numbers).
//
// Files are created 0600 and get their mode, owner and mtime once their content is written;
// directories are created 0700 and get theirs at Finish, children first, so a read-only
// directory can still be filled and its mtime is not changed by its children. An existing
// file at an entry's path is replaced (unlinked, never written through). An entry for the
// archive's root ("./", as `tar -C dir -cf x.tar .` writes) leaves the destination's own mode
// alone. Memory: one header, pax data up to 1 MiB per entry, and a small record per directory
// until Finish.
//
// Security: every entry must stay inside the destination. An absolute path, a ".."
// component, a path that would go through a symlink (one from the archive or one already
// there) and a hard link to a target outside the destination are InvalidArgument naming the
// entry; nothing is written for it and the extraction stops. Extract into a fresh directory:
// after an error, what was extracted before it stays.
//
// Integrity: a header whose checksum does not match, a malformed number or pax record, and a
// stream that ends mid-entry or without its two end-of-archive blocks are DataLoss (the last
// at Finish). After the end blocks the rest of the stream (record padding) is ignored. The
// first error is sticky: later calls return it.
class TarExtractor final : public ByteSink {
 public:
  // NotFound/FailedPrecondition when `destination` is not an existing directory.
  static absl::StatusOr<std::unique_ptr<TarExtractor>> Create(const std::string& destination);
  ~TarExtractor() override;

  absl::Status Write(std::string_view data) override;
  // Checks that the archive was complete and applies the directories' modes and mtimes.
  // The extractor is the end of its pipeline: there is no next stage to finish.
  absl::Status Finish() override;

  const TarStats& stats() const;

 private:
  struct State;
  explicit TarExtractor(std::unique_ptr<State> state);
  std::unique_ptr<State> state_;
};

}  // namespace upkeep::backup
