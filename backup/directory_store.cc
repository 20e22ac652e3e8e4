#include "backup/directory_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <system_error>

namespace upkeep::backup {
namespace {

namespace fs = std::filesystem;

constexpr size_t kReadBlock = 256 * 1024;
constexpr size_t kMaxManifestBytes = 1 << 20;
constexpr char kPartialSuffix[] = ".partial";

absl::Status ErrnoStatus(int err, const std::string& what) {
  std::string message = what + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT || err == EFBIG) {
    return absl::ResourceExhaustedError("the destination is full: " + message);
  }
  if (err == ENOENT) return absl::NotFoundError(message);
  if (err == EEXIST) return absl::AlreadyExistsError(message);
  if (err == EACCES || err == EPERM || err == EROFS) return absl::PermissionDeniedError(message);
  return absl::UnavailableError(message);
}

absl::Status FsyncPath(const std::string& path, int flags) {
  int fd = ::open(path.c_str(), flags | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  int rc = ::fsync(fd);
  int err = errno;
  ::close(fd);
  if (rc != 0) return ErrnoStatus(err, "fsync " + path);
  return absl::OkStatus();
}

absl::Status FsyncDir(const std::string& dir) { return FsyncPath(dir, O_RDONLY | O_DIRECTORY); }

absl::Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoStatus(errno, "write " + path);
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return absl::OkStatus();
}

absl::Status MakeDir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return ErrnoStatus(errno, "mkdir " + dir);
  }
  return absl::OkStatus();
}

// Writes `path` atomically with `content` (0600): temp file, fsync, rename, fsync dir.
absl::Status WriteFileAtomically(const std::string& dir, const std::string& name,
                                 std::string_view content) {
  const std::string path = dir + "/" + name;
  const std::string partial = path + kPartialSuffix;
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "create " + partial);
  absl::Status status = WriteAll(fd, content, partial);
  if (status.ok() && ::fsync(fd) != 0) status = ErrnoStatus(errno, "fsync " + partial);
  ::close(fd);
  if (status.ok() && ::rename(partial.c_str(), path.c_str()) != 0) {
    status = ErrnoStatus(errno, "rename " + partial);
  }
  if (!status.ok()) {
    ::unlink(partial.c_str());
    return status;
  }
  return FsyncDir(dir);
}

// A small JSON file (a manifest, a verification record); "" problem when fine.
std::optional<nlohmann::json> ReadSmallJson(const std::string& path, std::string& problem) {
  std::error_code ec;
  const auto size = fs::file_size(path, ec);
  if (ec) return std::nullopt;
  if (size > kMaxManifestBytes) {
    problem = "larger than 1 MiB";
    return std::nullopt;
  }
  std::string text(size, '\0');
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  bool read = fd >= 0 && ::read(fd, text.data(), text.size()) == static_cast<ssize_t>(size);
  if (fd >= 0) ::close(fd);
  if (!read) {
    problem = "unreadable";
    return std::nullopt;
  }
  return nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
}

class FileArtifactWriter final : public ArtifactWriter {
 public:
  FileArtifactWriter(int fd, std::string dir, std::string name)
      : fd_(fd), dir_(std::move(dir)), path_(dir_ + "/" + name), partial_(path_ + kPartialSuffix) {}
  ~FileArtifactWriter() override {
    if (!finished_) Abort();
  }

  absl::Status Write(std::string_view data) override {
    if (fd_ < 0) return absl::FailedPreconditionError("write to a closed artifact " + path_);
    absl::Status status = WriteAll(fd_, data, partial_);
    if (!status.ok()) Abort();  // a full disk: free what this run took at once
    return status;
  }

  absl::Status Finish() override {
    if (fd_ < 0) return absl::FailedPreconditionError("finish of a closed artifact " + path_);
    absl::Status status;
    if (::fsync(fd_) != 0) status = ErrnoStatus(errno, "fsync " + partial_);
    ::close(fd_);
    fd_ = -1;
    if (status.ok() && ::rename(partial_.c_str(), path_.c_str()) != 0) {
      status = ErrnoStatus(errno, "rename " + partial_);
    }
    if (status.ok()) status = FsyncDir(dir_);
    if (!status.ok()) {
      Abort();
      return status;
    }
    finished_ = true;
    return absl::OkStatus();
  }

  void Abort() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(partial_.c_str());
    if (finished_) ::unlink(path_.c_str());
    finished_ = true;  // nothing left to clean up
  }

 private:
  int fd_;
  const std::string dir_;
  const std::string path_;
  const std::string partial_;
  bool finished_ = false;
};

}  // namespace

absl::StatusOr<std::unique_ptr<DirectoryStore>> DirectoryStore::Open(const std::string& root) {
  if (root.empty() || root.front() != '/') {
    return absl::InvalidArgumentError("destination path \"" + root + "\" is not absolute");
  }
  std::error_code ec;
  fs::create_directories(root, ec);
  if (ec) return ErrnoStatus(ec.value(), "create " + root);
  std::string normal = fs::path(root).lexically_normal().string();
  while (normal.size() > 1 && normal.back() == '/') normal.pop_back();
  return std::unique_ptr<DirectoryStore>(new DirectoryStore(normal));
}

std::string DirectoryStore::Location() const { return "file://" + root_; }

absl::StatusOr<std::unique_ptr<ArtifactWriter>> DirectoryStore::CreateArtifact(
    const std::string& id, const std::string& name) {
  if (!IsSafeName(id) || !IsSafeName(name) || name == kManifestFileName) {
    return absl::InvalidArgumentError("unsafe backup id or artifact name: \"" + id + "/" +
                                      name + "\"");
  }
  const std::string dir = root_ + "/" + id;
  if (absl::Status made = MakeDir(dir); !made.ok()) return made;
  const std::string path = dir + "/" + name;
  if (::access(path.c_str(), F_OK) == 0) {
    return absl::AlreadyExistsError("artifact " + path + " already exists");
  }
  const std::string partial = path + kPartialSuffix;
  int fd = ::open(partial.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return ErrnoStatus(errno, "create " + partial);
  return std::unique_ptr<ArtifactWriter>(new FileArtifactWriter(fd, dir, name));
}

absl::Status DirectoryStore::CommitManifest(const BackupManifest& manifest) {
  if (!IsSafeName(manifest.id)) {
    return absl::InvalidArgumentError("unsafe backup id \"" + manifest.id + "\"");
  }
  const std::string dir = root_ + "/" + manifest.id;
  for (const ArtifactRecord& artifact : manifest.artifacts) {
    struct stat st{};
    const std::string path = dir + "/" + artifact.name;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "artifact " + path);
    if (static_cast<uint64_t>(st.st_size) != artifact.size_bytes) {
      return absl::DataLossError("artifact " + path + " holds " + std::to_string(st.st_size) +
                                 " bytes, the manifest says " +
                                 std::to_string(artifact.size_bytes));
    }
  }
  return WriteFileAtomically(dir, kManifestFileName, ManifestToJson(manifest).dump(2) + "\n");
}

absl::StatusOr<std::vector<BackupManifest>> DirectoryStore::ListBackups(
    std::vector<std::string>* problems) {
  std::vector<BackupManifest> backups;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_, ec)) {
    if (!entry.is_directory() || entry.is_symlink()) continue;
    const std::string id = entry.path().filename().string();
    const std::string path = entry.path().string() + "/" + kManifestFileName;
    auto note = [&](const std::string& file, const std::string& problem) {
      if (problems) problems->push_back(file + ": " + problem);
    };
    std::string problem;
    std::optional<nlohmann::json> json = ReadSmallJson(path, problem);
    if (!json) {
      if (!problem.empty()) note(path, problem);
      continue;  // no manifest: not a backup (yet)
    }
    auto manifest = ManifestFromJson(*json);
    if (!manifest.ok()) {
      note(path, std::string(manifest.status().message()));
      continue;
    }
    if (manifest->id != id) {
      note(path, "its id \"" + manifest->id + "\" is not its folder's name");
      continue;
    }
    const std::string verification_path = entry.path().string() + "/" + kVerificationFileName;
    problem.clear();
    if (auto verification = ReadSmallJson(verification_path, problem)) {
      auto record = VerificationFromJson(*verification);
      if (record.ok()) {
        manifest->verification = std::move(*record);
      } else {
        note(verification_path, std::string(record.status().message()));
      }
    } else if (!problem.empty()) {
      note(verification_path, problem);
    }
    backups.push_back(std::move(*manifest));
  }
  if (ec) return ErrnoStatus(ec.value(), "list " + root_);
  std::sort(backups.begin(), backups.end(), [](const BackupManifest& a, const BackupManifest& b) {
    return std::tie(a.completion_time, a.id) < std::tie(b.completion_time, b.id);
  });
  return backups;
}

absl::Status DirectoryStore::ReadArtifact(const std::string& id, const std::string& name,
                                          ByteSink& out) {
  if (!IsSafeName(id) || !IsSafeName(name)) {
    return absl::InvalidArgumentError("unsafe backup id or artifact name: \"" + id + "/" +
                                      name + "\"");
  }
  const std::string path = root_ + "/" + id + "/" + name;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ErrnoStatus(errno, "open " + path);
  std::string block(kReadBlock, '\0');
  absl::Status status;
  for (;;) {
    ssize_t n = ::read(fd, block.data(), block.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      status = ErrnoStatus(errno, "read " + path);
      break;
    }
    if (n == 0) break;
    status = out.Write(std::string_view(block.data(), static_cast<size_t>(n)));
    if (!status.ok()) break;
  }
  ::close(fd);
  if (!status.ok()) return status;
  return out.Finish();
}

absl::Status DirectoryStore::RecordVerification(const std::string& id,
                                               const VerificationRecord& record) {
  if (!IsSafeName(id)) return absl::InvalidArgumentError("unsafe backup id \"" + id + "\"");
  const std::string dir = root_ + "/" + id;
  if (::access((dir + "/" + kManifestFileName).c_str(), F_OK) != 0) {
    return absl::NotFoundError("backup " + id + " is not at " + Location());
  }
  return WriteFileAtomically(dir, kVerificationFileName,
                             VerificationToJson(record).dump(2) + "\n");
}

absl::Status DirectoryStore::DeleteBackup(const std::string& id) {
  if (!IsSafeName(id)) return absl::InvalidArgumentError("unsafe backup id \"" + id + "\"");
  const std::string dir = root_ + "/" + id;
  const std::string manifest = dir + "/" + kManifestFileName;
  if (::unlink(manifest.c_str()) != 0) return ErrnoStatus(errno, "delete " + manifest);
  if (absl::Status synced = FsyncDir(dir); !synced.ok()) return synced;
  std::error_code ec;
  fs::remove_all(dir, ec);
  if (ec) return ErrnoStatus(ec.value(), "delete " + dir);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> DirectoryStore::RemoveIncomplete(
    const std::set<std::string>& in_progress) {
  std::vector<std::string> removed;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(root_, ec)) {
    if (!entry.is_directory() || entry.is_symlink()) continue;
    const std::string id = entry.path().filename().string();
    if (!IsSafeName(id) || in_progress.contains(id)) continue;
    std::error_code exists_ec;
    if (fs::exists(entry.path() / kManifestFileName, exists_ec)) continue;
    std::error_code remove_ec;
    fs::remove_all(entry.path(), remove_ec);
    if (remove_ec) return ErrnoStatus(remove_ec.value(), "delete " + entry.path().string());
    removed.push_back(id);
  }
  if (ec) return ErrnoStatus(ec.value(), "list " + root_);
  std::sort(removed.begin(), removed.end());
  return removed;
}

}  // namespace upkeep::backup
