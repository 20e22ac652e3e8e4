// backup_bench: the backup runner's throughput and memory (issue 6, BackupPolicy). It PRINTS
// figures and the targets; it never asserts. Run by hand through
// bench/run-backup-bench.sh; not part of the test suite.
//
//   backup_bench [--size-mb N] [--runs N] [--zstd-workers N] [--timeout-s S] [--pipeline-fsync]
//
// One throwaway PostgreSQL 15 (tests/support/postgres_process.h, on 127.0.0.1, settings for a
// bulk load) gets a database filled to about N MB (10^6 bytes, pg_database_size) of
// moderately compressible rows: ids, timestamps, md5 text, repeated words, numerics. Then, on
// the same data in the same run, with a warm cache and interleaved run by run:
//
//  1. `pg_dump -Fc -Z0` alone, its output read and counted by the bench (dump bytes);
//  2. the shell pipeline `pg_dump -Fc -Z0 | zstd -3 | openssl enc -aes-256-ctr -pbkdf2 > file`
//     (the enc tool has no GCM), bash with pipefail;
//  3. upkeep's RunBackup into a DirectoryStore (zstd level 3 with its default 2 workers,
//     AES-256-GCM, SHA-256, fsync before rename), in a forked child so that its memory is the
//     runner's alone: the child reports its own VmHWM (pg_dump, its grandchild, is not counted;
//     its peak is shown on the pg_dump row).
//
// Throughput is the database size over the wall time (MB/s), and dump bytes over wall time.
// Memory is measured at two sizes: the runner once at N/4 MB, before the database grows to N.
// Bounds: every child (its process group) is killed after --timeout-s (default
// 60 s + 0.3 s per MB); SIGINT/SIGTERM end the current child and the bench, whose PostgreSQL
// is stopped and removed by its harness. Everything talks to 127.0.0.1 only.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "backup/backup_run.h"
#include "backup/directory_store.h"
#include "tests/support/postgres_process.h"

namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using upkeep::backup::BackupRunRequest;
using upkeep::backup::DirectoryStore;
using upkeep::backup::DumpFormat;
using upkeep::backup::PostgresBackupSource;

constexpr double kMB = 1e6;
constexpr double kTargetShare = 0.95;
constexpr double kTargetRssMiB = 64.0;
constexpr char kDatabase[] = "benchdb";

std::atomic<bool> g_stop{false};
void OnSignal(int) { g_stop = true; }

void Log(const std::string& line) { std::cerr << "[backup_bench] " << line << std::endl; }

struct Options {
  long size_mb = 1024;
  int runs = 2;
  int zstd_workers = -1;  // -1: the literal `zstd -3` (the CLI's default, -T1)
  int timeout_s = 0;      // 0: 60 + 0.3 per MB
  bool pipeline_fsync = false;  // `&& sync FILE` after the pipeline, as the runner fsyncs
};

struct Outcome {
  bool ok = false;
  std::string error;
  double seconds = 0;
  long max_rss_kib = -1;  // wait4's ru_maxrss, or the child's VmHWM for the runner
  long start_rss_kib = -1;
  uint64_t bytes = 0;     // dump bytes (pg_dump) or output bytes (pipeline, runner)
  double cpu_seconds = 0; // user + system of the child and the descendants it waited for
};

long StatusKib(const std::string& field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::atol(line.c_str() + field.size() + 1);
  }
  return -1;
}

// Waits for `pid` (leader of its own process group), reading `fd` (if >= 0) to EOF into
// `collect` or counting it. Kills the group at the deadline or on a signal.
Outcome WaitChild(pid_t pid, int fd, Clock::time_point start, std::chrono::seconds timeout,
                  std::string* collect) {
  Outcome out;
  const Clock::time_point deadline = start + timeout;
  std::vector<char> buffer(1 << 20);
  int status = 0;
  rusage usage{};
  bool reaped = false;
  bool killed = false;
  while (!reaped) {
    if (!killed && (g_stop || Clock::now() > deadline)) {
      kill(-pid, SIGKILL);
      killed = true;
      out.error = g_stop ? "interrupted" : "timed out after " + std::to_string(timeout.count()) + " s";
    }
    if (fd >= 0) {
      pollfd p{fd, POLLIN, 0};
      int ready = poll(&p, 1, 50);
      if (ready > 0) {
        ssize_t n = read(fd, buffer.data(), buffer.size());
        if (n > 0) {
          out.bytes += static_cast<uint64_t>(n);
          if (collect) collect->append(buffer.data(), static_cast<size_t>(n));
          continue;
        }
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) {
          close(fd);
          fd = -1;
        }
      }
      continue;
    }
    pid_t r = wait4(pid, &status, WNOHANG, &usage);
    if (r == pid) {
      reaped = true;
      out.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    } else if (r < 0 && errno != EINTR) {
      out.error = std::string("wait4: ") + std::strerror(errno);
      return out;
    } else {
      usleep(2000);
    }
  }
  if (fd >= 0) close(fd);
  out.max_rss_kib = usage.ru_maxrss;
  out.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                    static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  if (killed) return out;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    out.ok = true;
  } else if (WIFEXITED(status)) {
    out.error = "exit status " + std::to_string(WEXITSTATUS(status));
  } else {
    out.error = "signal " + std::to_string(WTERMSIG(status));
  }
  return out;
}

std::vector<char*> CStrings(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Runs `args` with `env` in its own process group; stdout counted through a pipe when
// `count_stdout`, else /dev/null. stderr goes to `stderr_path`.
Outcome RunTool(std::vector<std::string> args, std::vector<std::string> env, bool count_stdout,
                const std::string& stderr_path, std::chrono::seconds timeout) {
  int fds[2] = {-1, -1};
  if (count_stdout && pipe2(fds, O_CLOEXEC) != 0) {
    Outcome o;
    o.error = std::string("pipe: ") + std::strerror(errno);
    return o;
  }
  auto argv = CStrings(args);
  auto envp = CStrings(env);
  const Clock::time_point start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    setpgid(0, 0);
    int out = count_stdout ? fds[1] : open("/dev/null", O_WRONLY);
    int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
    dup2(out, 1);
    if (err >= 0) dup2(err, 2);
    int null_in = open("/dev/null", O_RDONLY);
    dup2(null_in, 0);
    execvpe(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  if (pid < 0) {
    Outcome o;
    o.error = std::string("fork: ") + std::strerror(errno);
    return o;
  }
  setpgid(pid, pid);
  if (count_stdout) close(fds[1]);
  return WaitChild(pid, count_stdout ? fds[0] : -1, start, timeout, nullptr);
}

// RunBackup in a forked child; the child reports "<status> <start VmRSS> <VmHWM> <bytes>".
Outcome RunRunner(const BackupRunRequest& request, const std::string& store_root,
                  std::chrono::seconds timeout) {
  Outcome out;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) {
    out.error = std::string("pipe: ") + std::strerror(errno);
    return out;
  }
  const Clock::time_point start = Clock::now();
  pid_t pid = fork();
  if (pid == 0) {
    // Never return from here: the parent's objects (the PostgreSQL harness) must not be
    // destroyed by the child. _exit only.
    setpgid(0, 0);
    close(fds[0]);
    std::string report;
    try {
      long start_rss = StatusKib("VmRSS");
      auto store = DirectoryStore::Open(store_root);
      if (!store.ok()) {
        report = "error " + std::string(store.status().ToString());
      } else {
        auto manifest = upkeep::backup::RunBackup(request, **store);
        if (!manifest.ok()) {
          report = "error " + manifest.status().ToString();
        } else {
          uint64_t bytes = 0;
          for (const auto& a : manifest->artifacts) bytes += a.size_bytes;
          report = "ok " + std::to_string(start_rss) + " " + std::to_string(StatusKib("VmHWM")) +
                   " " + std::to_string(bytes);
        }
      }
    } catch (const std::exception& e) {
      report = std::string("error exception: ") + e.what();
    }
    report += "\n";
    ssize_t unused = write(fds[1], report.data(), report.size());
    (void)unused;
    _exit(report.rfind("ok ", 0) == 0 ? 0 : 1);
  }
  close(fds[1]);
  if (pid < 0) {
    close(fds[0]);
    out.error = std::string("fork: ") + std::strerror(errno);
    return out;
  }
  setpgid(pid, pid);
  std::string report;
  out = WaitChild(pid, fds[0], start, timeout, &report);
  out.bytes = 0;
  std::istringstream in(report);
  std::string word;
  in >> word;
  if (word == "ok") {
    long start_rss = 0, hwm = 0;
    uint64_t bytes = 0;
    in >> start_rss >> hwm >> bytes;
    out.start_rss_kib = start_rss;
    out.max_rss_kib = hwm;
    out.bytes = bytes;
  } else {
    out.ok = false;
    std::string rest;
    std::getline(in, rest);
    if (!rest.empty()) out.error = rest;
  }
  return out;
}

std::string Fixed(double v, int precision) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", precision, v);
  return buf;
}

std::string Pad(const std::string& s, size_t width, bool right = true) {
  if (s.size() >= width) return s;
  return right ? std::string(width - s.size(), ' ') + s : s + std::string(width - s.size(), ' ');
}

bool ParseOptions(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::optional<long> {
      if (i + 1 >= argc) return std::nullopt;
      char* end = nullptr;
      long v = std::strtol(argv[++i], &end, 10);
      if (*end != '\0') return std::nullopt;
      return v;
    };
    std::optional<long> v;
    if (a == "--size-mb" && (v = value()) && *v >= 16) {
      o.size_mb = *v;
    } else if (a == "--runs" && (v = value()) && *v >= 1 && *v <= 20) {
      o.runs = static_cast<int>(*v);
    } else if (a == "--zstd-workers" && (v = value()) && *v >= 0 && *v <= 64) {
      o.zstd_workers = static_cast<int>(*v);
    } else if (a == "--pipeline-fsync") {
      o.pipeline_fsync = true;
    } else if (a == "--timeout-s" && (v = value()) && *v >= 10) {
      o.timeout_s = static_cast<int>(*v);
    } else {
      std::cerr << "usage: backup_bench [--size-mb N>=16] [--runs 1..20] [--zstd-workers N]"
                   " [--timeout-s S>=10] [--pipeline-fsync]\n";
      return false;
    }
  }
  if (o.timeout_s == 0) o.timeout_s = 60 + static_cast<int>(o.size_mb * 0.3);
  return true;
}

struct Bench {
  Options options;
  std::unique_ptr<upkeep::testing::PostgresProcess> pg;
  std::string dir;  // bench temp folder: pipeline output, stores, logs
  long next_id = 1;
  int backups = 0;

  absl::StatusOr<uint64_t> DatabaseSize() {
    auto s = pg->Sql(kDatabase, std::string("select pg_database_size('") + kDatabase + "')");
    if (!s.ok()) return s.status();
    return std::strtoull(s->c_str(), nullptr, 10);
  }

  // Grows the table to about `target` bytes of database.
  absl::StatusOr<uint64_t> FillTo(uint64_t target) {
    auto size = DatabaseSize();
    if (!size.ok()) return size.status();
    double bytes_per_row = 150;
    while (*size + 4 * kMB < target && !g_stop) {
      long rows = static_cast<long>((target - *size) / bytes_per_row);
      rows = std::clamp(rows, 1000L, 1000000L);
      const long from = next_id, to = next_id + rows - 1;
      const std::string sql =
          "insert into orders select g,"
          " timestamptz '2024-01-01' + g * interval '7 seconds',"
          " 'customer-' || (g * 7919 % 50000),"
          " md5(g::text),"
          " (array['alpha','bravo','charlie','delta','echo','foxtrot','golf','hotel'])"
          "[1 + g % 8] || ' ' || (array['parcel','pallet','crate','envelope','box'])"
          "[1 + (g / 8) % 5] || ' shipped to warehouse ' || (g % 97) || ', priority '"
          " || (g % 3),"
          " round((random() * 10000)::numeric, 2),"
          " (array['new','paid','shipped','delivered','returned'])[1 + g % 5]"
          " from generate_series(" + std::to_string(from) + "::bigint, " + std::to_string(to) +
          "::bigint) g";
      if (auto r = pg->Sql(kDatabase, sql); !r.ok()) return r.status();
      next_id = to + 1;
      auto now = DatabaseSize();
      if (!now.ok()) return now.status();
      if (*now > *size) bytes_per_row = static_cast<double>(*now - *size) / static_cast<double>(rows);
      size = now;
      Log("filled " + Fixed(static_cast<double>(*size) / kMB, 0) + " MB (" +
          std::to_string(next_id - 1) + " rows)");
    }
    if (g_stop) return absl::CancelledError("interrupted");
    // Hint bits and the visibility map set now, not by the first measured dump.
    if (auto r = pg->Sql(kDatabase, "vacuum (freeze, analyze) orders"); !r.ok()) return r.status();
    return DatabaseSize();
  }

  std::vector<std::string> ClientEnv() const {
    std::vector<std::string> env = {"PATH=/usr/bin:/bin", "PGPASSWORD=" + pg->password(),
                                    "PGSSLMODE=disable", "PGCONNECT_TIMEOUT=10", "LC_ALL=C"};
    return env;
  }
  std::vector<std::string> PgDumpArgs() const {
    return {"pg_dump", "-Fc", "-Z0", "-h", pg->host(), "-p", std::to_string(pg->port()),
            "-U", pg->superuser(), "-d", kDatabase};
  }
  std::string PipelineText(const std::string& out_file) const {
    std::string zstd = "zstd -3 -q";
    if (options.zstd_workers >= 0) zstd += " -T" + std::to_string(options.zstd_workers);
    std::string dump;
    for (const auto& a : PgDumpArgs()) dump += (dump.empty() ? "" : " ") + a;
    return dump + " | " + zstd + " | openssl enc -aes-256-ctr -pass pass:x -pbkdf2 > " + out_file +
           (options.pipeline_fsync ? " && sync " + out_file : "");
  }
  std::chrono::seconds Timeout() const { return std::chrono::seconds(options.timeout_s); }

  Outcome PgDumpAlone() {
    return RunTool(PgDumpArgs(), ClientEnv(), true, dir + "/pg_dump.log", Timeout());
  }
  Outcome Pipeline() {
    const std::string file = dir + "/pipeline.out";
    Outcome o = RunTool({"bash", "-c", "set -o pipefail; " + PipelineText(file)}, ClientEnv(),
                        false, dir + "/pipeline.log", Timeout());
    struct stat st{};
    if (stat(file.c_str(), &st) == 0) o.bytes = static_cast<uint64_t>(st.st_size);
    fs::remove(file);
    return o;
  }
  Outcome Runner() {
    BackupRunRequest r;
    r.policy_namespace = "bench";
    r.policy_name = "db";
    r.policy_uid = "uid-bench";
    r.run_id = "run-" + std::to_string(++backups);
    PostgresBackupSource source;
    source.connection.host = pg->host();
    source.connection.port = pg->port();
    source.connection.user = pg->superuser();
    source.connection.password = pg->password();
    source.connection.ssl_mode = "disable";
    source.connection.database = kDatabase;
    source.format = DumpFormat::kCustom;
    r.source = source;
    r.key = std::string(32, '\x5a');
    const std::string root = dir + "/store";
    Outcome o = RunRunner(r, root, Timeout());
    std::error_code ec;
    fs::remove_all(root, ec);
    return o;
  }
};

struct Row {
  int run;
  std::string tool;
  Outcome outcome;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (!ParseOptions(argc, argv, options)) return 2;
  struct sigaction sa{};
  sa.sa_handler = OnSignal;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);

  Bench bench;
  bench.options = options;
  char tmpl[] = "/tmp/upkeep-backup-bench-XXXXXX";
  if (!mkdtemp(tmpl)) {
    Log(std::string("mkdtemp: ") + std::strerror(errno));
    return 1;
  }
  bench.dir = tmpl;
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(dir, ec);
    }
  } cleanup{bench.dir};

  upkeep::testing::PostgresOptions pg_options;
  pg_options.command_timeout = std::chrono::seconds(options.timeout_s);
  pg_options.settings = {{"shared_buffers", "256MB"},         {"max_wal_size", "8GB"},
                         {"checkpoint_timeout", "30min"},     {"synchronous_commit", "off"},
                         {"autovacuum", "off"},               {"maintenance_work_mem", "256MB"},
                         {"wal_level", "minimal"},            {"max_wal_senders", "0"}};
  Log("starting PostgreSQL 15");
  auto pg = upkeep::testing::PostgresProcess::Start(pg_options);
  if (!pg.ok()) {
    Log("PostgreSQL did not start: " + pg.status().ToString());
    return 1;
  }
  bench.pg = std::move(*pg);
  if (auto st = bench.pg->CreateDatabase(kDatabase); !st.ok()) {
    Log("create database: " + st.ToString());
    return 1;
  }
  if (auto r = bench.pg->Sql(kDatabase,
                             "create unlogged table orders (id bigint, created_at timestamptz,"
                             " customer text, digest text, note text, amount numeric(12,2),"
                             " status text)");
      !r.ok()) {
    Log("create table: " + r.status().ToString());
    return 1;
  }

  const uint64_t full_target = static_cast<uint64_t>(options.size_mb) * static_cast<uint64_t>(kMB);
  const uint64_t small_target = full_target / 4;
  const Clock::time_point fill_start = Clock::now();

  // Memory at a quarter of the size first.
  auto small_size = bench.FillTo(small_target);
  if (!small_size.ok()) {
    Log("fill: " + small_size.status().ToString());
    return 1;
  }
  Log("warm-up dump at " + Fixed(*small_size / kMB, 0) + " MB");
  (void)bench.PgDumpAlone();
  Log("runner at " + Fixed(*small_size / kMB, 0) + " MB");
  Outcome small_runner = bench.Runner();
  if (!small_runner.ok) Log("runner (small) failed: " + small_runner.error);

  auto full_size = bench.FillTo(full_target);
  if (!full_size.ok()) {
    Log("fill: " + full_size.status().ToString());
    return 1;
  }
  const double fill_s = std::chrono::duration<double>(Clock::now() - fill_start).count();
  Log("database " + Fixed(*full_size / kMB, 0) + " MB, filled in " + Fixed(fill_s, 0) +
      " s; warm-up dump");
  Outcome warm = bench.PgDumpAlone();
  const uint64_t dump_bytes = warm.bytes;

  std::vector<Row> rows;
  bool failed = !small_runner.ok || !warm.ok;
  for (int run = 1; run <= options.runs && !g_stop; ++run) {
    Log("run " + std::to_string(run) + ": pg_dump");
    rows.push_back({run, "pg_dump -Fc -Z0", bench.PgDumpAlone()});
    Log("run " + std::to_string(run) + ": pipeline");
    rows.push_back({run, "pipeline zstd|openssl", bench.Pipeline()});
    Log("run " + std::to_string(run) + ": upkeep RunBackup");
    rows.push_back({run, "upkeep RunBackup", bench.Runner()});
    for (size_t i = rows.size() - 3; i < rows.size(); ++i) {
      if (!rows[i].outcome.ok) {
        failed = true;
        Log(rows[i].tool + " failed: " + rows[i].outcome.error);
      }
    }
  }

  const double db_mb = static_cast<double>(*full_size) / kMB;
  auto mbps = [&](const Outcome& o) { return o.seconds > 0 ? db_mb / o.seconds : 0.0; };
  std::cout << "\nbackup_bench: database " << Fixed(db_mb, 1) << " MB (pg_database_size, "
            << *full_size << " bytes), custom dump " << Fixed(dump_bytes / kMB, 1) << " MB, "
            << options.runs << " run(s), MB = 10^6 bytes, " << sysconf(_SC_NPROCESSORS_ONLN)
            << " CPUs\n";
  std::cout << "  pipeline: " << bench.PipelineText("FILE") << "\n";
  std::cout << "  upkeep:   RunBackup → DirectoryStore (zstd 3, 2 workers; AES-256-GCM; SHA-256;"
               " fsync)\n\n";
  std::cout << "  run  " << Pad("tool", 24, false) << Pad("wall s", 9) << Pad("DB MB/s", 10)
            << Pad("dump MB/s", 11) << Pad("out MB", 9) << Pad("peak RSS MiB", 14) << Pad("CPU s", 8) << "\n";
  for (const Row& r : rows) {
    const Outcome& o = r.outcome;
    std::cout << "  " << Pad(std::to_string(r.run), 3, false) << "  " << Pad(r.tool, 24, false);
    if (!o.ok) {
      std::cout << "  FAILED: " << o.error << "\n";
      continue;
    }
    const bool is_dump = r.tool.rfind("pg_dump", 0) == 0;
    std::cout << Pad(Fixed(o.seconds, 2), 9) << Pad(Fixed(mbps(o), 1), 10)
              << Pad(Fixed(dump_bytes / kMB / o.seconds, 1), 11)
              << Pad(is_dump ? "-" : Fixed(o.bytes / kMB, 1), 9)
              << Pad(r.tool.rfind("pipeline", 0) == 0 ? "-" : Fixed(o.max_rss_kib / 1024.0, 1), 14)
              << Pad(Fixed(o.cpu_seconds, 1), 8) << "\n";
  }
  std::cout << "  (peak RSS: pg_dump's own ru_maxrss; the runner's own VmHWM in its forked child,"
               " pg_dump not counted;\n"
               "   CPU s: user + system of every process of the row, pg_dump included)\n";

  auto best = [&](const std::string& tool) -> std::optional<Outcome> {
    std::optional<Outcome> b;
    for (const Row& r : rows) {
      if (r.tool == tool && r.outcome.ok && (!b || r.outcome.seconds < b->seconds)) b = r.outcome;
    }
    return b;
  };
  auto dump = best("pg_dump -Fc -Z0");
  auto pipe = best("pipeline zstd|openssl");
  auto runner = best("upkeep RunBackup");
  long runner_peak = -1;
  for (const Row& r : rows) {
    if (r.tool == "upkeep RunBackup" && r.outcome.ok)
      runner_peak = std::max(runner_peak, r.outcome.max_rss_kib);
  }

  std::cout << "\n  best of " << options.runs << ": ";
  if (dump) std::cout << "pg_dump " << Fixed(mbps(*dump), 1) << " MB/s, ";
  if (pipe) std::cout << "pipeline " << Fixed(mbps(*pipe), 1) << " MB/s, ";
  if (runner) std::cout << "upkeep " << Fixed(mbps(*runner), 1) << " MB/s";
  std::cout << "\n  runner memory: " << Fixed(*small_size / kMB, 0) << " MB database: "
            << (small_runner.ok ? Fixed(small_runner.max_rss_kib / 1024.0, 1) + " MiB peak (" +
                                      Fixed(small_runner.start_rss_kib / 1024.0, 1) + " at start)"
                                : "FAILED")
            << "; " << Fixed(db_mb, 0) << " MB database: "
            << (runner_peak >= 0 ? Fixed(runner_peak / 1024.0, 1) + " MiB peak" : "FAILED")
            << "\n\n  targets\n";

  auto target = [](const std::string& name, std::optional<bool> met, const std::string& detail) {
    std::cout << "  " << Pad(name, 46, false) << Pad(!met ? "n/a" : *met ? "met" : "NOT met", 9,
                                                     false)
              << detail << "\n";
  };
  std::optional<bool> speed_met;
  std::string speed_detail;
  if (pipe && runner) {
    const double share = mbps(*runner) / mbps(*pipe);
    speed_met = share >= kTargetShare;
    speed_detail = Fixed(100 * share, 1) + " % (" + Fixed(mbps(*runner), 1) + " vs " +
                   Fixed(mbps(*pipe), 1) + " MB/s)";
  }
  target("throughput >= 95 % of the pipeline", speed_met, speed_detail);
  std::optional<bool> mem_met;
  std::string mem_detail;
  if (small_runner.ok && runner_peak >= 0) {
    const double a = small_runner.max_rss_kib / 1024.0, b = runner_peak / 1024.0;
    const bool flat = b <= a + std::max(4.0, 0.1 * a);
    mem_met = a < kTargetRssMiB && b < kTargetRssMiB && flat;
    mem_detail = Fixed(a, 1) + " -> " + Fixed(b, 1) + " MiB for " + Fixed(*small_size / kMB, 0) +
                 " -> " + Fixed(db_mb, 0) + " MB (" + (flat ? "flat" : "grows") + ")";
  }
  target("runner memory flat and < 64 MiB", mem_met, mem_detail);
  if (g_stop) return 130;
  return failed ? 1 : 0;
}
