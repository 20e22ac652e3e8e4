#include "cmd/upkeep/atomic_file_set.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <system_error>

namespace upkeep::cmd {
namespace {

namespace fs = std::filesystem;

bool IsPlainName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos;
}

absl::Status EnsureDirectory(const fs::path& dir) {
  std::error_code ec;
  fs::file_status status = fs::status(dir, ec);
  if (fs::exists(status)) {
    if (!fs::is_directory(status)) {
      return absl::FailedPreconditionError(dir.string() + " exists and is not a directory");
    }
    return absl::OkStatus();
  }
  if (!fs::create_directories(dir, ec) && ec) {
    return absl::ErrnoToStatus(ec.value(), "creating directory " + dir.string());
  }
  // The umask may have taken more away; readers running as another user (nginx workers)
  // need to reach the certificates in it.
  if (::chmod(dir.c_str(), 0755) != 0) {
    return absl::ErrnoToStatus(errno, "setting the mode of " + dir.string());
  }
  return absl::OkStatus();
}

// Writes `file` to a new hidden temporary file in `dir`, fsync'ed, with its final mode; the
// temporary's path goes to `temp_path` as soon as it exists, so the caller can remove it.
absl::Status WriteTemporary(const fs::path& dir, const FileToWrite& file, std::string* temp_path) {
  std::string pattern = (dir / ("." + file.name + ".upkeep-XXXXXX")).string();
  // mkostemp creates the file 0600 and fails rather than open an existing one.
  int fd = ::mkostemp(pattern.data(), O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "creating a temporary file in " + dir.string());
  *temp_path = pattern;
  auto fail = [&](const std::string& what) {
    int saved = errno;
    ::close(fd);
    return absl::ErrnoToStatus(saved, what + " " + pattern);
  };
  if (::fchmod(fd, file.mode) != 0) return fail("setting the mode of");
  const char* data = file.contents.data();
  size_t left = file.contents.size();
  while (left > 0) {
    ssize_t n = ::write(fd, data, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return fail("writing");
    }
    data += n;
    left -= static_cast<size_t>(n);
  }
  if (::fsync(fd) != 0) return fail("flushing");
  if (::close(fd) != 0) return absl::ErrnoToStatus(errno, "closing " + pattern);
  return absl::OkStatus();
}

void RemoveAll(const std::vector<std::string>& paths) {
  for (const std::string& p : paths) {
    if (!p.empty()) ::unlink(p.c_str());
  }
}

absl::Status SyncDirectory(const fs::path& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return absl::ErrnoToStatus(errno, "opening " + dir.string() + " to flush it");
  int rc = ::fsync(fd);
  int saved = errno;
  ::close(fd);
  if (rc != 0) return absl::ErrnoToStatus(saved, "flushing directory " + dir.string());
  return absl::OkStatus();
}

}  // namespace

absl::Status ReplaceFilesAtomically(const fs::path& dir, const std::vector<FileToWrite>& files) {
  for (const FileToWrite& file : files) {
    if (!IsPlainName(file.name)) {
      return absl::InvalidArgumentError("\"" + file.name + "\" is not a file name");
    }
  }
  if (absl::Status st = EnsureDirectory(dir); !st.ok()) return st;
  // A folder in a file's place would fail only at its rename, after others were replaced.
  for (const FileToWrite& file : files) {
    std::error_code ec;
    if (fs::is_directory(fs::symlink_status(dir / file.name, ec))) {
      return absl::FailedPreconditionError((dir / file.name).string() +
                                           " is a directory, not a file");
    }
  }

  std::vector<std::string> temps(files.size());
  for (size_t i = 0; i < files.size(); ++i) {
    if (absl::Status st = WriteTemporary(dir, files[i], &temps[i]); !st.ok()) {
      RemoveAll(temps);
      return st;
    }
  }
  // Back to back, so a reader sees a mixed set only for the time between two renames.
  for (size_t i = 0; i < files.size(); ++i) {
    std::string target = (dir / files[i].name).string();
    if (::rename(temps[i].c_str(), target.c_str()) != 0) {
      int saved = errno;
      RemoveAll(std::vector<std::string>(temps.begin() + static_cast<long>(i), temps.end()));
      std::string replaced;
      for (size_t j = 0; j < i; ++j) replaced += (j ? ", " : "") + files[j].name;
      return absl::ErrnoToStatus(
          saved, "renaming " + temps[i] + " to " + target +
                     " (already replaced: " + (replaced.empty() ? "none" : replaced) + ")");
    }
  }
  return SyncDirectory(dir);
}

}  // namespace upkeep::cmd
