#include "apiserver/store/sqlite_backend.h"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <limits>
#include <utility>

namespace upkeep::apiserver {
namespace {

constexpr char kDatabaseFileName[] = "upkeep.db";
constexpr char kLockFileName[] = "upkeep.lock";
// Bumped when the table layout changes, so an older binary refuses a newer file instead of
// misreading it.
constexpr int kSchemaVersion = 1;
// How long a statement waits for a lock held by someone else (e.g. `sqlite3 upkeep.db`
// opened by an operator to inspect the file) before failing with SQLITE_BUSY.
constexpr int kBusyTimeoutMs = 5000;

std::string ErrnoMessage(int error_number) { return std::strerror(error_number); }

std::string JoinPath(const std::string& dir, std::string_view name) {
  if (!dir.empty() && dir.back() == '/') return dir + std::string(name);
  return dir + "/" + std::string(name);
}

// mkdir -p with mode 0700 for every directory it creates; existing directories keep their
// mode, since an operator may have chosen it on purpose.
absl::Status MakeDirectories(const std::string& dir) {
  if (dir.empty()) return absl::InvalidArgumentError("data dir must not be empty");
  for (size_t end = 1; end <= dir.size(); ++end) {
    if (end != dir.size() && dir[end] != '/') continue;
    std::string prefix = dir.substr(0, end);
    if (mkdir(prefix.c_str(), 0700) == 0 || errno == EEXIST) continue;
    return absl::FailedPreconditionError("cannot create data dir " + dir + ": " +
                                         ErrnoMessage(errno));
  }
  struct stat info;
  if (stat(dir.c_str(), &info) != 0) {
    return absl::FailedPreconditionError("cannot create data dir " + dir + ": " +
                                         ErrnoMessage(errno));
  }
  if (!S_ISDIR(info.st_mode)) {
    return absl::FailedPreconditionError("cannot use data dir " + dir +
                                         ": it exists and is not a directory");
  }
  return absl::OkStatus();
}

absl::Status StatusForSqliteCode(int rc, std::string message) {
  switch (rc & 0xff) {  // The primary code; extended codes only refine it.
    case SQLITE_FULL:
      return absl::ResourceExhaustedError(std::move(message));
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(std::move(message));
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return absl::DataLossError(std::move(message));
    default:
      return absl::InternalError(std::move(message));
  }
}

// SQLite binds a null pointer as SQL NULL, so an empty string_view (whose data() may be
// null) is bound through a non-null empty string instead.
int BindText(sqlite3_stmt* statement, int index, std::string_view text) {
  return sqlite3_bind_text64(statement, index, text.empty() ? "" : text.data(), text.size(),
                             SQLITE_STATIC, SQLITE_UTF8);
}

// Returns a prepared statement to its initial state when the call that used it ends, so
// the next call can reuse it and it holds no read snapshot in between.
class ResetOnExit {
 public:
  explicit ResetOnExit(sqlite3_stmt* statement) : statement_(statement) {}
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;
  ~ResetOnExit() {
    sqlite3_reset(statement_);
    sqlite3_clear_bindings(statement_);
  }

 private:
  sqlite3_stmt* statement_;
};

absl::StatusOr<int64_t> ToSqliteInteger(uint64_t resource_version) {
  if (resource_version > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
    return absl::InvalidArgumentError("resourceVersion " + std::to_string(resource_version) +
                                      " does not fit in a signed 64-bit integer");
  }
  return static_cast<int64_t>(resource_version);
}

}  // namespace

void SqliteBackend::StatementDeleter::operator()(sqlite3_stmt* statement) const {
  sqlite3_finalize(statement);
}

void SqliteBackend::DatabaseCloser::operator()(sqlite3* db) const { sqlite3_close_v2(db); }

SqliteBackend::LockFile::~LockFile() { close(fd_); }

SqliteBackend::SqliteBackend(std::string db_path, std::unique_ptr<LockFile> lock)
    : db_path_(std::move(db_path)), lock_(std::move(lock)) {}

absl::StatusOr<std::unique_ptr<SqliteBackend>> SqliteBackend::Open(const std::string& data_dir) {
  if (absl::Status made = MakeDirectories(data_dir); !made.ok()) return made;

  // The lock is taken before the database is touched, so a second server never reads a
  // file another one is writing. flock locks belong to the open file description, so a
  // second Open in this same process is refused too; the kernel drops the lock when the
  // process dies, so kill -9 never leaves a stale lock behind.
  const std::string lock_path = JoinPath(data_dir, kLockFileName);
  int lock_fd = open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (lock_fd < 0) {
    return absl::FailedPreconditionError("cannot open data dir lock " + lock_path + ": " +
                                         ErrnoMessage(errno));
  }
  auto lock = std::make_unique<LockFile>(lock_fd);
  if (flock(lock_fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return absl::FailedPreconditionError("data dir " + data_dir +
                                           " is in use by another upkeep apiserver (" + lock_path +
                                           " is locked)");
    }
    return absl::FailedPreconditionError("cannot lock data dir " + lock_path + ": " +
                                         ErrnoMessage(errno));
  }

  // Created here rather than by SQLite so that it is 0600: SQLite would create it 0644, and
  // gives its -wal and -shm files the same mode as the database file.
  std::string db_path = JoinPath(data_dir, kDatabaseFileName);
  int db_fd = open(db_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (db_fd < 0) {
    return absl::FailedPreconditionError("cannot open data dir " + db_path + ": " +
                                         ErrnoMessage(errno));
  }
  close(db_fd);

  std::unique_ptr<SqliteBackend> backend(new SqliteBackend(std::move(db_path), std::move(lock)));
  sqlite3* db = nullptr;
  // NOMUTEX: the caller serializes every call (see the header), so SQLite's own mutex would
  // only cost time.
  int rc = sqlite3_open_v2(backend->db_path_.c_str(), &db,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, nullptr);
  backend->db_.reset(db);  // Closed even when opening failed, as SQLite requires.
  if (rc != SQLITE_OK) {
    std::string message = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    return absl::FailedPreconditionError("cannot open data dir " + backend->db_path_ + ": " +
                                         message);
  }
  if (absl::Status initialized = backend->Initialize(); !initialized.ok()) {
    return absl::FailedPreconditionError("cannot open data dir " + backend->db_path_ + ": " +
                                         std::string(initialized.message()));
  }
  return backend;
}

absl::Status SqliteBackend::Initialize() {
  sqlite3* db = db_.get();
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, kBusyTimeoutMs);

  // SQLite reads the file lazily, so this first statement is where a file that is not a
  // database (or is unreadable) is discovered.
  auto exec = [db](const char* sql) -> absl::Status {
    char* error = nullptr;
    int rc = sqlite3_exec(db, sql, nullptr, nullptr, &error);
    if (rc == SQLITE_OK) return absl::OkStatus();
    std::string message = error != nullptr ? error : sqlite3_errstr(rc);
    sqlite3_free(error);
    return StatusForSqliteCode(rc, std::move(message));
  };

  std::string journal_mode;
  {
    char* error = nullptr;
    int rc = sqlite3_exec(
        db, "PRAGMA journal_mode=WAL",
        [](void* out, int columns, char** values, char**) {
          if (columns > 0 && values[0] != nullptr) *static_cast<std::string*>(out) = values[0];
          return 0;
        },
        &journal_mode, &error);
    if (rc != SQLITE_OK) {
      std::string message = error != nullptr ? error : sqlite3_errstr(rc);
      sqlite3_free(error);
      return StatusForSqliteCode(rc, std::move(message));
    }
  }
  if (journal_mode != "wal") {
    return absl::FailedPreconditionError("cannot switch to WAL mode (journal_mode is \"" +
                                         journal_mode + "\")");
  }

  // In WAL mode, NORMAL writes each commit to the WAL without fsync: durable against a
  // process crash, not against power loss (see the header).
  if (absl::Status s = exec("PRAGMA synchronous=NORMAL"); !s.ok()) return s;

  absl::StatusOr<Statement> user_version = Prepare("PRAGMA user_version");
  if (!user_version.ok()) return user_version.status();
  if (int rc = sqlite3_step(user_version->get()); rc != SQLITE_ROW) {
    return StatusForSqliteCode(rc, sqlite3_errmsg(db));
  }
  const int file_version = sqlite3_column_int(user_version->get(), 0);
  user_version->reset();
  if (file_version > kSchemaVersion) {
    return absl::FailedPreconditionError(
        "written by a newer upkeep (schema version " + std::to_string(file_version) +
        ", this binary understands up to " + std::to_string(kSchemaVersion) + ")");
  }

  if (absl::Status s =
          exec("BEGIN IMMEDIATE;"
               "CREATE TABLE IF NOT EXISTS objects ("
               "  key TEXT PRIMARY KEY NOT NULL, json TEXT NOT NULL, rv INTEGER NOT NULL"
               ") WITHOUT ROWID;"
               // One row: the highest resourceVersion ever issued, kept apart from `objects` so
               // deleting the newest object does not let a restarted server reuse its version.
               "CREATE TABLE IF NOT EXISTS meta ("
               "  id INTEGER PRIMARY KEY CHECK (id = 0), last_rv INTEGER NOT NULL"
               ");"
               "INSERT OR IGNORE INTO meta (id, last_rv) VALUES (0, 0);"
               "PRAGMA user_version = 1;"
               "COMMIT;");
      !s.ok()) {
    exec("ROLLBACK").IgnoreError();
    return s;
  }

  struct {
    Statement* statement;
    const char* sql;
  } const statements[] = {
      {&begin_, "BEGIN IMMEDIATE"},
      {&commit_, "COMMIT"},
      {&rollback_, "ROLLBACK"},
      {&upsert_object_, "INSERT OR REPLACE INTO objects (key, json, rv) VALUES (?1, ?2, ?3)"},
      {&delete_object_, "DELETE FROM objects WHERE key = ?1"},
      {&raise_last_resource_version_, "UPDATE meta SET last_rv = max(last_rv, ?1) WHERE id = 0"},
      {&select_objects_, "SELECT key, json FROM objects"},
      // The max over `objects` only matters if the file was edited by hand; meta is always
      // raised in the same transaction as the object write.
      {&select_last_resource_version_,
       "SELECT max(last_rv, (SELECT coalesce(max(rv), 0) FROM objects)) FROM meta WHERE id = 0"},
  };
  for (const auto& [statement, sql] : statements) {
    absl::StatusOr<Statement> prepared = Prepare(sql);
    if (!prepared.ok()) return prepared.status();
    *statement = *std::move(prepared);
  }
  return absl::OkStatus();
}

absl::StatusOr<SqliteBackend::Statement> SqliteBackend::Prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                              SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  Statement owned(statement);
  if (rc != SQLITE_OK) {
    return StatusForSqliteCode(
        rc, std::string(sqlite3_errmsg(db_.get())) + " (preparing \"" + std::string(sql) + "\")");
  }
  return owned;
}

absl::Status SqliteBackend::SqliteError(int rc, std::string_view what) const {
  return StatusForSqliteCode(
      rc, db_path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_.get()));
}

absl::Status SqliteBackend::WriteInTransaction(std::string_view what, std::string_view key,
                                               sqlite3_stmt* write, int64_t resource_version) {
  const std::string operation = std::string(what) + " \"" + std::string(key) + "\"";

  ResetOnExit reset_write(write);
  ResetOnExit reset_raise(raise_last_resource_version_.get());
  ResetOnExit reset_begin(begin_.get());
  ResetOnExit reset_commit(commit_.get());

  if (int rc = sqlite3_step(begin_.get()); rc != SQLITE_DONE) {
    return SqliteError(rc, operation + " (begin)");
  }
  int rc = sqlite3_step(write);
  if (rc == SQLITE_DONE) {
    sqlite3_bind_int64(raise_last_resource_version_.get(), 1, resource_version);
    rc = sqlite3_step(raise_last_resource_version_.get());
  }
  if (rc == SQLITE_DONE) {
    // Reset before COMMIT so no statement of this transaction is still considered running.
    sqlite3_reset(write);
    sqlite3_reset(raise_last_resource_version_.get());
    rc = sqlite3_step(commit_.get());
    if (rc == SQLITE_DONE) return absl::OkStatus();
  }

  // Taken before anything else runs on the connection, which would replace SQLite's message.
  absl::Status error = SqliteError(rc, operation);
  // A failed statement or COMMIT may leave the transaction open; end it so the next write
  // starts clean. (SQLite may also have rolled back on its own, e.g. on SQLITE_FULL.)
  if (sqlite3_get_autocommit(db_.get()) == 0) {
    ResetOnExit reset_rollback(rollback_.get());
    sqlite3_step(rollback_.get());
  }
  return error;
}

absl::Status SqliteBackend::Put(std::string_view key, std::string_view json,
                                uint64_t resource_version) {
  absl::StatusOr<int64_t> version = ToSqliteInteger(resource_version);
  if (!version.ok()) return version.status();
  sqlite3_stmt* upsert = upsert_object_.get();
  // Bound with SQLITE_STATIC: `key` and `json` outlive the step, which happens before return.
  if (int rc = BindText(upsert, 1, key); rc != SQLITE_OK) return SqliteError(rc, "put");
  if (int rc = BindText(upsert, 2, json); rc != SQLITE_OK) return SqliteError(rc, "put");
  sqlite3_bind_int64(upsert, 3, *version);
  return WriteInTransaction("put", key, upsert, *version);
}

absl::Status SqliteBackend::Delete(std::string_view key, uint64_t resource_version) {
  absl::StatusOr<int64_t> version = ToSqliteInteger(resource_version);
  if (!version.ok()) return version.status();
  sqlite3_stmt* remove = delete_object_.get();
  if (int rc = BindText(remove, 1, key); rc != SQLITE_OK) return SqliteError(rc, "delete");
  return WriteInTransaction("delete", key, remove, *version);
}

absl::Status SqliteBackend::LoadAll(
    const std::function<void(std::string_view key, std::string_view json)>& visit,
    uint64_t* last_resource_version) {
  {
    sqlite3_stmt* select = select_objects_.get();
    ResetOnExit reset(select);
    int rc;
    while ((rc = sqlite3_step(select)) == SQLITE_ROW) {
      // Text pointers first, sizes after: that order is what SQLite documents as safe.
      const char* key = reinterpret_cast<const char*>(sqlite3_column_text(select, 0));
      const int key_size = sqlite3_column_bytes(select, 0);
      const char* json = reinterpret_cast<const char*>(sqlite3_column_text(select, 1));
      const int json_size = sqlite3_column_bytes(select, 1);
      visit(std::string_view(key != nullptr ? key : "", key_size),
            std::string_view(json != nullptr ? json : "", json_size));
    }
    if (rc != SQLITE_DONE) return SqliteError(rc, "load objects");
  }

  sqlite3_stmt* select = select_last_resource_version_.get();
  ResetOnExit reset(select);
  int rc = sqlite3_step(select);
  if (rc != SQLITE_ROW) {
    if (rc == SQLITE_DONE) {
      return absl::DataLossError(db_path_ +
                                 ": the meta row holding the last resourceVersion "
                                 "is missing");
    }
    return SqliteError(rc, "load last resourceVersion");
  }
  const int64_t last = sqlite3_column_int64(select, 0);
  *last_resource_version = last > 0 ? static_cast<uint64_t>(last) : 0;
  return absl::OkStatus();
}

}  // namespace upkeep::apiserver
