// SqliteBackend: the durable StorageBackend behind `upkeep apiserver --data-dir`.
//
// Objects live in one SQLite file, <data_dir>/upkeep.db, in WAL mode with synchronous=NORMAL:
// a Put or Delete that returned OK has been written to the WAL by the kernel, so it survives
// kill -9 (or a crash) of this process. It does NOT survive power loss or an OS crash: the
// WAL is not fsync'd on every commit, so the last few acknowledged writes may be lost then
// (the file stays consistent). That trade is deliberate: an fsync per write would cap
// throughput at the disk's flush rate, and the requirement is process-crash durability.
//
// Only one server may use a data dir at a time: Open takes an exclusive flock on
// <data_dir>/upkeep.lock and fails if another process (or another SqliteBackend in this
// process) holds it. The directory is created 0700 and the files 0600, because objects
// include Secrets.
//
// Thread safety: not thread-safe. The store calls it with its write lock held (see
// storage_backend.h); concurrent calls must be serialized by the caller.
#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "apiserver/store/storage_backend.h"

struct sqlite3;
struct sqlite3_stmt;

namespace upkeep::apiserver {

class SqliteBackend final : public StorageBackend {
 public:
  // Creates `data_dir` (mode 0700, with any missing parents) if it does not exist, locks it,
  // and opens or creates <data_dir>/upkeep.db. Errors name the file and say why, e.g.
  //   FailedPrecondition "cannot open data dir /x/upkeep.db: file is not a database"
  //   FailedPrecondition "data dir /x is in use by another upkeep apiserver (/x/upkeep.lock
  //                       is locked)"
  static absl::StatusOr<std::unique_ptr<SqliteBackend>> Open(const std::string& data_dir);

  SqliteBackend(const SqliteBackend&) = delete;
  SqliteBackend& operator=(const SqliteBackend&) = delete;
  // Closes the database (checkpointing the WAL into the main file) and releases the lock.
  ~SqliteBackend() override = default;

  absl::Status LoadAll(
      const std::function<void(std::string_view key, std::string_view json)>& visit,
      uint64_t* last_resource_version) override;
  absl::Status Put(std::string_view key, std::string_view json, uint64_t resource_version) override;
  absl::Status Delete(std::string_view key, uint64_t resource_version) override;

  // <data_dir>/upkeep.db, for messages.
  const std::string& db_path() const { return db_path_; }

 private:
  struct StatementDeleter {
    void operator()(sqlite3_stmt* statement) const;
  };
  using Statement = std::unique_ptr<sqlite3_stmt, StatementDeleter>;
  struct DatabaseCloser {
    void operator()(sqlite3* db) const;
  };

  // Owns the descriptor holding the data dir's flock; closing it releases the lock.
  class LockFile {
   public:
    explicit LockFile(int fd) : fd_(fd) {}
    LockFile(const LockFile&) = delete;
    LockFile& operator=(const LockFile&) = delete;
    ~LockFile();

   private:
    int fd_;
  };

  SqliteBackend(std::string db_path, std::unique_ptr<LockFile> lock);

  // Creates the schema and prepares the statements below.
  absl::Status Initialize();
  absl::StatusOr<Statement> Prepare(std::string_view sql);
  // Steps `write` (already bound) and raises the last resourceVersion in one transaction, so
  // an object and the version that wrote it are durable together or not at all.
  absl::Status WriteInTransaction(std::string_view what, std::string_view key, sqlite3_stmt* write,
                                  int64_t resource_version);
  // An error naming the file, the operation and SQLite's message for `rc`.
  absl::Status SqliteError(int rc, std::string_view what) const;

  // Constant after construction. Declaration order matters: members are destroyed in
  // reverse, so statements are finalized before the database closes, and the lock is
  // released only after the database is closed (and its WAL checkpointed).
  const std::string db_path_;
  const std::unique_ptr<LockFile> lock_;
  std::unique_ptr<sqlite3, DatabaseCloser> db_;
  Statement begin_;
  Statement commit_;
  Statement rollback_;
  Statement upsert_object_;
  Statement delete_object_;
  Statement raise_last_resource_version_;
  Statement select_objects_;
  Statement select_last_resource_version_;
};

}  // namespace upkeep::apiserver
