#include "tests/support/postgres_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <thread>

#include "tests/support/child_process.h"
#include "tests/support/free_port.h"

extern char** environ;

namespace upkeep::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{30};
constexpr std::chrono::seconds kStopTimeout{30};
// How long the backends of a killed postmaster may take to notice (they get SIGUSR1 from
// their own PR_SET_PDEATHSIG, so it is usually milliseconds).
constexpr std::chrono::seconds kOrphanTimeout{10};
constexpr std::chrono::seconds kReadyProbeTimeout{10};
constexpr std::chrono::milliseconds kPollInterval{20};
// The port is picked free and then handed to postgres; another process may take it in
// between, so a start that fails early is retried with a new port.
constexpr int kStartAttempts = 3;
constexpr uid_t kCurrentUser = static_cast<uid_t>(-1);

bool IsExecutable(const std::string& path) { return access(path.c_str(), X_OK) == 0; }

absl::StatusOr<std::string> FindBinDir(const std::string& configured) {
  auto has_server = [](const std::string& dir) {
    return IsExecutable(dir + "/initdb") && IsExecutable(dir + "/postgres");
  };
  if (!configured.empty()) {
    if (has_server(configured)) return configured;
    return absl::NotFoundError("PostgresOptions.bin_dir " + configured +
                               " holds no initdb and postgres");
  }
  // Debian keeps the server binaries off PATH, one folder per major version.
  if (has_server("/usr/lib/postgresql/15/bin")) return std::string("/usr/lib/postgresql/15/bin");
  const char* path = getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && has_server(dir)) return dir;
  }
  return absl::NotFoundError(
      "no PostgreSQL server binaries (initdb, postgres) in /usr/lib/postgresql/15/bin or on "
      "PATH; install postgresql-15");
}

std::string RandomPassword() {
  // Hex needs no escaping in a URI, a conninfo string or a pwfile.
  std::random_device random;
  std::string password;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) password.push_back(kHex[random() % 16]);
  return password;
}

std::string PercentEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string QuoteIdentifier(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  return out + "\"";
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// This process's environment without the PG* variables a developer's shell may carry
// (PGHOST, PGSSLMODE, PGSERVICE...): the harness says where and how to connect, nothing else.
// Messages are in English so that tests can match them.
std::vector<std::string> CleanEnvironment() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string var(*e);
    if (var.rfind("PG", 0) == 0 || var.rfind("LC_ALL=", 0) == 0 ||
        var.rfind("LC_MESSAGES=", 0) == 0 || var.rfind("LANGUAGE=", 0) == 0) {
      continue;
    }
    env.push_back(std::move(var));
  }
  env.push_back("LC_MESSAGES=C");
  return env;
}

struct ChildFiles {
  std::string stdin_path;  // "" = /dev/null
  std::string stdout_path;
  std::string stderr_path;
};

// Forks and execs `args` with `env`, as `uid`/`gid` unless they are kCurrentUser, in `cwd`.
// Spawn() from child_process.h cannot switch users, and the order matters here: changing
// credentials clears PR_SET_PDEATHSIG, so it is set after setuid.
absl::StatusOr<pid_t> SpawnChild(const std::vector<std::string>& args,
                                 const std::vector<std::string>& env, const ChildFiles& files,
                                 uid_t uid, gid_t gid, const std::string& cwd) {
  std::vector<std::string> args_copy = args;
  std::vector<char*> argv;
  for (auto& a : args_copy) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::vector<std::string> env_copy = env;
  std::vector<char*> envp;
  for (auto& e : env_copy) envp.push_back(e.data());
  envp.push_back(nullptr);
  const char* in_path = files.stdin_path.empty() ? "/dev/null" : files.stdin_path.c_str();

  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed for " + args[0]);
  if (pid == 0) {
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    int in = open(in_path, O_RDONLY);
    int out = open(files.stdout_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int err = open(files.stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (in < 0 || out < 0 || err < 0) _exit(126);
    dup2(in, STDIN_FILENO);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    // The server must not hold on to the test's own sockets and files.
    close_range(3, ~0U, 0);
    if (uid != kCurrentUser) {
      if (setgroups(1, &gid) != 0 || setgid(gid) != 0 || setuid(uid) != 0) {
        static constexpr char kMessage[] = "upkeep test harness: cannot switch user\n";
        (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
        _exit(126);
      }
    }
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    if (chdir(cwd.c_str()) != 0) _exit(126);
    execvpe(argv[0], argv.data(), envp.data());
    static constexpr char kMessage[] = "upkeep test harness: exec failed\n";
    (void)!write(STDERR_FILENO, kMessage, sizeof(kMessage) - 1);
    _exit(127);
  }
  return pid;
}

struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

std::string TrimTrailingNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string BaseName(const std::string& path) {
  return std::filesystem::path(path).filename().string();
}

// Line 7 of postmaster.pid: the key and ID of the postmaster's System V segment, which every
// backend stays attached to; PostgreSQL refuses to start while anything is.
bool ReadShmemIds(const std::string& data_dir, long* key, int* id) {
  std::ifstream in(data_dir + "/postmaster.pid");
  std::string line;
  for (int i = 0; i < 7; ++i) {
    if (!std::getline(in, line)) return false;
  }
  std::istringstream fields(line);
  return static_cast<bool>(fields >> *key >> *id);
}

// Runs a command to completion (bounded by `timeout`) with `stdin_text` as its input;
// its output goes through files in `dir`, removed afterwards.
absl::StatusOr<CommandResult> RunChildToEnd(const std::vector<std::string>& args,
                                            const std::vector<std::string>& env,
                                            const std::string& stdin_text,
                                            std::chrono::milliseconds timeout, uid_t uid, gid_t gid,
                                            const std::string& dir, int serial) {
  const std::string stem = dir + "/command-" + std::to_string(serial);
  ChildFiles files{stem + ".in", stem + ".out", stem + ".err"};
  {
    std::ofstream in(files.stdin_path, std::ios::binary);
    in << stdin_text;
    if (!in) return absl::InternalError("cannot write " + files.stdin_path);
  }
  auto remove_files = [&files] {
    std::remove(files.stdin_path.c_str());
    std::remove(files.stdout_path.c_str());
    std::remove(files.stderr_path.c_str());
  };
  auto pid = SpawnChild(args, env, files, uid, gid, dir);
  if (!pid.ok()) {
    remove_files();
    return pid.status();
  }
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int wstatus = 0;
  while (waitpid(*pid, &wstatus, WNOHANG) != *pid) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(*pid, SIGKILL);
      waitpid(*pid, nullptr, 0);
      std::string err = Tail(files.stderr_path);
      remove_files();
      return absl::DeadlineExceededError(
          BaseName(args[0]) + " did not finish within " +
          std::to_string(std::chrono::duration_cast<std::chrono::seconds>(timeout).count()) +
          " s: " + err);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  CommandResult result;
  result.exit_code = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
  result.out = ReadFile(files.stdout_path);
  result.err = ReadFile(files.stderr_path);
  remove_files();
  return result;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PostgresProcess>> PostgresProcess::Start(PostgresOptions options) {
  std::unique_ptr<PostgresProcess> p(new PostgresProcess(std::move(options)));
  auto bin_dir = FindBinDir(p->options_.bin_dir);
  if (!bin_dir.ok()) return bin_dir.status();
  p->bin_dir_ = *bin_dir;

  if (geteuid() == 0) {
    // initdb and postgres refuse to run as root.
    struct passwd* account = getpwnam(p->options_.os_user.c_str());
    if (account == nullptr) {
      return absl::FailedPreconditionError(
          "running as root, and initdb and postgres refuse root; the account they would run as, " +
          p->options_.os_user + " (PostgresOptions.os_user), does not exist");
    }
    p->os_uid_ = account->pw_uid;
    p->os_gid_ = account->pw_gid;
  }

  // /tmp rather than TMPDIR: the server's account must reach the folder, and a TMPDIR inside
  // root's home would not let it. The Unix socket path also has to stay short (≤ 107 bytes).
  std::string base = "/tmp/upkeep-postgres-XXXXXX";
  if (mkdtemp(base.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary folder for PostgreSQL under /tmp");
  }
  p->dir_ = base;
  p->data_dir_ = base + "/data";
  if (p->os_uid_ != kCurrentUser && chown(base.c_str(), p->os_uid_, p->os_gid_) != 0) {
    return absl::InternalError("cannot hand " + base + " to " + p->options_.os_user);
  }
  chmod(base.c_str(), 0700);
  p->password_ = RandomPassword();
  if (absl::Status st = p->InitDb(); !st.ok()) return st;

  absl::Status started;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    p->port_ = PickFreePort();
    if (p->port_ == 0) return absl::UnavailableError("no free port on 127.0.0.1");
    started = p->StartServer();
    if (started.ok()) return p;
    // Only an early exit (the port was taken, say) is worth another attempt.
    if (!absl::IsUnavailable(started)) break;
  }
  return started;
}

PostgresProcess::~PostgresProcess() {
  Stop();
  if (stale_shm_id_ >= 0) {
    long key = 0;
    int id = -1;
    shmid_ds state{};
    // Only the segment our killed postmaster left, and only once nothing uses it.
    if (ReadShmemIds(data_dir_, &key, &id) && id == stale_shm_id_ &&
        shmctl(id, IPC_STAT, &state) == 0 && state.shm_perm.__key == key && state.shm_nattch == 0) {
      shmctl(id, IPC_RMID, nullptr);
    }
  }
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string PostgresProcess::ConnectionUri(const std::string& database) const {
  return "postgresql://" + PercentEncode(options_.superuser) + ":" + PercentEncode(password_) +
         "@" + host_ + ":" + std::to_string(port_) + "/" + PercentEncode(database);
}

std::string PostgresProcess::ConnectionUriWithoutPassword(const std::string& database) const {
  return "postgresql://" + PercentEncode(options_.superuser) + "@" + host_ + ":" +
         std::to_string(port_) + "/" + PercentEncode(database);
}

std::string PostgresProcess::LogTail() const { return Tail(dir_ + "/postgres.log"); }

absl::Status PostgresProcess::InitDb() {
  const std::string pwfile = dir_ + "/pwfile";
  {
    std::ofstream out(pwfile);
    out << password_ << "\n";
    if (!out) return absl::InternalError("cannot write " + pwfile);
  }
  chmod(pwfile.c_str(), 0600);
  if (os_uid_ != kCurrentUser && chown(pwfile.c_str(), os_uid_, os_gid_) != 0) {
    return absl::InternalError("cannot hand " + pwfile + " to " + options_.os_user);
  }
  std::vector<std::string> env = CleanEnvironment();
  env.push_back("LC_ALL=C");
  // scram-sha-256 for the socket too: nothing here needs trust or peer, and tests that
  // connect any way at all must give the password.
  auto result = RunChildToEnd(
      {bin_dir_ + "/initdb", "--pgdata=" + data_dir_, "--username=" + options_.superuser,
       "--pwfile=" + pwfile, "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
       "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"},
      env, "", kStartTimeout, os_uid_, os_gid_, dir_, ++command_count_);
  std::remove(pwfile.c_str());
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError("initdb failed (exit " + std::to_string(result->exit_code) +
                               "): " + result->err + result->out);
  }
  return absl::OkStatus();
}

absl::Status PostgresProcess::StartServer() {
  std::vector<std::string> settings = {
      "listen_addresses=127.0.0.1",
      "port=" + std::to_string(port_),
      "unix_socket_directories=" + dir_,
      // Speed over durability: a test server never outlives the host's page cache. Not
      // synchronous_commit=off: a commit would then be acknowledged before its WAL left shared
      // memory, and Kill() would lose it, which no real server with default settings does.
      "fsync=off",
      "full_page_writes=off",
      // Dynamic shared memory in the data directory rather than /dev/shm, so that a killed
      // server leaves nothing behind once the folder is removed.
      "dynamic_shared_memory_type=mmap",
      "shared_buffers=32MB",
      "max_connections=40",
      "logging_collector=off",
  };
  for (const auto& [name, value] : options_.settings) settings.push_back(name + "=" + value);
  std::vector<std::string> args = {bin_dir_ + "/postgres", "-D", data_dir_};
  for (const auto& setting : settings) {
    args.push_back("-c");
    args.push_back(setting);
  }
  std::vector<std::string> env = CleanEnvironment();
  env.push_back("LC_ALL=C");
  const std::string log = dir_ + "/postgres.log";
  auto pid = SpawnChild(args, env, {"", log, log}, os_uid_, os_gid_, dir_);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;

  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (true) {
    // The port accepts connections before the server does ("the database system is starting
    // up"), so ready means an authenticated query succeeded.
    if (CanConnect(port_)) {
      auto probe = RunChildToEnd({PsqlPath(), "-X", "-A", "-t", "-q", "-w", "-d",
                                  ConnectionUriWithoutPassword("postgres"), "-c", "select 1"},
                                 ClientEnvironment(), "", kReadyProbeTimeout, kCurrentUser,
                                 kCurrentUser, dir_, ++command_count_);
      if (probe.ok() && probe->exit_code == 0) return absl::OkStatus();
    }
    int wstatus = 0;
    if (waitpid(pid_, &wstatus, WNOHANG) == pid_) {
      pid_ = -1;
      return absl::UnavailableError("postgres exited before it accepted connections: " + LogTail());
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      Kill();
      return absl::DeadlineExceededError("postgres did not accept connections within 30 s: " +
                                         LogTail());
    }
    std::this_thread::sleep_for(kPollInterval);
  }
}

std::string PostgresProcess::PsqlPath() const {
  return IsExecutable(bin_dir_ + "/psql") ? bin_dir_ + "/psql" : "psql";
}

std::vector<std::string> PostgresProcess::ClientEnvironment() const {
  std::vector<std::string> env = CleanEnvironment();
  env.push_back("PGPASSWORD=" + password_);
  env.push_back("PGCONNECT_TIMEOUT=10");
  return env;
}

absl::StatusOr<std::string> PostgresProcess::Sql(const std::string& database,
                                                 const std::string& sql) {
  auto result = RunChildToEnd({PsqlPath(), "-X", "-A", "-t", "-q", "-v", "ON_ERROR_STOP=1", "-w",
                               "-d", ConnectionUriWithoutPassword(database)},
                              ClientEnvironment(), sql, options_.command_timeout, kCurrentUser,
                              kCurrentUser, dir_, ++command_count_);
  if (!result.ok()) return result.status();
  switch (result->exit_code) {
    case 0:
      return TrimTrailingNewlines(std::move(result->out));
    case 2:  // psql: the connection failed or was lost
      return absl::UnavailableError("psql could not talk to the server: " +
                                    TrimTrailingNewlines(result->err));
    default:
      return absl::InternalError("psql failed (exit " + std::to_string(result->exit_code) +
                                 "): " + TrimTrailingNewlines(result->err));
  }
}

absl::Status PostgresProcess::CreateDatabase(const std::string& name) {
  return Sql("postgres", "CREATE DATABASE " + QuoteIdentifier(name)).status();
}

absl::StatusOr<std::string> PostgresProcess::RunClient(const std::vector<std::string>& args,
                                                       const std::string& stdin_text) {
  if (args.empty()) return absl::InvalidArgumentError("RunClient needs a command");
  auto result = RunChildToEnd(args, ClientEnvironment(), stdin_text, options_.command_timeout,
                              kCurrentUser, kCurrentUser, dir_, ++command_count_);
  if (!result.ok()) return result.status();
  if (result->exit_code != 0) {
    return absl::InternalError(BaseName(args[0]) + " failed (exit " +
                               std::to_string(result->exit_code) +
                               "): " + TrimTrailingNewlines(result->err));
  }
  return std::move(result->out);
}

void PostgresProcess::Stop() {
  if (pid_ <= 0) return;
  kill(pid_, SIGINT);  // fast shutdown
  if (WaitForExit(pid_, kStopTimeout)) {
    pid_ = -1;
    return;
  }
  Kill();
}

void PostgresProcess::Kill() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  WaitForOrphanedBackends();
}

void PostgresProcess::WaitForOrphanedBackends() {
  long key = 0;
  int id = -1;
  if (!ReadShmemIds(data_dir_, &key, &id)) return;
  auto deadline = std::chrono::steady_clock::now() + kOrphanTimeout;
  shmid_ds state{};
  while (shmctl(id, IPC_STAT, &state) == 0 && state.shm_perm.__key == key) {
    if (state.shm_nattch == 0) {
      stale_shm_id_ = id;
      return;
    }
    if (std::chrono::steady_clock::now() >= deadline) return;
    std::this_thread::sleep_for(kPollInterval);
  }
}

absl::Status PostgresProcess::Restart() {
  Stop();
  if (absl::Status st = StartServer(); !st.ok()) return st;
  // The new postmaster removes the unattached segment of the old one itself.
  stale_shm_id_ = -1;
  return absl::OkStatus();
}

}  // namespace upkeep::testing
