#include "backup/tar_stream.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <limits>
#include <map>
#include <optional>
#include <utility>

namespace upkeep::backup {
namespace {

// ---------------------------------------------------------------------------------------------
// The ustar header (POSIX.1-2001 "ustar Interchange Format"): field offsets and lengths.
constexpr size_t kNameOff = 0, kNameLen = 100;
constexpr size_t kModeOff = 100, kModeLen = 8;
constexpr size_t kUidOff = 108, kUidLen = 8;
constexpr size_t kGidOff = 116, kGidLen = 8;
constexpr size_t kSizeOff = 124, kSizeLen = 12;
constexpr size_t kMtimeOff = 136, kMtimeLen = 12;
constexpr size_t kChksumOff = 148, kChksumLen = 8;
constexpr size_t kTypeOff = 156;
constexpr size_t kLinkOff = 157, kLinkLen = 100;
constexpr size_t kMagicOff = 257;  // "ustar\0" "00" (POSIX) or "ustar  \0" (GNU)
constexpr size_t kPrefixOff = 345, kPrefixLen = 155;

// The largest value an octal field of `len` bytes holds (len - 1 digits and a NUL).
constexpr uint64_t OctalMax(size_t len) { return (uint64_t{1} << (3 * (len - 1))) - 1; }

// pax and GNU long-name data is held in memory; real archives have a few hundred bytes.
constexpr uint64_t kMaxMetaSize = 1 << 20;

std::string Quote(std::string_view path) {
  return absl::StrCat("'", absl::CHexEscape(std::string(path)), "'");
}

// The components of a path, without empty and "." ones (so "./a//b/" is {"a", "b"}).
std::vector<std::string> Components(std::string_view path) {
  std::vector<std::string> out;
  while (!path.empty()) {
    size_t slash = path.find('/');
    std::string_view c = path.substr(0, slash);
    if (!c.empty() && c != ".") out.emplace_back(c);
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return out;
}

std::string Join(std::vector<std::string>::const_iterator begin,
                 std::vector<std::string>::const_iterator end) {
  std::string out;
  for (auto it = begin; it != end; ++it) {
    if (!out.empty()) out += '/';
    out += *it;
  }
  return out;
}
std::string Join(const std::vector<std::string>& c) { return Join(c.begin(), c.end()); }

template <typename T>
bool ParseDecimal(std::string_view text, T* out) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty();
}

absl::Status ErrnoError(int err, std::string_view what) {
  std::string message = absl::StrCat(std::string(what), ": ", std::strerror(err));
  switch (err) {
    case ENOENT:
      return absl::NotFoundError(message);
    case EACCES:
    case EPERM:
      return absl::PermissionDeniedError(message);
    case ENOSPC:
    case EDQUOT:
      return absl::ResourceExhaustedError(message);
    default:
      return absl::InternalError(message);
  }
}

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  Fd& operator=(Fd&& other) noexcept {
    if (this != &other) {
      Reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() { Reset(); }

  int get() const { return fd_; }
  bool valid() const { return fd_ >= 0; }
  void Reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  // Closes, reporting the error close() may give (a delayed write error).
  int Close() { return ::close(std::exchange(fd_, -1)); }

 private:
  int fd_ = -1;
};

void PutString(char* header, size_t off, size_t len, std::string_view value) {
  std::memcpy(header + off, value.data(), std::min(len, value.size()));
}

void PutOctal(char* header, size_t off, size_t len, uint64_t value) {
  // Zero-padded, len - 1 digits and a NUL: the form every reader accepts.
  for (size_t i = len - 1; i-- > 0;) {
    header[off + i] = static_cast<char>('0' + (value & 7));
    value >>= 3;
  }
  header[off + len - 1] = '\0';
}

void SealChecksum(char* header) {
  std::memset(header + kChksumOff, ' ', kChksumLen);
  unsigned sum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) sum += static_cast<unsigned char>(header[i]);
  PutOctal(header, kChksumOff, 7, sum);  // six digits, NUL, then the space left in place
}

size_t Padding(uint64_t size) { return (kTarBlockSize - size % kTarBlockSize) % kTarBlockSize; }

// "<len> <key>=<value>\n", where len counts the whole record including its own digits.
std::string PaxRecord(std::string_view key, std::string_view value) {
  size_t rest = 1 + key.size() + 1 + value.size() + 1;
  size_t len = rest + std::to_string(rest).size();
  len = rest + std::to_string(len).size();  // adding the digits can add one more digit
  return absl::StrCat(len, " ", std::string(key), "=", std::string(value), "\n");
}

std::string PaxTime(const struct timespec& t) {
  if (t.tv_nsec == 0) return absl::StrCat(t.tv_sec);
  // Negative times with a fraction would need borrowing; they do not occur in practice and
  // are stored to the second.
  if (t.tv_sec < 0) return absl::StrCat(t.tv_sec);
  std::string frac = std::to_string(1000000000L + t.tv_nsec).substr(1);
  while (!frac.empty() && frac.back() == '0') frac.pop_back();
  return absl::StrCat(t.tv_sec, ".", frac);
}

// ---------------------------------------------------------------------------------------------
// Writing.

struct EntryHeader {
  std::string path;  // relative, directories with a trailing '/'
  char type = '0';
  uint64_t size = 0;
  uint32_t mode = 0;
  uint64_t uid = 0, gid = 0;
  struct timespec mtime = {};
  std::string linkname;
};

// Batches the stream into kTarIoSize writes to `out`, so many small files do not become many
// tiny writes down the pipeline.
class TarWriter {
 public:
  explicit TarWriter(ByteSink& out) : out_(out) { buffer_.reserve(kTarIoSize); }

  absl::Status Append(std::string_view data) {
    while (!data.empty()) {
      size_t n = std::min(data.size(), kTarIoSize - buffer_.size());
      buffer_.append(data.substr(0, n));
      data.remove_prefix(n);
      if (buffer_.size() == kTarIoSize) {
        if (absl::Status s = Flush(); !s.ok()) return s;
      }
    }
    return absl::OkStatus();
  }

  absl::Status AppendZeros(uint64_t n) {
    static const std::string kZeros(kTarBlockSize, '\0');
    while (n > 0) {
      size_t chunk = std::min<uint64_t>(n, kZeros.size());
      if (absl::Status s = Append(std::string_view(kZeros).substr(0, chunk)); !s.ok()) return s;
      n -= chunk;
    }
    return absl::OkStatus();
  }

  absl::Status Flush() {
    if (buffer_.empty()) return absl::OkStatus();
    absl::Status s = out_.Write(buffer_);
    buffer_.clear();
    return s;
  }

  // The header of `e`, preceded by a pax header for what ustar cannot hold.
  absl::Status WriteHeader(const EntryHeader& e) {
    char h[kTarBlockSize] = {};
    std::string pax;
    if (e.path.size() <= kNameLen) {
      PutString(h, kNameOff, kNameLen, e.path);
    } else if (size_t split = PrefixSplit(e.path); split != std::string::npos) {
      PutString(h, kPrefixOff, kPrefixLen, std::string_view(e.path).substr(0, split));
      PutString(h, kNameOff, kNameLen, std::string_view(e.path).substr(split + 1));
    } else {
      pax += PaxRecord("path", e.path);
      PutString(h, kNameOff, kNameLen, e.path);  // truncated; pax-unaware readers get this
    }
    if (e.linkname.size() > kLinkLen) pax += PaxRecord("linkpath", e.linkname);
    PutString(h, kLinkOff, kLinkLen, e.linkname);
    if (e.size > OctalMax(kSizeLen)) pax += PaxRecord("size", absl::StrCat(e.size));
    if (e.uid > OctalMax(kUidLen)) pax += PaxRecord("uid", absl::StrCat(e.uid));
    if (e.gid > OctalMax(kGidLen)) pax += PaxRecord("gid", absl::StrCat(e.gid));
    bool mtime_fits =
        e.mtime.tv_sec >= 0 && static_cast<uint64_t>(e.mtime.tv_sec) <= OctalMax(kMtimeLen);
    // Sub-second mtimes go in pax too, so a restore gives back exactly what was there.
    if (!mtime_fits || e.mtime.tv_nsec != 0) pax += PaxRecord("mtime", PaxTime(e.mtime));

    PutOctal(h, kModeOff, kModeLen, e.mode & 07777);
    PutOctal(h, kUidOff, kUidLen, e.uid <= OctalMax(kUidLen) ? e.uid : 0);
    PutOctal(h, kGidOff, kGidLen, e.gid <= OctalMax(kGidLen) ? e.gid : 0);
    PutOctal(h, kSizeOff, kSizeLen, e.size <= OctalMax(kSizeLen) ? e.size : 0);
    PutOctal(h, kMtimeOff, kMtimeLen, mtime_fits ? e.mtime.tv_sec : 0);
    h[kTypeOff] = e.type;
    std::memcpy(h + kMagicOff,
                "ustar\0"
                "00",
                8);
    SealChecksum(h);

    if (!pax.empty()) {
      char x[kTarBlockSize] = {};
      // Named like GNU tar's, so an old reader extracting it as a file puts it aside.
      std::string_view base = e.path;
      if (base.size() > 1 && base.back() == '/') base.remove_suffix(1);
      if (size_t slash = base.rfind('/'); slash != std::string_view::npos) {
        base.remove_prefix(slash + 1);
      }
      PutString(x, kNameOff, kNameLen, absl::StrCat("PaxHeaders/", std::string(base)));
      PutOctal(x, kModeOff, kModeLen, 0644);
      PutOctal(x, kUidOff, kUidLen, 0);
      PutOctal(x, kGidOff, kGidLen, 0);
      PutOctal(x, kSizeOff, kSizeLen, pax.size());
      PutOctal(x, kMtimeOff, kMtimeLen, mtime_fits ? e.mtime.tv_sec : 0);
      x[kTypeOff] = 'x';
      std::memcpy(x + kMagicOff,
                  "ustar\0"
                  "00",
                  8);
      SealChecksum(x);
      if (absl::Status s = Append(std::string_view(x, kTarBlockSize)); !s.ok()) return s;
      if (absl::Status s = Append(pax); !s.ok()) return s;
      if (absl::Status s = AppendZeros(Padding(pax.size())); !s.ok()) return s;
    }
    return Append(std::string_view(h, kTarBlockSize));
  }

 private:
  // Where to cut `path` into ustar's prefix (<= 155) and name (<= 100, not empty) at a '/',
  // or npos.
  static size_t PrefixSplit(const std::string& path) {
    if (path.size() > kPrefixLen + 1 + kNameLen) return std::string::npos;
    size_t i = path.rfind('/', kPrefixLen);
    while (i != std::string::npos && i > 0) {
      size_t name_len = path.size() - i - 1;
      if (name_len > kNameLen) return std::string::npos;  // moving left only lengthens it
      if (name_len > 0) return i;
      i = path.rfind('/', i - 1);
    }
    return std::string::npos;
  }

  ByteSink& out_;
  std::string buffer_;
};

class TreeArchiver {
 public:
  TreeArchiver(std::string root, const FileFilter& filter, ByteSink& out, TarStats& stats)
      : root_(std::move(root)), filter_(filter), writer_(out), stats_(stats) {
    read_buffer_.resize(kTarIoSize);
  }

  absl::Status Run() {
    if (absl::Status s = WalkDirectory(""); !s.ok()) return s;
    if (absl::Status s = writer_.AppendZeros(2 * kTarBlockSize); !s.ok()) return s;
    return writer_.Flush();
  }

 private:
  std::string FullPath(const std::string& rel) const {
    return rel.empty() ? root_ : absl::StrCat(root_, "/", rel);
  }

  static EntryHeader HeaderFor(std::string path, char type, const struct stat& st) {
    EntryHeader e;
    e.path = std::move(path);
    e.type = type;
    e.mode = st.st_mode & 07777;
    e.uid = st.st_uid;
    e.gid = st.st_gid;
    e.mtime = st.st_mtim;
    return e;
  }

  // Writes the directories above the entry about to be written that were held back until
  // something under them was taken.
  absl::Status WritePendingDirectories() {
    for (const auto& [path, st] : pending_dirs_) {
      if (absl::Status s = writer_.WriteHeader(HeaderFor(path + "/", '5', st)); !s.ok()) {
        return s;
      }
      ++stats_.directories;
    }
    pending_dirs_.clear();
    return absl::OkStatus();
  }

  absl::Status WalkDirectory(const std::string& rel) {
    std::string full = FullPath(rel);
    // The root may be a symlink to the folder; nothing below it is followed.
    int flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC | (rel.empty() ? 0 : O_NOFOLLOW);
    int fd = ::open(full.c_str(), flags);
    if (fd < 0) {
      int err = errno;
      if (!rel.empty() && (err == ENOENT || err == ELOOP || err == ENOTDIR)) {
        stats_.warnings.push_back(absl::StrCat(rel,
                                               ": directory removed or replaced during "
                                               "the backup; its contents are not archived"));
        return absl::OkStatus();
      }
      return ErrnoError(err, absl::StrCat("opening directory ", Quote(full)));
    }
    DIR* dir = ::fdopendir(fd);
    if (dir == nullptr) {
      int err = errno;
      ::close(fd);
      return ErrnoError(err, absl::StrCat("reading directory ", Quote(full)));
    }
    std::vector<std::string> names;
    errno = 0;
    while (struct dirent* d = ::readdir(dir)) {
      std::string_view name = d->d_name;
      if (name != "." && name != "..") names.emplace_back(name);
      errno = 0;
    }
    int err = errno;
    ::closedir(dir);
    if (err != 0) return ErrnoError(err, absl::StrCat("reading directory ", Quote(full)));
    std::sort(names.begin(), names.end());

    for (const std::string& name : names) {
      std::string child = rel.empty() ? name : absl::StrCat(rel, "/", name);
      if (filter_.Excluded(child)) continue;
      std::string child_full = FullPath(child);
      struct stat st;
      if (::lstat(child_full.c_str(), &st) != 0) {
        if (errno == ENOENT) {
          stats_.warnings.push_back(absl::StrCat(child, ": removed during the backup"));
          continue;
        }
        return ErrnoError(errno, absl::StrCat("lstat ", Quote(child_full)));
      }
      absl::Status s;
      if (S_ISDIR(st.st_mode)) {
        s = VisitDirectory(child, st);
      } else if (!filter_.Included(child)) {
        continue;
      } else if (S_ISREG(st.st_mode)) {
        s = ArchiveFile(child, st);
      } else if (S_ISLNK(st.st_mode)) {
        s = ArchiveSymlink(child, st);
      } else {
        const char* kind = S_ISSOCK(st.st_mode)   ? "socket"
                           : S_ISFIFO(st.st_mode) ? "FIFO"
                           : S_ISCHR(st.st_mode)  ? "character device"
                           : S_ISBLK(st.st_mode)  ? "block device"
                                                  : "unknown file type";
        stats_.skipped.push_back(absl::StrCat(child, ": ", kind, " (not archived)"));
      }
      if (!s.ok()) return s;
    }
    return absl::OkStatus();
  }

  absl::Status VisitDirectory(const std::string& rel, const struct stat& st) {
    bool descend = filter_.MayIncludeBelow(rel);
    bool held_back = false;
    if (filter_.Included(rel)) {
      if (absl::Status s = WritePendingDirectories(); !s.ok()) return s;
      if (absl::Status s = writer_.WriteHeader(HeaderFor(rel + "/", '5', st)); !s.ok()) {
        return s;
      }
      ++stats_.directories;
    } else if (descend) {
      pending_dirs_.emplace_back(rel, st);
      held_back = true;
    }
    if (!descend) return absl::OkStatus();
    if (absl::Status s = WalkDirectory(rel); !s.ok()) return s;
    // Nothing under it was taken: it was never written and is not written now.
    if (held_back && !pending_dirs_.empty() && pending_dirs_.back().first == rel) {
      pending_dirs_.pop_back();
    }
    return absl::OkStatus();
  }

  absl::Status ArchiveSymlink(const std::string& rel, const struct stat& st) {
    std::string full = FullPath(rel);
    std::string target(static_cast<size_t>(st.st_size) + 1, '\0');
    for (;;) {
      ssize_t n = ::readlink(full.c_str(), target.data(), target.size());
      if (n < 0) {
        if (errno == ENOENT || errno == EINVAL) {
          stats_.warnings.push_back(absl::StrCat(rel, ": removed or replaced during the backup"));
          return absl::OkStatus();
        }
        return ErrnoError(errno, absl::StrCat("readlink ", Quote(full)));
      }
      if (static_cast<size_t>(n) < target.size()) {
        target.resize(n);
        break;
      }
      target.resize(target.size() * 2);  // changed since lstat: try again, larger
    }
    if (absl::Status s = WritePendingDirectories(); !s.ok()) return s;
    EntryHeader e = HeaderFor(rel, '2', st);
    e.linkname = std::move(target);
    if (absl::Status s = writer_.WriteHeader(e); !s.ok()) return s;
    ++stats_.symlinks;
    return absl::OkStatus();
  }

  absl::Status ArchiveFile(const std::string& rel, const struct stat& listed) {
    std::string full = FullPath(rel);
    std::pair<dev_t, ino_t> id(listed.st_dev, listed.st_ino);
    if (listed.st_nlink > 1) {
      if (auto it = links_.find(id); it != links_.end()) {
        if (absl::Status s = WritePendingDirectories(); !s.ok()) return s;
        EntryHeader e = HeaderFor(rel, '1', listed);
        e.linkname = it->second;
        if (absl::Status s = writer_.WriteHeader(e); !s.ok()) return s;
        ++stats_.files;
        return absl::OkStatus();
      }
    }
    // O_NONBLOCK: should it have become a FIFO since lstat, open must not wait for a writer.
    Fd fd(::open(full.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
    if (!fd.valid()) {
      if (errno == ENOENT || errno == ELOOP) {
        stats_.warnings.push_back(absl::StrCat(rel, ": removed or replaced during the backup"));
        return absl::OkStatus();
      }
      return ErrnoError(errno, absl::StrCat("opening ", Quote(full)));
    }
    struct stat st;  // what is archived is what was opened
    if (::fstat(fd.get(), &st) != 0) return ErrnoError(errno, absl::StrCat("fstat ", Quote(full)));
    if (!S_ISREG(st.st_mode)) {
      stats_.warnings.push_back(absl::StrCat(rel, ": replaced during the backup; not archived"));
      return absl::OkStatus();
    }
    if (absl::Status s = WritePendingDirectories(); !s.ok()) return s;
    EntryHeader e = HeaderFor(rel, '0', st);
    e.size = static_cast<uint64_t>(st.st_size);
    if (absl::Status s = writer_.WriteHeader(e); !s.ok()) return s;

    // The header promised e.size bytes: give exactly that many whatever the file does now.
    uint64_t left = e.size;
    while (left > 0) {
      ssize_t n = ::read(fd.get(), read_buffer_.data(), std::min<uint64_t>(left, kTarIoSize));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoError(errno, absl::StrCat("reading ", Quote(full)));
      }
      if (n == 0) {
        stats_.warnings.push_back(absl::StrCat(rel, ": shrank while being read; the missing ", left,
                                               " of ", e.size, " bytes are archived as zeros"));
        if (absl::Status s = writer_.AppendZeros(left); !s.ok()) return s;
        break;
      }
      if (absl::Status s = writer_.Append(std::string_view(read_buffer_.data(), n)); !s.ok()) {
        return s;
      }
      left -= n;
    }
    if (left == 0) {
      char extra;
      ssize_t n;
      do {
        n = ::read(fd.get(), &extra, 1);
      } while (n < 0 && errno == EINTR);
      if (n > 0) {
        stats_.warnings.push_back(absl::StrCat(rel, ": grew while being read; its first ", e.size,
                                               " bytes are archived"));
      }
    }
    if (absl::Status s = writer_.AppendZeros(Padding(e.size)); !s.ok()) return s;
    ++stats_.files;
    stats_.bytes += static_cast<int64_t>(e.size);
    if (st.st_nlink > 1) links_.emplace(std::pair(st.st_dev, st.st_ino), rel);
    return absl::OkStatus();
  }

  const std::string root_;
  const FileFilter& filter_;
  TarWriter writer_;
  TarStats& stats_;
  std::vector<char> read_buffer_;
  // Directories above the current one, not written yet because nothing under them has been
  // taken yet (only when the include patterns do not match them themselves).
  std::vector<std::pair<std::string, struct stat>> pending_dirs_;
  // Files with several links already archived, by identity: later names become hard links.
  std::map<std::pair<dev_t, ino_t>, std::string> links_;
};

}  // namespace

absl::Status WriteTar(const std::string& root, const FileFilter& filter, ByteSink& out,
                      TarStats* stats) {
  struct stat st;
  if (::stat(root.c_str(), &st) != 0) {
    return ErrnoError(errno, absl::StrCat("backup folder ", Quote(root)));
  }
  if (!S_ISDIR(st.st_mode)) {
    return absl::FailedPreconditionError(
        absl::StrCat("backup folder ", Quote(root), " is not a directory"));
  }
  TarStats local;
  TreeArchiver archiver(root, filter, out, stats != nullptr ? *stats : local);
  return archiver.Run();
}

// ---------------------------------------------------------------------------------------------
// Extracting.

namespace {

std::string_view FieldString(const char* h, size_t off, size_t len) {
  std::string_view f(h + off, len);
  if (size_t nul = f.find('\0'); nul != std::string_view::npos) f = f.substr(0, nul);
  return f;
}

// An octal field (leading spaces, digits, then NULs or spaces) or GNU's base-256 (high bit of
// the first byte set; two's complement, so 0xff starts a negative number).
std::optional<int64_t> ParseNumber(const char* h, size_t off, size_t len) {
  const auto* f = reinterpret_cast<const unsigned char*>(h + off);
  if (f[0] & 0x80) {
    int64_t v = static_cast<int8_t>(static_cast<uint8_t>(f[0] << 1)) >> 1;
    for (size_t i = 1; i < len; ++i) {
      if (v > (std::numeric_limits<int64_t>::max() >> 8) ||
          v < (std::numeric_limits<int64_t>::min() >> 8)) {
        return std::nullopt;
      }
      v = v * 256 + f[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < len && f[i] == ' ') ++i;
  int64_t v = 0;
  for (; i < len && f[i] >= '0' && f[i] <= '7'; ++i) {
    if (v > (std::numeric_limits<int64_t>::max() >> 3)) return std::nullopt;
    v = v * 8 + (f[i] - '0');
  }
  for (; i < len; ++i) {
    if (f[i] != ' ' && f[i] != '\0') return std::nullopt;
  }
  return v;
}

// pax "mtime": decimal seconds with an optional fraction.
std::optional<struct timespec> ParsePaxTime(std::string_view value) {
  std::string_view whole = value, frac;
  if (size_t dot = value.find('.'); dot != std::string_view::npos) {
    whole = value.substr(0, dot);
    frac = value.substr(dot + 1);
  }
  int64_t sec;
  if (!ParseDecimal(whole, &sec)) return std::nullopt;
  long nsec = 0;
  for (size_t i = 0; i < 9; ++i) {
    char c = i < frac.size() ? frac[i] : '0';
    if (c < '0' || c > '9') return std::nullopt;
    nsec = nsec * 10 + (c - '0');
  }
  if (!whole.empty() && whole[0] == '-' && nsec > 0) {  // -1.5 is 1.5 s before the epoch
    --sec;
    nsec = 1000000000L - nsec;
  }
  return timespec{static_cast<time_t>(sec), nsec};
}

bool AllZero(std::string_view block) {
  return std::all_of(block.begin(), block.end(), [](char c) { return c == '\0'; });
}

struct DeferredDirectory {
  std::vector<std::string> components;
  uint32_t mode;
  uint64_t uid, gid;
  struct timespec mtime;
};

}  // namespace

struct TarExtractor::State {
  enum class Phase { kHeader, kData, kEnd, kFinished };
  enum class DataKind { kFile, kSkip, kPax, kLongName, kLongLink };

  Fd root;
  TarStats stats;
  absl::Status error;
  Phase phase = Phase::kHeader;
  std::string block;  // a header being gathered
  int zero_blocks = 0;

  // The entry whose data is being read.
  DataKind kind = DataKind::kSkip;
  std::string entry_name;  // for messages
  uint64_t content_left = 0;
  uint64_t padding_left = 0;
  std::string meta;  // pax or GNU long-name data
  Fd file;
  uint32_t file_mode = 0;
  uint64_t file_uid = 0, file_gid = 0;
  struct timespec file_mtime = {};
  uint64_t file_size = 0;

  // From pax 'x' and GNU 'L'/'K' entries, for the next entry only.
  std::optional<std::string> next_path, next_linkpath;
  std::optional<uint64_t> next_size, next_uid, next_gid;
  std::optional<struct timespec> next_mtime;
  bool next_sparse = false;

  std::vector<DeferredDirectory> directories;
  bool as_root = ::geteuid() == 0;

  absl::Status ProcessHeader();
  absl::Status Consume(std::string_view data);
  absl::Status EndEntry();
  absl::Status ParsePax();

  absl::StatusOr<std::vector<std::string>> SafeComponents(std::string_view path,
                                                          std::string_view what) const;
  absl::StatusOr<Fd> OpenDirectory(const std::vector<std::string>& components, size_t count,
                                   bool create) const;
  absl::Status RemoveExisting(int parent, const std::string& name,
                              const std::vector<std::string>& components) const;

  absl::Status ExtractFile(const std::vector<std::string>& c, const EntryHeader& e);
  absl::Status ExtractDirectory(const std::vector<std::string>& c, const EntryHeader& e);
  absl::Status ExtractSymlink(const std::vector<std::string>& c, const EntryHeader& e);
  absl::Status ExtractHardLink(const std::vector<std::string>& c, const EntryHeader& e);
  absl::Status FinishFile();
  absl::Status ApplyDirectories();

  void Owner(int fd, const std::string& name, int at_flags, uint64_t uid, uint64_t gid) {
    if (!as_root) return;
    if (::fchownat(fd, name.c_str(), static_cast<uid_t>(uid), static_cast<gid_t>(gid), at_flags) !=
        0) {
      stats.warnings.push_back(
          absl::StrCat(entry_name, ": cannot set owner: ", std::strerror(errno)));
    }
  }
};

TarExtractor::TarExtractor(std::unique_ptr<State> state) : state_(std::move(state)) {}
TarExtractor::~TarExtractor() = default;

absl::StatusOr<std::unique_ptr<TarExtractor>> TarExtractor::Create(const std::string& destination) {
  Fd root(::open(destination.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) {
    return ErrnoError(errno, absl::StrCat("extraction destination ", Quote(destination)));
  }
  auto state = std::make_unique<State>();
  state->root = std::move(root);
  return std::unique_ptr<TarExtractor>(new TarExtractor(std::move(state)));
}

const TarStats& TarExtractor::stats() const { return state_->stats; }

absl::Status TarExtractor::Write(std::string_view data) {
  State& s = *state_;
  if (!s.error.ok()) return s.error;
  if (s.phase == State::Phase::kFinished) {
    return absl::FailedPreconditionError("tar extractor: write after Finish");
  }
  while (!data.empty() && s.error.ok()) {
    switch (s.phase) {
      case State::Phase::kEnd:
        return absl::OkStatus();  // the rest of the last record
      case State::Phase::kFinished:
        return absl::FailedPreconditionError("tar extractor: write after Finish");
      case State::Phase::kHeader: {
        size_t n = std::min(data.size(), kTarBlockSize - s.block.size());
        s.block.append(data.substr(0, n));
        data.remove_prefix(n);
        if (s.block.size() == kTarBlockSize) {
          s.error = s.ProcessHeader();
          s.block.clear();
        }
        break;
      }
      case State::Phase::kData: {
        if (s.content_left > 0) {
          size_t n = std::min<uint64_t>(data.size(), s.content_left);
          s.error = s.Consume(data.substr(0, n));
          s.content_left -= n;
          data.remove_prefix(n);
        } else {
          size_t n = std::min<uint64_t>(data.size(), s.padding_left);
          s.padding_left -= n;
          data.remove_prefix(n);
        }
        if (s.error.ok() && s.content_left == 0 && s.padding_left == 0) s.error = s.EndEntry();
        break;
      }
    }
  }
  return s.error;
}

absl::Status TarExtractor::Finish() {
  State& s = *state_;
  if (!s.error.ok()) return s.error;
  switch (s.phase) {
    case State::Phase::kFinished:
      return absl::OkStatus();
    case State::Phase::kData:
      s.error = absl::DataLossError(
          absl::StrCat("tar archive truncated in the middle of entry ", Quote(s.entry_name)));
      return s.error;
    case State::Phase::kHeader:
      s.error = absl::DataLossError(
          s.block.empty() && s.zero_blocks == 0
              ? "tar archive truncated: it ends without its end-of-archive blocks"
              : "tar archive truncated in the middle of a header or end-of-archive block");
      return s.error;
    case State::Phase::kEnd:
      break;
  }
  s.error = s.ApplyDirectories();
  if (!s.error.ok()) return s.error;
  s.phase = State::Phase::kFinished;
  return absl::OkStatus();
}

absl::Status TarExtractor::State::ProcessHeader() {
  const char* h = block.data();
  if (AllZero(block)) {
    if (++zero_blocks == 2) phase = Phase::kEnd;
    return absl::OkStatus();
  }
  zero_blocks = 0;  // a lone zero block, as GNU tar reads it: go on
  bool posix = std::memcmp(h + kMagicOff, "ustar\0", 6) == 0;
  std::string raw_name(FieldString(h, kNameOff, kNameLen));
  if (std::string_view prefix = FieldString(h, kPrefixOff, kPrefixLen); posix && !prefix.empty()) {
    raw_name = absl::StrCat(std::string(prefix), "/", raw_name);
  }
  entry_name = next_path.value_or(raw_name);

  std::optional<int64_t> stored = ParseNumber(h, kChksumOff, kChksumLen);
  unsigned usum = 0;
  int ssum = 0;
  for (size_t i = 0; i < kTarBlockSize; ++i) {
    bool in_field = i >= kChksumOff && i < kChksumOff + kChksumLen;
    usum += in_field ? ' ' : static_cast<unsigned char>(h[i]);
    ssum += in_field ? ' ' : static_cast<signed char>(h[i]);  // some old tars summed signed
  }
  if (!stored || (*stored != usum && *stored != ssum)) {
    return absl::DataLossError(absl::StrCat(
        "tar entry ", Quote(entry_name), ": header checksum mismatch (stored ",
        stored ? absl::StrCat(*stored) : std::string("unreadable"), ", computed ", usum, ")"));
  }

  std::optional<int64_t> mode = ParseNumber(h, kModeOff, kModeLen);
  std::optional<int64_t> uid = ParseNumber(h, kUidOff, kUidLen);
  std::optional<int64_t> gid = ParseNumber(h, kGidOff, kGidLen);
  std::optional<int64_t> size = ParseNumber(h, kSizeOff, kSizeLen);
  std::optional<int64_t> mtime = ParseNumber(h, kMtimeOff, kMtimeLen);
  if (!mode || !uid || !gid || !size || !mtime || *size < 0) {
    return absl::DataLossError(
        absl::StrCat("tar entry ", Quote(entry_name), ": malformed numeric header field"));
  }
  char type = h[kTypeOff];

  auto start_data = [&](DataKind k, uint64_t content, bool has_data) {
    kind = k;
    content_left = has_data ? content : 0;
    padding_left = has_data ? Padding(content) : 0;
    phase = Phase::kData;
  };

  // Metadata entries: they describe the next entry.
  if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
    if (static_cast<uint64_t>(*size) > kMaxMetaSize) {
      return absl::DataLossError(absl::StrCat("tar entry ", Quote(entry_name), ": ", *size,
                                              "-byte extended header is implausible"));
    }
    meta.clear();
    DataKind k = type == 'x'   ? DataKind::kPax
                 : type == 'L' ? DataKind::kLongName
                 : type == 'K' ? DataKind::kLongLink
                               : DataKind::kSkip;  // global pax headers: nothing we use
    start_data(k, *size, true);
    if (content_left == 0) return EndEntry();
    return absl::OkStatus();
  }

  EntryHeader e;
  e.path = entry_name;
  e.type = type;
  e.linkname = next_linkpath.value_or(std::string(FieldString(h, kLinkOff, kLinkLen)));
  e.size = next_size.value_or(static_cast<uint64_t>(*size));
  e.mode = static_cast<uint32_t>(*mode) & 07777;
  e.uid = next_uid.value_or(static_cast<uint64_t>(*uid));
  e.gid = next_gid.value_or(static_cast<uint64_t>(*gid));
  e.mtime = next_mtime.value_or(timespec{static_cast<time_t>(*mtime), 0});
  bool sparse = next_sparse;
  next_path.reset();
  next_linkpath.reset();
  next_size.reset();
  next_uid.reset();
  next_gid.reset();
  next_mtime.reset();
  next_sparse = false;

  // A V7 directory is a regular-file entry whose name ends in '/'.
  if ((type == '0' || type == '\0') && !e.path.empty() && e.path.back() == '/') type = '5';

  absl::Status s;
  switch (type) {
    case '0':
    case '\0':
    case '7': {  // contiguous file: a regular file everywhere that matters
      if (sparse) {
        stats.skipped.push_back(absl::StrCat(e.path, ": GNU sparse file (not supported)"));
        start_data(DataKind::kSkip, e.size, true);
        break;
      }
      absl::StatusOr<std::vector<std::string>> c = SafeComponents(e.path, "path");
      if (!c.ok()) return c.status();
      if (c->empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("tar entry ", Quote(e.path), ": a file cannot be the destination itself"));
      }
      if (s = ExtractFile(*c, e); !s.ok()) return s;
      start_data(DataKind::kFile, e.size, true);
      break;
    }
    case '5':
    case 'D': {  // GNU dumpdir: a directory followed by a listing we do not need
      absl::StatusOr<std::vector<std::string>> c = SafeComponents(e.path, "path");
      if (!c.ok()) return c.status();
      if (!c->empty()) {
        if (s = ExtractDirectory(*c, e); !s.ok()) return s;
      }
      start_data(DataKind::kSkip, e.size, type == 'D');
      break;
    }
    case '2':
    case '1': {
      absl::StatusOr<std::vector<std::string>> c = SafeComponents(e.path, "path");
      if (!c.ok()) return c.status();
      if (c->empty()) {
        return absl::InvalidArgumentError(
            absl::StrCat("tar entry ", Quote(e.path), ": a link cannot be the destination itself"));
      }
      s = type == '2' ? ExtractSymlink(*c, e) : ExtractHardLink(*c, e);
      if (!s.ok()) return s;
      start_data(DataKind::kSkip, 0, false);
      break;
    }
    case '3':
    case '4':
    case '6':
      stats.skipped.push_back(
          absl::StrCat(e.path, ": ", type == '6' ? "FIFO" : "device", " (not extracted)"));
      start_data(DataKind::kSkip, 0, false);
      break;
    default:
      stats.skipped.push_back(
          absl::StrCat(e.path, ": entry type '", std::string(1, type), "' (not supported)"));
      start_data(DataKind::kSkip, e.size, true);
      break;
  }
  if (content_left == 0 && padding_left == 0) return EndEntry();
  return absl::OkStatus();
}

absl::Status TarExtractor::State::Consume(std::string_view data) {
  switch (kind) {
    case DataKind::kFile:
      while (!data.empty()) {
        ssize_t n = ::write(file.get(), data.data(), data.size());
        if (n < 0) {
          if (errno == EINTR) continue;
          return ErrnoError(errno, absl::StrCat("writing ", Quote(entry_name)));
        }
        data.remove_prefix(n);
      }
      return absl::OkStatus();
    case DataKind::kPax:
    case DataKind::kLongName:
    case DataKind::kLongLink:
      meta.append(data);
      return absl::OkStatus();
    case DataKind::kSkip:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status TarExtractor::State::EndEntry() {
  phase = Phase::kHeader;
  switch (kind) {
    case DataKind::kFile:
      return FinishFile();
    case DataKind::kPax:
      return ParsePax();
    case DataKind::kLongName:
    case DataKind::kLongLink: {
      std::string value = meta.substr(0, meta.find('\0'));
      (kind == DataKind::kLongName ? next_path : next_linkpath) = std::move(value);
      return absl::OkStatus();
    }
    case DataKind::kSkip:
      return absl::OkStatus();
  }
  return absl::OkStatus();
}

absl::Status TarExtractor::State::ParsePax() {
  std::string_view rest = meta;
  auto malformed = [&](std::string_view why) {
    return absl::DataLossError(absl::StrCat("tar entry ", Quote(entry_name),
                                            ": malformed pax header (", std::string(why), ")"));
  };
  while (!rest.empty()) {
    size_t space = rest.find(' ');
    size_t len;
    if (space == std::string_view::npos || !ParseDecimal(rest.substr(0, space), &len) ||
        len <= space + 1 || len > rest.size() || rest[len - 1] != '\n') {
      return malformed("record length");
    }
    std::string_view record = rest.substr(space + 1, len - space - 2);
    rest.remove_prefix(len);
    size_t eq = record.find('=');
    if (eq == std::string_view::npos) return malformed("record without '='");
    std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    auto number = [&](std::optional<uint64_t>& out) {
      uint64_t v;
      if (!ParseDecimal(value, &v)) return false;
      out = v;
      return true;
    };
    if (key == "path") {
      next_path = std::string(value);
    } else if (key == "linkpath") {
      next_linkpath = std::string(value);
    } else if (key == "size") {
      if (!number(next_size)) return malformed("size");
    } else if (key == "uid") {
      if (!number(next_uid)) return malformed("uid");
    } else if (key == "gid") {
      if (!number(next_gid)) return malformed("gid");
    } else if (key == "mtime") {
      next_mtime = ParsePaxTime(value);
      if (!next_mtime) return malformed("mtime");
    } else if (key.substr(0, 11) == "GNU.sparse.") {
      next_sparse = true;
    }
    // Others (atime, ctime, uname, gname, hdrcharset, SCHILY.*, LIBARCHIVE.*) are not kept.
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> TarExtractor::State::SafeComponents(
    std::string_view path, std::string_view what) const {
  auto refuse = [&](std::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("tar entry ", Quote(entry_name), ": ",
                                                   std::string(what), " ", Quote(path), " ",
                                                   std::string(why)));
  };
  if (path.empty()) return refuse("is empty");
  if (path[0] == '/') return refuse("is absolute; refusing to extract outside the destination");
  if (path.find('\0') != std::string_view::npos) return refuse("contains a NUL byte");
  std::vector<std::string> out = Components(path);
  for (const std::string& c : out) {
    if (c == "..") {
      return refuse("has a \"..\" component; refusing to extract outside the destination");
    }
  }
  return out;
}

// Opens the directory named by the first `count` components without following any symlink,
// creating missing ones when `create`: an entry can never reach outside the destination
// through a symlink, whether the archive made it or it was there before.
absl::StatusOr<Fd> TarExtractor::State::OpenDirectory(const std::vector<std::string>& components,
                                                      size_t count, bool create) const {
  Fd dir(::dup(root.get()));
  if (!dir.valid()) return ErrnoError(errno, "dup");
  for (size_t i = 0; i < count; ++i) {
    const std::string& c = components[i];
    constexpr int kFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    Fd next(::openat(dir.get(), c.c_str(), kFlags));
    if (!next.valid() && errno == ENOENT && create) {
      if (::mkdirat(dir.get(), c.c_str(), 0777) != 0 && errno != EEXIST) {
        return ErrnoError(
            errno, absl::StrCat("tar entry ", Quote(entry_name), ": mkdir ",
                                Quote(Join(components.begin(), components.begin() + i + 1))));
      }
      next = Fd(::openat(dir.get(), c.c_str(), kFlags));
    }
    if (!next.valid()) {
      int err = errno;
      std::string so_far = Join(components.begin(), components.begin() + i + 1);
      struct stat st;
      if ((err == ELOOP || err == ENOTDIR) &&
          ::fstatat(dir.get(), c.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
        if (S_ISLNK(st.st_mode)) {
          return absl::InvalidArgumentError(
              absl::StrCat("tar entry ", Quote(entry_name), ": ", Quote(so_far),
                           " is a symlink; refusing to extract through it"));
        }
        return absl::InvalidArgumentError(absl::StrCat("tar entry ", Quote(entry_name), ": ",
                                                       Quote(so_far), " is not a directory"));
      }
      return ErrnoError(err,
                        absl::StrCat("tar entry ", Quote(entry_name), ": opening ", Quote(so_far)));
    }
    dir = std::move(next);
  }
  return dir;
}

// Makes room for a new non-directory at `name`: what is there is unlinked, never written
// through (it may be a symlink, or a hard link shared with another file).
absl::Status TarExtractor::State::RemoveExisting(int parent, const std::string& name,
                                                 const std::vector<std::string>& c) const {
  if (::unlinkat(parent, name.c_str(), 0) == 0 || errno == ENOENT) return absl::OkStatus();
  if (errno == EISDIR) {
    return absl::FailedPreconditionError(absl::StrCat("tar entry ", Quote(entry_name), ": ",
                                                      Quote(Join(c)), " exists as a directory"));
  }
  return ErrnoError(errno,
                    absl::StrCat("tar entry ", Quote(entry_name), ": replacing ", Quote(Join(c))));
}

absl::Status TarExtractor::State::ExtractFile(const std::vector<std::string>& c,
                                              const EntryHeader& e) {
  absl::StatusOr<Fd> parent = OpenDirectory(c, c.size() - 1, /*create=*/true);
  if (!parent.ok()) return parent.status();
  if (absl::Status s = RemoveExisting(parent->get(), c.back(), c); !s.ok()) return s;
  // 0600 until complete: a half-written file is never readable by others or executable.
  file = Fd(::openat(parent->get(), c.back().c_str(),
                     O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!file.valid()) {
    return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": creating file"));
  }
  file_mode = e.mode;
  file_uid = e.uid;
  file_gid = e.gid;
  file_mtime = e.mtime;
  file_size = e.size;
  return absl::OkStatus();
}

absl::Status TarExtractor::State::FinishFile() {
  Owner(file.get(), "", AT_EMPTY_PATH, file_uid, file_gid);  // before chmod: chown clears setuid
  if (::fchmod(file.get(), file_mode) != 0) {
    return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": chmod"));
  }
  struct timespec times[2] = {{0, UTIME_OMIT}, file_mtime};
  if (::futimens(file.get(), times) != 0) {
    return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": setting mtime"));
  }
  if (file.Close() != 0) {
    return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": close"));
  }
  ++stats.files;
  stats.bytes += static_cast<int64_t>(file_size);
  return absl::OkStatus();
}

absl::Status TarExtractor::State::ExtractDirectory(const std::vector<std::string>& c,
                                                   const EntryHeader& e) {
  absl::StatusOr<Fd> parent = OpenDirectory(c, c.size() - 1, /*create=*/true);
  if (!parent.ok()) return parent.status();
  if (::mkdirat(parent->get(), c.back().c_str(), 0700) != 0) {
    if (errno != EEXIST) {
      return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": mkdir"));
    }
    struct stat st;
    if (::fstatat(parent->get(), c.back().c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": stat"));
    }
    if (!S_ISDIR(st.st_mode)) {
      return absl::InvalidArgumentError(
          absl::StrCat("tar entry ", Quote(entry_name), ": ", Quote(Join(c)),
                       S_ISLNK(st.st_mode) ? " is a symlink; refusing to extract through it"
                                           : " exists and is not a directory"));
    }
  }
  directories.push_back({c, e.mode, e.uid, e.gid, e.mtime});
  ++stats.directories;
  return absl::OkStatus();
}

absl::Status TarExtractor::State::ExtractSymlink(const std::vector<std::string>& c,
                                                 const EntryHeader& e) {
  if (e.linkname.empty() || e.linkname.find('\0') != std::string::npos) {
    return absl::DataLossError(
        absl::StrCat("tar entry ", Quote(entry_name), ": symlink with an empty target"));
  }
  absl::StatusOr<Fd> parent = OpenDirectory(c, c.size() - 1, /*create=*/true);
  if (!parent.ok()) return parent.status();
  if (absl::Status s = RemoveExisting(parent->get(), c.back(), c); !s.ok()) return s;
  // The target is stored as it was; it is never followed while extracting.
  if (::symlinkat(e.linkname.c_str(), parent->get(), c.back().c_str()) != 0) {
    return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": symlink"));
  }
  Owner(parent->get(), c.back(), AT_SYMLINK_NOFOLLOW, e.uid, e.gid);
  struct timespec times[2] = {{0, UTIME_OMIT}, e.mtime};
  if (::utimensat(parent->get(), c.back().c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) {
    return ErrnoError(errno, absl::StrCat("tar entry ", Quote(entry_name), ": setting mtime"));
  }
  ++stats.symlinks;
  return absl::OkStatus();
}

absl::Status TarExtractor::State::ExtractHardLink(const std::vector<std::string>& c,
                                                  const EntryHeader& e) {
  // The target must be a path inside the destination reached without symlinks, like any
  // entry's; linkat does not follow a symlink target itself.
  absl::StatusOr<std::vector<std::string>> target = SafeComponents(e.linkname, "hard link target");
  if (!target.ok()) return target.status();
  if (target->empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("tar entry ", Quote(entry_name), ": hard link to the destination directory"));
  }
  absl::StatusOr<Fd> target_parent = OpenDirectory(*target, target->size() - 1, false);
  if (!target_parent.ok()) return target_parent.status();
  absl::StatusOr<Fd> parent = OpenDirectory(c, c.size() - 1, /*create=*/true);
  if (!parent.ok()) return parent.status();
  if (*target == c) return absl::OkStatus();  // a link to itself: already there
  if (absl::Status s = RemoveExisting(parent->get(), c.back(), c); !s.ok()) return s;
  if (::linkat(target_parent->get(), target->back().c_str(), parent->get(), c.back().c_str(), 0) !=
      0) {
    return ErrnoError(
        errno, absl::StrCat("tar entry ", Quote(entry_name), ": hard link to ", Quote(e.linkname)));
  }
  ++stats.files;
  return absl::OkStatus();
}

absl::Status TarExtractor::State::ApplyDirectories() {
  // Last first: children come after their parents in an archive, so a directory's mtime is
  // set after everything in it, and a parent made read-only last.
  for (auto it = directories.rbegin(); it != directories.rend(); ++it) {
    entry_name = Join(it->components);
    absl::StatusOr<Fd> dir = OpenDirectory(it->components, it->components.size(), false);
    if (!dir.ok()) return dir.status();
    Owner(dir->get(), "", AT_EMPTY_PATH, it->uid, it->gid);
    if (::fchmod(dir->get(), it->mode) != 0) {
      return ErrnoError(errno, absl::StrCat("chmod directory ", Quote(entry_name)));
    }
    struct timespec times[2] = {{0, UTIME_OMIT}, it->mtime};
    if (::futimens(dir->get(), times) != 0) {
      return ErrnoError(errno, absl::StrCat("setting mtime of directory ", Quote(entry_name)));
    }
  }
  directories.clear();
  return absl::OkStatus();
}

}  // namespace upkeep::backup
