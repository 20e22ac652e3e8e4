// certs_bench: certificate issuance by upkeep's CertRenewal controller next to two standalone
// ACME clients, lego and certbot, all against ONE pebble (Let's Encrypt's test CA) in one run.
// It PRINTS issuances per minute, CPU and memory per issuance and the targets; it
// never asserts. Run by hand through bench/run-certs-bench.sh; not part of the test suite.
//
//   certs_bench [--quick] [--upkeep-binary PATH] [--upkeep N] [--upkeep-timeout S]
//               [--lego-seq N] [--lego-par N] [--lego-procs K]
//               [--certbot-seq N] [--certbot-par N] [--certbot-procs K] [--phase-timeout S]
//
// One pebble and pebble-challtestsrv (tests/support/pebble_process.h: every name resolves to
// 127.0.0.1, PEBBLE_VA_NOSLEEP=1, PEBBLE_WFE_NONCEREJECT=0, PEBBLE_AUTHZREUSE=0, real HTTP-01
// validation, TLS verified by every client with pebble's listener CA) serve the phases in turn:
//
//  1. upkeep: the real `upkeep dev` process (embedded API server + operator). Once its example
//     CertRenewal is Ready, N CertRenewals with issuer.acme pointing at pebble are created
//     through its API server (8 client threads); the bench watches them until each has
//     status.revision >= 1 and Ready=True. Measured on that one process: wall time from the
//     first create to the last Ready, CPU (utime+stime from /proc/PID/stat) from just before
//     the first create to 2 s after the last Ready, VmRSS idle / at the end / 2 s later, VmHWM.
//  2. lego and 3. certbot, each twice: sequentially with the client's own HTTP-01 server on
//     the validation port, and as K processes in parallel in webroot mode. pebble validates
//     HTTP-01 on ONE port (its httpPort), so parallel clients cannot each run a server there;
//     they write the challenge files into one folder that a small static server of this bench
//     serves on that port, as clients behind one web server do (that server's CPU is not
//     charged to them). CPU is the children's utime+stime and memory their ru_maxrss (wait4).
//
// Each phase reports pebble's own CPU too. Everything listens on and talks to 127.0.0.1 only.
// Bounds: counts are fixed by the flags; a phase stops starting issuances after its timeout;
// each client process is killed after 30 s; a watchdog ends every process the bench started
// (by PID) and the bench itself at the run's time limit, and on SIGINT/SIGTERM; temporary
// folders are removed in every case.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/api_error.h"
#include "controller/client/client_config.h"
#include "controller/client/kube_client.h"
#include "tests/support/pebble_process.h"

extern char** environ;

namespace {

namespace uc = upkeep::controller;
using json = nlohmann::json;
using Steady = std::chrono::steady_clock;
using namespace std::chrono_literals;

// ---- workload ---------------------------------------------------------------------------------
constexpr char kNamespace[] = "default";
constexpr char kDomainSuffix[] = ".certs-bench.test";  // challtestsrv resolves it to 127.0.0.1
constexpr char kEmail[] = "bench@example.test";
constexpr char kRunLabel[] = "bench.upkeep.dev/run";
constexpr char kAccountSecret[] = "certs-bench-acme-account";
constexpr char kDevExample[] = "upkeep-dev";  // examples/dev/10-certrenewal.yaml (self-signed)
constexpr int kCreateThreads = 8;
constexpr auto kSettle = 2s;

// ---- bounds -----------------------------------------------------------------------------------
constexpr auto kUpkeepStartBudget = 60s;  // kubeconfig written, example CertRenewal Ready
constexpr auto kClientProcessBudget = 30s;  // one lego or certbot run
constexpr auto kStopBudget = 10s;           // SIGTERM, then SIGKILL
constexpr auto kProgressEvery = 10s;

// ---- targets (issue 5) --------------------------------------------------------------------------
constexpr int kTargetCertificates = 1000;
constexpr double kTargetSeconds = 30;
constexpr double kTargetRssMib = 20;
constexpr double kCertManagerRssMib = 95;  // published by cert-manager
constexpr char kLegoReference[] = "lego: 200 in 13.6 s with 8 processes in parallel";

void Log(const std::string& message) { std::cerr << "[certs_bench] " << message << std::endl; }

double Seconds(Steady::duration d) { return std::chrono::duration<double>(d).count(); }

// Nearest-rank percentile of an unsorted sample (q in [0,1]).
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

std::string ReadWholeFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The last `max_chars` of a log, on one line, for the notes under the table.
std::string LogTail(const std::string& path, size_t max_chars = 300) {
  std::string text = ReadWholeFile(path);
  if (text.size() > max_chars) text = text.substr(text.size() - max_chars);
  std::replace(text.begin(), text.end(), '\n', ' ');
  return text;
}

// ---- /proc figures ------------------------------------------------------------------------------

// utime+stime+cutime+cstime of `pid` in seconds; NAN when unreadable.
double ProcessCpuSeconds(pid_t pid) {
  std::string stat = ReadWholeFile("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return NAN;
  std::istringstream fields(stat.substr(paren + 2));
  std::vector<std::string> f;
  for (std::string s; fields >> s;) f.push_back(s);
  if (f.size() < 15) return NAN;  // f[0] is field 3 (state); utime is field 14
  double ticks = std::stod(f[11]) + std::stod(f[12]) + std::stod(f[13]) + std::stod(f[14]);
  return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// A "Vm...:" line of /proc/PID/status in KiB; -1 when unreadable.
long StatusKib(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stol(line.substr(field.size() + 1));
  }
  return -1;
}

std::string LoadAverage() {
  std::string text = ReadWholeFile("/proc/loadavg");
  std::istringstream in(text);
  std::string a, b, c;
  in >> a >> b >> c;
  return a + " " + b + " " + c;
}

// ---- the processes the bench starts -------------------------------------------------------------

// Every child is registered with the time by which it must have exited. The watchdog kills the
// late ones, and on a signal or at the run's time limit all of them, always by PID. A child
// leaves the registry after it has exited and before it is reaped, so a registered PID never
// belongs to another process.
class ChildRegistry {
 public:
  void Add(pid_t pid, Steady::time_point deadline) {
    std::lock_guard<std::mutex> lock(mu_);
    deadlines_[pid] = deadline;
  }

  // True if the child was killed for running past its deadline.
  bool Remove(pid_t pid) {
    std::lock_guard<std::mutex> lock(mu_);
    deadlines_.erase(pid);
    return overdue_.erase(pid) > 0;
  }

  void KillOverdue() {
    std::lock_guard<std::mutex> lock(mu_);
    auto now = Steady::now();
    for (const auto& [pid, deadline] : deadlines_) {
      if (now >= deadline && overdue_.insert(pid).second) kill(pid, SIGKILL);
    }
  }

  void KillAll() {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& [pid, deadline] : deadlines_) kill(pid, SIGKILL);
  }

 private:
  std::mutex mu_;
  std::map<pid_t, Steady::time_point> deadlines_;  // guarded by mu_
  std::set<pid_t> overdue_;                        // guarded by mu_
};

ChildRegistry& Children() {
  static ChildRegistry* registry = new ChildRegistry();
  return *registry;
}

// What the watchdog cleans up besides the children: pebble (its helper challtestsrv dies with
// the bench through PR_SET_PDEATHSIG) and the temporary folders.
std::mutex g_cleanup_mu;
pid_t g_pebble_pid = -1;               // guarded by g_cleanup_mu
std::vector<std::string> g_temp_dirs;  // guarded by g_cleanup_mu
volatile std::sig_atomic_t g_signal = 0;

void OnSignal(int signal) { g_signal = signal; }

void RemoveTempDirs() {
  std::lock_guard<std::mutex> lock(g_cleanup_mu);
  for (const std::string& dir : g_temp_dirs) {
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
  g_temp_dirs.clear();
}

void StartWatchdog(Steady::time_point deadline) {
  std::thread([deadline] {
    while (true) {
      std::this_thread::sleep_for(100ms);
      int signal = g_signal;
      if (signal != 0 || Steady::now() >= deadline) {
        Log(signal != 0 ? "signal received: ending every process the bench started"
                        : "time limit reached: ending every process the bench started");
        Children().KillAll();
        {
          std::lock_guard<std::mutex> lock(g_cleanup_mu);
          if (g_pebble_pid > 0) kill(g_pebble_pid, SIGKILL);
        }
        RemoveTempDirs();
        std::fflush(nullptr);
        _exit(signal != 0 ? 128 + signal : 3);
      }
      Children().KillOverdue();
    }
  }).detach();
}

struct Command {
  std::string binary;              // absolute path
  std::vector<std::string> args;   // after argv[0]
  std::vector<std::string> env;    // the whole environment
  std::string log_path;            // stdout and stderr, appended
};

// Forks and execs `command`; the child is registered with `deadline` and dies with the thread
// that started it (PR_SET_PDEATHSIG), so a crashed bench leaves nothing behind.
absl::StatusOr<pid_t> Spawn(const Command& command, Steady::time_point deadline) {
  std::vector<std::string> arg_strings = {command.binary};
  arg_strings.insert(arg_strings.end(), command.args.begin(), command.args.end());
  std::vector<std::string> env_strings = command.env;
  std::vector<char*> argv, envp;
  for (std::string& a : arg_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);
  int log = open(command.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (log < 0 || devnull < 0) {
    if (log >= 0) close(log);
    if (devnull >= 0) close(devnull);
    return absl::InternalError("cannot open " + command.log_path);
  }
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid == 0) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(127);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    dup2(devnull, STDIN_FILENO);
    dup2(log, STDOUT_FILENO);
    dup2(log, STDERR_FILENO);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  close(log);
  close(devnull);
  if (pid < 0) return absl::InternalError("fork failed for " + command.binary);
  Children().Add(pid, deadline);
  return pid;
}

struct ExitInfo {
  int wstatus = 0;
  rusage usage{};
  bool overdue = false;  // killed by the watchdog for running past its deadline

  bool Succeeded() const { return WIFEXITED(wstatus) && WEXITSTATUS(wstatus) == 0; }
};

ExitInfo Reap(pid_t pid) {
  ExitInfo info;
  info.overdue = Children().Remove(pid);
  while (wait4(pid, &info.wstatus, 0, &info.usage) < 0 && errno == EINTR) {
  }
  return info;
}

// Blocks until `pid` has exited, then reaps it.
ExitInfo WaitForChild(pid_t pid) {
  siginfo_t info{};
  while (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT) != 0 && errno == EINTR) {
  }
  return Reap(pid);
}

// Waits up to `timeout` for `pid` to exit; reaps it if it did.
std::optional<ExitInfo> WaitForChildFor(pid_t pid, std::chrono::milliseconds timeout) {
  auto deadline = Steady::now() + timeout;
  while (true) {
    siginfo_t info{};
    if (waitid(P_PID, static_cast<id_t>(pid), &info, WEXITED | WNOWAIT | WNOHANG) == 0 &&
        info.si_pid == pid) {
      return Reap(pid);
    }
    if (Steady::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
}

// A long-running child (upkeep dev), ended by PID when it goes out of scope: SIGTERM, then
// SIGKILL after kStopBudget.
class ScopedChild {
 public:
  explicit ScopedChild(pid_t pid) : pid_(pid) {}
  ~ScopedChild() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    if (!WaitForChildFor(pid_, kStopBudget)) {
      kill(pid_, SIGKILL);
      WaitForChild(pid_);
    }
  }
  ScopedChild(const ScopedChild&) = delete;
  ScopedChild& operator=(const ScopedChild&) = delete;

  pid_t pid() const { return pid_; }
  // True while the child runs (false once it exited; it is then reaped).
  bool Running() {
    if (pid_ <= 0) return false;
    if (WaitForChildFor(pid_, 0ms)) pid_ = -1;
    return pid_ > 0;
  }

 private:
  pid_t pid_;
};

// The environment for every child: ours without proxy settings (all traffic stays on
// 127.0.0.1), plus `extra`.
std::vector<std::string> ChildEnvironment(const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), ::tolower);
    if (lower == "http_proxy" || lower == "https_proxy" || lower == "all_proxy" ||
        lower == "no_proxy") {
      continue;
    }
    bool overridden = false;
    for (const std::string& x : extra) overridden |= x.rfind(name + "=", 0) == 0;
    if (!overridden) env.push_back(entry);
  }
  env.push_back("NO_PROXY=127.0.0.1,localhost");
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// `name` on PATH as an absolute path; "" if missing.
std::string FindOnPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin:/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

// A TCP port on 127.0.0.1 that was free a moment ago; 0 if none.
int PickFreePort() {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  int port = 0;
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
      getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0) {
    port = ntohs(addr.sin_port);
  }
  close(fd);
  return port;
}

// ---- the one HTTP-01 server of the webroot runs -------------------------------------------------

// Serves DIR/.well-known/acme-challenge/TOKEN on 127.0.0.1:PORT (one connection at a time,
// "Connection: close"): the web server in front of ACME clients in webroot mode. Thread-safe.
class WebrootServer {
 public:
  static absl::StatusOr<std::unique_ptr<WebrootServer>> Start(int port, const std::string& dir) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    // The previous phase's client may still be letting go of the port.
    auto deadline = Steady::now() + 10s;
    while (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      if (Steady::now() >= deadline) {
        close(fd);
        return absl::UnavailableError("cannot bind 127.0.0.1:" + std::to_string(port));
      }
      std::this_thread::sleep_for(100ms);
    }
    if (listen(fd, 128) != 0) {
      close(fd);
      return absl::InternalError("listen failed on 127.0.0.1:" + std::to_string(port));
    }
    std::unique_ptr<WebrootServer> server(new WebrootServer(fd, dir));
    server->thread_ = std::thread([raw = server.get()] { raw->Serve(); });
    return server;
  }

  ~WebrootServer() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
    close(listen_fd_);
  }
  WebrootServer(const WebrootServer&) = delete;
  WebrootServer& operator=(const WebrootServer&) = delete;

 private:
  WebrootServer(int fd, std::string dir) : listen_fd_(fd), dir_(std::move(dir)) {}

  void Serve() {
    while (!stop_) {
      pollfd p{listen_fd_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      int conn = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      Answer(conn);
      close(conn);
    }
  }

  void Answer(int conn) {
    timeval timeout{5, 0};
    setsockopt(conn, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof(timeout));
    setsockopt(conn, SOL_SOCKET, SO_SNDTIMEO, &timeout, sizeof(timeout));
    std::string request;
    char buffer[2048];
    while (request.find("\r\n\r\n") == std::string::npos && request.size() < 8192) {
      ssize_t n = recv(conn, buffer, sizeof(buffer), 0);
      if (n <= 0) return;
      request.append(buffer, static_cast<size_t>(n));
    }
    std::istringstream line(request.substr(0, request.find("\r\n")));
    std::string method, path;
    line >> method >> path;
    const std::string prefix = "/.well-known/acme-challenge/";
    std::string body;
    bool found = false;
    if (method == "GET" && path.rfind(prefix, 0) == 0 && path.size() > prefix.size()) {
      std::string token = path.substr(prefix.size());
      bool valid = std::all_of(token.begin(), token.end(),
                               [](char c) { return std::isalnum(static_cast<unsigned char>(c)) ||
                                                   c == '-' || c == '_'; });
      if (valid) {
        std::ifstream in(dir_ + prefix + token);
        if (in) {
          std::stringstream s;
          s << in.rdbuf();
          body = s.str();
          found = true;
        }
      }
    }
    std::string response = found ? "HTTP/1.1 200 OK\r\n" : "HTTP/1.1 404 Not Found\r\n";
    response += "Content-Type: text/plain\r\nContent-Length: " + std::to_string(body.size()) +
                "\r\nConnection: close\r\n\r\n" + body;
    for (size_t sent = 0; sent < response.size();) {
      ssize_t n = send(conn, response.data() + sent, response.size() - sent, MSG_NOSIGNAL);
      if (n <= 0) return;
      sent += static_cast<size_t>(n);
    }
  }

  // Constant after construction.
  const int listen_fd_;
  const std::string dir_;

  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// ---- results ----------------------------------------------------------------------------------

struct UpkeepDetails {
  long idle_rss_kib = -1;     // before the first create (example CertRenewal Ready, settled)
  long done_rss_kib = -1;     // when the last CertRenewal turned Ready
  long settled_rss_kib = -1;  // kSettle later, with the N CertRenewals and Secrets present
  long hwm_kib = -1;          // VmHWM: the process's peak
  double idle_cpu_ms_per_s = NAN;  // the process's CPU while idle, over kSettle before creates
  double create_seconds = 0;  // all creates answered
  int create_errors = 0;
  int issued_within_target = 0;  // Ready within kTargetSeconds of the first create
  std::vector<double> create_to_ready_s;
  uint64_t certrenewal_json_bytes = 0;
  uint64_t secret_json_bytes = 0;
  int secrets = 0;
};

struct PhaseResult {
  std::string label;
  bool ran = false;
  int requested = 0;
  int issued = 0;
  int failed = 0;
  bool stopped_early = false;  // the phase's timeout ended it before every issuance finished
  double wall_s = 0;
  double cpu_s = NAN;          // of the measured process(es)
  double pebble_cpu_s = NAN;
  long max_rss_kib = -1;       // clients: largest ru_maxrss of one process; upkeep: VmHWM
  double mean_rss_kib = NAN;   // clients: mean ru_maxrss over their processes
  std::string error;           // the first failure, for the notes
  std::optional<UpkeepDetails> upkeep;

  double PerMinute() const { return wall_s > 0 ? issued / wall_s * 60.0 : NAN; }
  double CpuMsPerIssuance() const { return issued > 0 ? cpu_s * 1000.0 / issued : NAN; }
  double PebbleMsPerIssuance() const { return issued > 0 ? pebble_cpu_s * 1000.0 / issued : NAN; }
};

// What every phase shares: the one pebble and where its validation goes.
struct RunContext {
  std::string directory_url;
  std::string ca_file;  // pebble's listener CA (PEM): every client verifies TLS with it
  std::string ca_pem;
  int http_port = 0;    // pebble's httpPort: where it validates HTTP-01
  pid_t pebble_pid = -1;
  std::string work;     // the run's temporary folder
};

// ---- phase 1: upkeep dev ------------------------------------------------------------------------

uc::ResourceType CertRenewals() {
  return uc::ResourceType{"upkeep.dev", "v1alpha1", "certrenewals", "CertRenewal", true};
}

uc::ResourceType Secrets() { return uc::ResourceType{"", "v1", "secrets", "Secret", true}; }

std::string UpkeepName(int i) {
  char name[32];
  std::snprintf(name, sizeof(name), "bench-%05d", i);
  return name;
}

json CertRenewalObject(const RunContext& ctx, int i) {
  std::string name = UpkeepName(i);
  return json{
      {"apiVersion", "upkeep.dev/v1alpha1"},
      {"kind", "CertRenewal"},
      {"metadata", {{"name", name}, {"namespace", kNamespace}, {"labels", {{kRunLabel, "certs"}}}}},
      {"spec",
       {{"secretName", name + "-tls"},
        {"dnsNames", {name + kDomainSuffix}},
        {"privateKey", {{"algorithm", "ECDSA"}, {"size", 256}}},
        {"issuer",
         {{"acme",
           {{"server", ctx.directory_url},
            {"email", kEmail},
            {"accountKeySecretRef", {{"name", kAccountSecret}}},
            {"caBundle", ctx.ca_pem},
            {"solver", {{"http01", {{"port", ctx.http_port}}}}}}}}}}}};
}

const json* FindCondition(const json& object, const std::string& type) {
  auto status = object.find("status");
  if (status == object.end() || !status->contains("conditions")) return nullptr;
  for (const json& c : (*status)["conditions"]) {
    if (c.value("type", "") == type) return &c;
  }
  return nullptr;
}

bool IsIssued(const json& object) {
  auto status = object.find("status");
  if (status == object.end() || !status->is_object()) return false;
  auto revision = status->find("revision");
  if (revision == status->end() || !revision->is_number() || revision->get<int64_t>() < 1) {
    return false;
  }
  const json* ready = FindCondition(object, "Ready");
  return ready != nullptr && ready->value("status", "") == "True";
}

// The Issuing condition's message when issuance failed (upkeep then backs off for 1 h).
std::optional<std::string> IssuanceFailure(const json& object) {
  const json* issuing = FindCondition(object, "Issuing");
  if (issuing == nullptr || issuing->value("reason", "") != "Failed") return std::nullopt;
  return issuing->value("message", "");
}

// Follows the benchmark's CertRenewals (from the watch) until each is issued or failed.
class IssuanceTracker {
 public:
  void MarkCreated(const std::string& name, Steady::time_point at) {
    std::lock_guard<std::mutex> lock(mu_);
    created_[name] = at;
  }

  void Observe(const json& object) {
    if (!object.is_object() || !object.contains("metadata")) return;
    std::string name = object["metadata"].value("name", "");
    auto now = Steady::now();
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (ready_.count(name) > 0) return;
      if (IsIssued(object)) {
        ready_[name] = now;
        failed_.erase(name);
      } else if (auto failure = IssuanceFailure(object)) {
        if (failed_.emplace(name, *failure).second && first_failure_.empty()) {
          first_failure_ = name + ": " + *failure;
        }
      } else {
        return;
      }
    }
    cv_.notify_all();
  }

  // True once `count` CertRenewals are issued or failed; false at `deadline`.
  bool WaitUntilSettled(size_t count, Steady::time_point deadline) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_until(lock, deadline, [&] { return ready_.size() + failed_.size() >= count; });
  }

  size_t Ready() const {
    std::lock_guard<std::mutex> lock(mu_);
    return ready_.size();
  }
  size_t Failed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return failed_.size();
  }
  std::string FirstFailure() const {
    std::lock_guard<std::mutex> lock(mu_);
    return first_failure_;
  }
  std::optional<Steady::time_point> LastReady() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::optional<Steady::time_point> last;
    for (const auto& [name, at] : ready_) last = last ? std::max(*last, at) : at;
    return last;
  }
  // Seconds from each create to its Ready; and how many turned Ready by `start + within`.
  std::vector<double> CreateToReady() const {
    std::lock_guard<std::mutex> lock(mu_);
    std::vector<double> out;
    for (const auto& [name, at] : ready_) {
      auto created = created_.find(name);
      if (created != created_.end()) out.push_back(Seconds(at - created->second));
    }
    return out;
  }
  int ReadyBy(Steady::time_point at) const {
    std::lock_guard<std::mutex> lock(mu_);
    return static_cast<int>(std::count_if(ready_.begin(), ready_.end(),
                                          [&](const auto& entry) { return entry.second <= at; }));
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, Steady::time_point> created_;  // guarded by mu_
  std::map<std::string, Steady::time_point> ready_;    // guarded by mu_
  std::map<std::string, std::string> failed_;          // guarded by mu_
  std::string first_failure_;                          // guarded by mu_
};

// Lists, then watches, the benchmark's CertRenewals into `tracker` until stopped; a watch that
// ends is resumed from a new list.
void FollowCertRenewals(uc::KubeClient& kube, IssuanceTracker& tracker, std::stop_token stop) {
  std::string selector = std::string(kRunLabel) + "=certs";
  while (!stop.stop_requested()) {
    uc::ListOptions list_options;
    list_options.label_selector = selector;
    absl::StatusOr<json> list = kube.List(CertRenewals(), kNamespace, list_options);
    if (!list.ok()) {
      std::this_thread::sleep_for(200ms);
      continue;
    }
    for (const json& item : list->at("items")) tracker.Observe(item);
    uc::WatchOptions watch_options;
    watch_options.resource_version = list->at("metadata").value("resourceVersion", "");
    watch_options.label_selector = selector;
    (void)kube.Watch(
        CertRenewals(), kNamespace, watch_options,
        [&](uc::WatchEvent&& event) {
          if (event.type == "ADDED" || event.type == "MODIFIED") tracker.Observe(event.object);
          return !stop.stop_requested();
        },
        stop);
  }
}

// The summed compact JSON of the objects a list returns (all pages) and their count.
std::pair<uint64_t, int> ListedJsonBytes(uc::KubeClient& kube, const uc::ResourceType& type,
                                         const std::string& selector) {
  uc::ListOptions options;
  options.label_selector = selector;
  options.limit = 500;
  uint64_t bytes = 0;
  int objects = 0;
  while (true) {
    absl::StatusOr<json> page = kube.List(type, kNamespace, options);
    if (!page.ok()) break;
    for (const json& item : page->at("items")) {
      bytes += item.dump().size();
      ++objects;
    }
    options.continue_token = page->at("metadata").value("continue", "");
    if (options.continue_token.empty()) break;
  }
  return {bytes, objects};
}

struct Flags {
  bool quick = false;
  std::string upkeep_binary = UPKEEP_BENCH_DEFAULT_BINARY;
  int upkeep = 1000;
  int upkeep_timeout_s = 300;
  int lego_seq = 10;
  int lego_par = 200;
  int lego_procs = 8;
  int certbot_seq = 10;
  int certbot_par = 50;
  int certbot_procs = 4;
  int phase_timeout_s = 150;
};

PhaseResult RunUpkeep(const RunContext& ctx, const Flags& flags) {
  PhaseResult r;
  r.label = "upkeep dev (API server + operator, 1 process)";
  r.requested = flags.upkeep;
  r.upkeep.emplace();
  UpkeepDetails& details = *r.upkeep;
  std::string dir = ctx.work + "/upkeep";
  std::filesystem::create_directories(dir);
  const std::string log = dir + "/upkeep.log";
  Command command{flags.upkeep_binary,
                  {"dev", "--listen", "127.0.0.1:0", "--kubeconfig-out", dir + "/kubeconfig",
                   "--metrics-bind-address", "127.0.0.1:0", "--health-probe-bind-address",
                   "127.0.0.1:0"},
                  ChildEnvironment({}),
                  log};
  auto budget = kUpkeepStartBudget + std::chrono::seconds(flags.upkeep_timeout_s) + 60s;
  absl::StatusOr<pid_t> pid = Spawn(command, Steady::now() + budget);
  if (!pid.ok()) {
    r.error = std::string(pid.status().message());
    return r;
  }
  ScopedChild upkeep(*pid);
  Log("upkeep dev: pid " + std::to_string(*pid));

  // The kubeconfig appears once the embedded API server listens.
  auto start_deadline = Steady::now() + kUpkeepStartBudget;
  absl::StatusOr<uc::ClientConfig> config = absl::UnavailableError("no kubeconfig yet");
  while (!config.ok()) {
    if (!upkeep.Running()) {
      r.error = "upkeep dev exited: " + LogTail(log);
      return r;
    }
    if (Steady::now() >= start_deadline) {
      r.error = "upkeep dev wrote no kubeconfig: " + LogTail(log);
      return r;
    }
    std::this_thread::sleep_for(50ms);
    if (std::filesystem::exists(dir + "/kubeconfig")) config = uc::LoadKubeconfig(dir + "/kubeconfig");
  }
  if (config->server.rfind("http://127.0.0.1:", 0) != 0 &&
      config->server.rfind("https://127.0.0.1:", 0) != 0) {
    r.error = "the kubeconfig's server is not on 127.0.0.1: " + config->server;
    return r;
  }
  uc::ClientOptions client_options;
  client_options.qps = 0;  // the load generator, not the operator
  client_options.user_agent = "certs-bench";
  absl::StatusOr<std::unique_ptr<uc::KubeClient>> client =
      uc::KubeClient::Create(*config, client_options);
  if (!client.ok()) {
    r.error = std::string(client.status().message());
    return r;
  }
  uc::KubeClient& kube = **client;
  Log("upkeep dev: API server " + config->server);

  // The operator is up once the example CertRenewal (self-signed) is Ready.
  bool example_ready = false;
  while (!example_ready && Steady::now() < start_deadline && upkeep.Running()) {
    absl::StatusOr<json> example = kube.Get(CertRenewals(), kNamespace, kDevExample);
    example_ready = example.ok() && IsIssued(*example);
    if (!example_ready) std::this_thread::sleep_for(100ms);
  }
  if (!example_ready) {
    r.error = "the example CertRenewal " + std::string(kDevExample) +
              " did not turn Ready within 60 s: " + LogTail(log);
    return r;
  }
  double idle_cpu_start = ProcessCpuSeconds(*pid);
  auto idle_start = Steady::now();
  std::this_thread::sleep_for(kSettle);
  details.idle_cpu_ms_per_s =
      (ProcessCpuSeconds(*pid) - idle_cpu_start) * 1000.0 / Seconds(Steady::now() - idle_start);

  std::vector<json> objects;
  for (int i = 0; i < flags.upkeep; ++i) objects.push_back(CertRenewalObject(ctx, i));
  IssuanceTracker tracker;
  std::jthread follower([&](std::stop_token stop) { FollowCertRenewals(kube, tracker, stop); });
  std::this_thread::sleep_for(200ms);  // the watch is open before the first create

  details.idle_rss_kib = StatusKib(*pid, "VmRSS");
  double cpu_before = ProcessCpuSeconds(*pid);
  double pebble_before = ProcessCpuSeconds(ctx.pebble_pid);
  r.ran = true;
  Log("upkeep dev: creating " + std::to_string(flags.upkeep) + " CertRenewals");
  auto started = Steady::now();
  std::atomic<int> next{0};
  std::atomic<int> create_errors{0};
  std::mutex error_mu;
  std::string first_create_error;
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kCreateThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = next++; i < flags.upkeep; i = next++) {
          tracker.MarkCreated(UpkeepName(i), Steady::now());
          absl::StatusOr<json> created = kube.Create(CertRenewals(), kNamespace, objects[i]);
          if (!created.ok()) {
            ++create_errors;
            std::lock_guard<std::mutex> lock(error_mu);
            if (first_create_error.empty()) {
              first_create_error = "create " + UpkeepName(i) + ": " +
                                   std::string(created.status().message());
            }
          }
        }
      });
    }
  }
  details.create_seconds = Seconds(Steady::now() - started);
  details.create_errors = create_errors.load();
  size_t expected = static_cast<size_t>(flags.upkeep - details.create_errors);

  auto deadline = started + std::chrono::seconds(flags.upkeep_timeout_s);
  while (!tracker.WaitUntilSettled(expected, std::min(deadline, Steady::now() + kProgressEvery))) {
    if (Steady::now() >= deadline || !upkeep.Running()) break;
    Log("upkeep dev: " + std::to_string(tracker.Ready()) + " Ready, " +
        std::to_string(tracker.Failed()) + " failed after " +
        std::to_string(static_cast<int>(Seconds(Steady::now() - started))) + " s; RSS " +
        std::to_string(StatusKib(*pid, "VmRSS") / 1024) + " MiB");
  }
  auto finished = Steady::now();
  r.issued = static_cast<int>(tracker.Ready());
  r.failed = static_cast<int>(tracker.Failed()) + details.create_errors;
  r.stopped_early = r.issued + r.failed < r.requested;
  std::optional<Steady::time_point> last_ready = tracker.LastReady();
  r.wall_s = Seconds((r.stopped_early || !last_ready ? finished : *last_ready) - started);
  details.done_rss_kib = StatusKib(*pid, "VmRSS");
  std::this_thread::sleep_for(kSettle);  // work the last issuances left behind is counted
  r.cpu_s = ProcessCpuSeconds(*pid) - cpu_before;
  r.pebble_cpu_s = ProcessCpuSeconds(ctx.pebble_pid) - pebble_before;
  details.settled_rss_kib = StatusKib(*pid, "VmRSS");
  details.hwm_kib = StatusKib(*pid, "VmHWM");
  r.max_rss_kib = details.hwm_kib;
  details.issued_within_target =
      tracker.ReadyBy(started + std::chrono::duration_cast<Steady::duration>(
                                    std::chrono::duration<double>(kTargetSeconds)));
  details.create_to_ready_s = tracker.CreateToReady();
  r.error = !first_create_error.empty() ? first_create_error : tracker.FirstFailure();
  if (r.stopped_early && r.error.empty()) {
    r.error = upkeep.Running() ? "not all Ready within --upkeep-timeout " +
                                     std::to_string(flags.upkeep_timeout_s) + " s"
                               : "upkeep dev exited: " + LogTail(log);
  }
  follower.request_stop();
  follower.join();
  // Outside the measurement: the stored size of what the N issuances left in the API server.
  std::tie(details.certrenewal_json_bytes, std::ignore) =
      ListedJsonBytes(kube, CertRenewals(), std::string(kRunLabel) + "=certs");
  std::tie(details.secret_json_bytes, details.secrets) = ListedJsonBytes(kube, Secrets(), "");
  Log("upkeep dev: " + std::to_string(r.issued) + " issued in " + std::to_string(r.wall_s) + " s");
  return r;
}

// ---- phases 2 and 3: lego and certbot -----------------------------------------------------------

enum class Tool { kLego, kCertbot };
enum class Solver { kOwnServer, kWebroot };

const char* ToolName(Tool tool) { return tool == Tool::kLego ? "lego" : "certbot"; }

// One issuance of one name by `tool`, its state in `state_dir` (kept across the runs of one
// worker, so the ACME account is registered once per worker, as upkeep registers one).
Command ClientCommand(const RunContext& ctx, Tool tool, Solver solver, const std::string& domain,
                      const std::string& state_dir, const std::string& webroot,
                      const std::string& log) {
  Command c;
  c.log_path = log;
  std::string port = std::to_string(ctx.http_port);
  if (tool == Tool::kLego) {
    c.binary = FindOnPath("lego");
    c.args = {"--server", ctx.directory_url, "--email", kEmail, "--accept-tos", "--key-type",
              "ec256", "--domains", domain, "--http"};
    if (solver == Solver::kWebroot) {
      c.args.insert(c.args.end(), {"--http.webroot", webroot});
    } else {
      c.args.insert(c.args.end(), {"--http.port", "127.0.0.1:" + port});
    }
    c.args.insert(c.args.end(), {"--path", state_dir, "run"});
    c.env = ChildEnvironment({"LEGO_CA_CERTIFICATES=" + ctx.ca_file});
  } else {
    c.binary = FindOnPath("certbot");
    c.args = {"certonly", "--non-interactive", "--server", ctx.directory_url, "--agree-tos",
              "-m", kEmail, "--no-eff-email", "--key-type", "ecdsa", "--elliptic-curve",
              "secp256r1", "-d", domain, "--config-dir", state_dir + "/config", "--work-dir",
              state_dir + "/work", "--logs-dir", state_dir + "/logs"};
    if (solver == Solver::kWebroot) {
      c.args.insert(c.args.end(), {"--webroot", "-w", webroot});
    } else {
      c.args.insert(c.args.end(), {"--standalone", "--http-01-address", "127.0.0.1",
                                   "--http-01-port", port});
    }
    c.env = ChildEnvironment({"REQUESTS_CA_BUNDLE=" + ctx.ca_file});
  }
  return c;
}

PhaseResult RunClientPhase(const RunContext& ctx, const Flags& flags, Tool tool, Solver solver,
                           int count, int processes) {
  PhaseResult r;
  std::string mode = solver == Solver::kWebroot ? "par" : "seq";
  if (solver == Solver::kWebroot) {
    r.label = std::string(ToolName(tool)) + ", " + std::to_string(processes) + " parallel (" +
              (tool == Tool::kLego ? "--http.webroot" : "--webroot") + ")";
  } else {
    r.label = std::string(ToolName(tool)) + ", sequential (" +
              (tool == Tool::kLego ? "--http.port" : "--standalone") + ")";
  }
  r.requested = count;
  if (count <= 0) return r;
  std::string base = ctx.work + "/" + ToolName(tool) + "-" + mode;
  std::string webroot = base + "/webroot";
  std::filesystem::create_directories(webroot);
  std::unique_ptr<WebrootServer> server;
  if (solver == Solver::kWebroot) {
    absl::StatusOr<std::unique_ptr<WebrootServer>> started =
        WebrootServer::Start(ctx.http_port, webroot);
    if (!started.ok()) {
      r.error = std::string(started.status().message());
      return r;
    }
    server = std::move(*started);
  }
  Log(r.label + ": " + std::to_string(count) + " issuances");
  r.ran = true;

  std::mutex mu;
  int issued = 0, failed = 0;
  double cpu = 0;
  long max_rss = -1;
  double rss_sum = 0;
  int processes_run = 0;
  std::string first_error;
  std::atomic<int> next{0};
  double pebble_before = ProcessCpuSeconds(ctx.pebble_pid);
  auto started = Steady::now();
  auto phase_deadline = started + std::chrono::seconds(flags.phase_timeout_s);
  {
    std::vector<std::jthread> workers;
    for (int w = 0; w < processes; ++w) {
      workers.emplace_back([&, w] {
        std::string state_dir = base + "/worker-" + std::to_string(w);
        std::filesystem::create_directories(state_dir);
        std::string log = state_dir + ".log";
        for (int i = next++; i < count && Steady::now() < phase_deadline; i = next++) {
          char domain[96];
          std::snprintf(domain, sizeof(domain), "%s-%s-%05d%s", ToolName(tool), mode.c_str(), i,
                        kDomainSuffix);
          Command command = ClientCommand(ctx, tool, solver, domain, state_dir, webroot, log);
          absl::StatusOr<pid_t> pid = Spawn(command, Steady::now() + kClientProcessBudget);
          if (!pid.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            ++failed;
            if (first_error.empty()) first_error = std::string(pid.status().message());
            continue;
          }
          ExitInfo exit = WaitForChild(*pid);
          double seconds = static_cast<double>(exit.usage.ru_utime.tv_sec) +
                           static_cast<double>(exit.usage.ru_stime.tv_sec) +
                           static_cast<double>(exit.usage.ru_utime.tv_usec) / 1e6 +
                           static_cast<double>(exit.usage.ru_stime.tv_usec) / 1e6;
          std::lock_guard<std::mutex> lock(mu);
          cpu += seconds;
          max_rss = std::max(max_rss, exit.usage.ru_maxrss);
          rss_sum += static_cast<double>(exit.usage.ru_maxrss);
          ++processes_run;
          if (exit.Succeeded()) {
            ++issued;
          } else {
            ++failed;
            if (first_error.empty()) {
              first_error = std::string(domain) + (exit.overdue ? " (killed after 30 s)" : "") +
                            ": " + LogTail(log);
            }
          }
        }
      });
    }
  }
  r.wall_s = Seconds(Steady::now() - started);
  r.pebble_cpu_s = ProcessCpuSeconds(ctx.pebble_pid) - pebble_before;
  r.issued = issued;
  r.failed = failed;
  r.cpu_s = cpu;
  r.max_rss_kib = max_rss;
  r.mean_rss_kib = processes_run > 0 ? rss_sum / processes_run : NAN;
  r.error = first_error;
  r.stopped_early = issued + failed < count;
  if (r.stopped_early && r.error.empty()) {
    r.error = "no issuance started after --phase-timeout " + std::to_string(flags.phase_timeout_s) +
              " s";
  }
  Log(r.label + ": " + std::to_string(issued) + " issued, " + std::to_string(failed) +
      " failed in " + std::to_string(r.wall_s) + " s");
  return r;
}

// ---- report -----------------------------------------------------------------------------------

std::string Fixed(double v, int digits, const std::string& unit = "") {
  if (std::isnan(v)) return "n/a";
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v << unit;
  return o.str();
}

std::string Mib(long kib, int digits = 1) {
  return kib < 0 ? "n/a" : Fixed(static_cast<double>(kib) / 1024.0, digits, " MiB");
}

std::string Verdict(std::optional<bool> met) {
  if (!met) return "n/a";
  return *met ? "met" : "NOT met";
}

std::string PackageVersions() {
  std::string out;
  FILE* pipe = popen("dpkg-query -W -f='${Package} ${Version}, ' pebble lego certbot 2>/dev/null",
                     "r");
  if (pipe == nullptr) return "";
  char buffer[256];
  while (std::fgets(buffer, sizeof(buffer), pipe) != nullptr) out += buffer;
  pclose(pipe);
  if (out.size() >= 2) out.resize(out.size() - 2);
  return out;
}

void Report(const RunContext& ctx, const Flags& flags, const std::vector<PhaseResult>& phases,
            const std::string& load_before, const std::string& load_after, double total_s) {
  std::cout << "\ncerts bench: ACME issuance against one pebble, real HTTP-01 validation on "
               "127.0.0.1:"
            << ctx.http_port << (flags.quick ? "  [--quick]" : "") << "\n"
            << "packages: " << PackageVersions() << "; upkeep " << flags.upkeep_binary << "\n"
            << "pebble env (same for every client): PEBBLE_VA_NOSLEEP=1 PEBBLE_WFE_NONCEREJECT=0 "
               "PEBBLE_AUTHZREUSE=0, -strict; TLS to pebble verified with its CA by all\n"
            << "certificate keys: ECDSA P-256 for all; one ACME account per upkeep process and per "
               "lego/certbot worker\n"
            << "load average before " << load_before << ", after " << load_after
            << " (2 cores; other builds may run at the same time)\n\n";

  const int w0 = 46, w1 = 11, w2 = 9, w3 = 9, w4 = 12, w5 = 15, w6 = 20;
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d, const std::string& e, const std::string& f,
                 const std::string& g) {
    std::cout << std::left << std::setw(w0) << a << std::right << std::setw(w1) << b
              << std::setw(w2) << c << std::setw(w3) << d << std::setw(w4) << e << std::setw(w5)
              << f << "   " << std::left << std::setw(w6) << g << "\n";
  };
  row("client, mode", "issued", "wall s", "per min", "CPU ms/iss", "pebble ms/iss",
      "memory");
  row(std::string(w0 - 1, '-'), std::string(w1 - 1, '-'), std::string(w2 - 1, '-'),
      std::string(w3 - 1, '-'), std::string(w4 - 1, '-'), std::string(w5 - 1, '-'),
      std::string(w6, '-'));
  for (const PhaseResult& p : phases) {
    if (p.requested <= 0) continue;
    std::string issued = std::to_string(p.issued) + "/" + std::to_string(p.requested);
    std::string memory;
    if (p.upkeep) {
      memory = "RSS " + Mib(p.upkeep->settled_rss_kib) + " with the certs, peak " +
               Mib(p.upkeep->hwm_kib);
    } else {
      memory = "max RSS " + Mib(p.max_rss_kib) + "/process (mean " +
               Mib(static_cast<long>(std::isnan(p.mean_rss_kib) ? -1 : p.mean_rss_kib)) + ")";
    }
    if (!p.ran) {
      row(p.label, "not run", "", "", "", "", "");
      continue;
    }
    row(p.label, issued, Fixed(p.wall_s, 1), Fixed(p.PerMinute(), 0),
        Fixed(p.CpuMsPerIssuance(), 1), Fixed(p.PebbleMsPerIssuance(), 1), memory);
  }

  const PhaseResult* upkeep = nullptr;
  std::vector<const PhaseResult*> legos;
  for (const PhaseResult& p : phases) {
    if (p.upkeep && p.ran) upkeep = &p;
    if (p.label.rfind("lego", 0) == 0 && p.ran && p.issued > 0) legos.push_back(&p);
  }

  if (upkeep != nullptr) {
    const UpkeepDetails& d = *upkeep->upkeep;
    double per_cert_kib =
        upkeep->issued > 0 && d.settled_rss_kib >= 0 && d.idle_rss_kib >= 0
            ? static_cast<double>(d.settled_rss_kib - d.idle_rss_kib) / upkeep->issued
            : NAN;
    std::cout << "\nupkeep details:\n"
              << "  VmRSS idle (example Ready) " << Mib(d.idle_rss_kib) << ", at the last Ready "
              << Mib(d.done_rss_kib) << ", " << std::chrono::seconds(kSettle).count()
              << " s later " << Mib(d.settled_rss_kib) << ", VmHWM " << Mib(d.hwm_kib) << "; "
              << Fixed(per_cert_kib, 1, " KiB") << " per CertRenewal above idle\n"
              << "  the API server holds the run's " << upkeep->requested << " CertRenewals ("
              << Fixed(static_cast<double>(d.certrenewal_json_bytes) / 1048576.0, 2, " MiB")
              << " JSON) and " << d.secrets << " Secrets ("
              << Fixed(static_cast<double>(d.secret_json_bytes) / 1048576.0, 2, " MiB")
              << " JSON); the operator's informers cache both kinds too\n"
              << "  creates: " << upkeep->requested - d.create_errors << " in "
              << Fixed(d.create_seconds, 2, " s") << " (" << d.create_errors << " errors)"
              << "; create-to-Ready p50/p99/max "
              << Fixed(Percentile(d.create_to_ready_s, 0.5), 2) << "/"
              << Fixed(Percentile(d.create_to_ready_s, 0.99), 2) << "/"
              << Fixed(Percentile(d.create_to_ready_s, 1.0), 2, " s") << "; Ready within "
              << kTargetSeconds << " s of the first create: " << d.issued_within_target << "\n"
              << "  CPU " << Fixed(upkeep->cpu_s, 2, " s") << " (the whole process: the API server "
              << "serving the creates, the watch and the operator's requests, and the operator; "
              << "idle it uses " << Fixed(d.idle_cpu_ms_per_s, 1, " ms/s") << "); pebble "
              << Fixed(upkeep->pebble_cpu_s, 2, " s") << "\n";
  }

  std::cout << "\n" << std::left << std::setw(52) << "targets (issue 5)" << std::setw(9)
            << "result" << "measured\n";
  auto target = [](const std::string& name, const std::string& measured, std::optional<bool> met) {
    std::cout << "  " << std::left << std::setw(50) << name << std::setw(9) << Verdict(met)
              << measured << "\n";
  };
  if (upkeep != nullptr) {
    bool full = upkeep->requested >= kTargetCertificates;
    std::optional<bool> speed_met, memory_met;
    if (full) {
      speed_met = upkeep->issued >= kTargetCertificates && !upkeep->stopped_early &&
                  upkeep->wall_s < kTargetSeconds;
      memory_met = upkeep->upkeep->settled_rss_kib >= 0 &&
                   upkeep->upkeep->settled_rss_kib / 1024.0 < kTargetRssMib;
    }
    target("1,000 CertRenewals issued in < 30 s (one pebble)",
           std::to_string(upkeep->issued) + " in " + Fixed(upkeep->wall_s, 1, " s") + ", " +
               std::to_string(upkeep->upkeep->issued_within_target) + " within 30 s" +
               (full ? "" : " (N < 1,000)"),
           speed_met);
    std::optional<bool> cpu_met;
    std::string lego_cpu = "no lego run";
    if (!legos.empty()) {
      const PhaseResult* best = *std::min_element(
          legos.begin(), legos.end(), [](const PhaseResult* a, const PhaseResult* b) {
            return a->CpuMsPerIssuance() < b->CpuMsPerIssuance();
          });
      lego_cpu = Fixed(best->CpuMsPerIssuance(), 1, " ms") + " (" + best->label + ")";
      if (upkeep->issued > 0) cpu_met = upkeep->CpuMsPerIssuance() <= best->CpuMsPerIssuance();
    }
    target("upkeep CPU per issuance <= lego's (its best run)",
           Fixed(upkeep->CpuMsPerIssuance(), 1, " ms") + " vs " + lego_cpu, cpu_met);
    target("resident memory with 1,000 CertRenewals < 20 MiB",
           Mib(upkeep->upkeep->settled_rss_kib) + " (upkeep dev: API server + operator)" +
               (full ? "" : " (N < 1,000)"),
           memory_met);
  } else {
    std::cout << "  upkeep was not run\n";
  }
  std::cout << "  references from the issue: " << kLegoReference << "; cert-manager publishes "
            << kCertManagerRssMib << " MiB\n";

  bool notes_header = false;
  for (const PhaseResult& p : phases) {
    if (p.error.empty() && !p.stopped_early) continue;
    if (!notes_header) std::cout << "\nnotes:\n";
    notes_header = true;
    std::cout << "  " << p.label << ": " << (p.stopped_early ? "stopped by its timeout; " : "")
              << (p.failed > 0 ? std::to_string(p.failed) + " failed; " : "") << p.error << "\n";
  }
  std::cout << "\nsequential runs use the client's own HTTP-01 server on pebble's one validation "
               "port; parallel\nruns write into one webroot served there by the bench (its CPU "
               "is not charged to them).\nClient CPU = utime+stime of the client processes "
               "(wait4); upkeep CPU = the upkeep dev process.\n"
            << "total run " << Fixed(total_s, 1, " s") << "\n";
}

// ---- main -------------------------------------------------------------------------------------

const char kUsage[] =
    "usage: certs_bench [--quick] [--upkeep-binary PATH] [--upkeep N] [--upkeep-timeout S]\n"
    "                   [--lego-seq N] [--lego-par N] [--lego-procs K]\n"
    "                   [--certbot-seq N] [--certbot-par N] [--certbot-procs K]\n"
    "                   [--phase-timeout S]\n"
    "defaults: --upkeep 1000 --upkeep-timeout 300 --lego-seq 10 --lego-par 200 --lego-procs 8\n"
    "          --certbot-seq 10 --certbot-par 50 --certbot-procs 4 --phase-timeout 150\n"
    "--quick:  --upkeep 20 --upkeep-timeout 60 --lego-seq 3 --lego-par 8 --lego-procs 4\n"
    "          --certbot-seq 2 --certbot-par 4 --certbot-procs 2 --phase-timeout 60\n"
    "A count of 0 skips that phase.\n";

std::optional<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  std::vector<std::pair<std::string, std::string>> values;
  for (int i = 1; i < argc; ++i) {
    std::string name = argv[i];
    if (name == "--quick") {
      flags.quick = true;
      continue;
    }
    if (name.rfind("--", 0) != 0 || i + 1 >= argc) return std::nullopt;
    values.emplace_back(name, argv[++i]);
  }
  if (flags.quick) {
    flags.upkeep = 20;
    flags.upkeep_timeout_s = 60;
    flags.lego_seq = 3;
    flags.lego_par = 8;
    flags.lego_procs = 4;
    flags.certbot_seq = 2;
    flags.certbot_par = 4;
    flags.certbot_procs = 2;
    flags.phase_timeout_s = 60;
  }
  const std::map<std::string, int*> counts = {
      {"--upkeep", &flags.upkeep},           {"--upkeep-timeout", &flags.upkeep_timeout_s},
      {"--lego-seq", &flags.lego_seq},       {"--lego-par", &flags.lego_par},
      {"--lego-procs", &flags.lego_procs},   {"--certbot-seq", &flags.certbot_seq},
      {"--certbot-par", &flags.certbot_par}, {"--certbot-procs", &flags.certbot_procs},
      {"--phase-timeout", &flags.phase_timeout_s}};
  for (const auto& [name, value] : values) {
    if (name == "--upkeep-binary") {
      flags.upkeep_binary = value;
      continue;
    }
    auto it = counts.find(name);
    if (it == counts.end()) return std::nullopt;
    try {
      *it->second = std::stoi(value);
    } catch (const std::exception&) {
      return std::nullopt;
    }
    if (*it->second < 0) return std::nullopt;
  }
  if (flags.lego_procs < 1 || flags.certbot_procs < 1 || flags.upkeep_timeout_s < 1 ||
      flags.phase_timeout_s < 1) {
    return std::nullopt;
  }
  return flags;
}

}  // namespace

int main(int argc, char** argv) {
  std::optional<Flags> flags = ParseFlags(argc, argv);
  if (!flags) {
    std::cerr << kUsage;
    return 2;
  }
  for (const char* tool : {"pebble", "pebble-challtestsrv", "openssl"}) {
    if (FindOnPath(tool).empty()) {
      std::cerr << "certs_bench: " << tool << " is not installed (Debian package pebble)\n";
      return 1;
    }
  }
  if (flags->upkeep > 0 && access(flags->upkeep_binary.c_str(), X_OK) != 0) {
    std::cerr << "certs_bench: no upkeep binary at " << flags->upkeep_binary << "\n";
    return 1;
  }
  if (flags->lego_seq + flags->lego_par > 0 && FindOnPath("lego").empty()) {
    std::cerr << "certs_bench: lego is not installed; use --lego-seq 0 --lego-par 0\n";
    return 1;
  }
  if (flags->certbot_seq + flags->certbot_par > 0 && FindOnPath("certbot").empty()) {
    std::cerr << "certs_bench: certbot is not installed; use --certbot-seq 0 --certbot-par 0\n";
    return 1;
  }

  // The run's time limit: every phase's own bound plus the starts and stops around them.
  auto run_budget = 60s + kUpkeepStartBudget + std::chrono::seconds(flags->upkeep_timeout_s) +
                    3 * kSettle + 60s +
                    4 * (std::chrono::seconds(flags->phase_timeout_s) + kClientProcessBudget +
                         15s);
  struct sigaction action{};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
  StartWatchdog(Steady::now() + run_budget);
  Log("time limit for the whole run: " +
      std::to_string(std::chrono::duration_cast<std::chrono::seconds>(run_budget).count()) + " s");

  auto run_started = Steady::now();
  std::string load_before = LoadAverage();
  RunContext ctx;
  ctx.work = std::filesystem::temp_directory_path().string() + "/upkeep-certs-bench-XXXXXX";
  if (mkdtemp(ctx.work.data()) == nullptr) {
    std::cerr << "certs_bench: cannot create a temporary folder\n";
    return 1;
  }
  {
    std::lock_guard<std::mutex> lock(g_cleanup_mu);
    g_temp_dirs.push_back(ctx.work);
  }

  int exit_code = 0;
  {
    ctx.http_port = PickFreePort();
    upkeep::testing::PebbleOptions pebble_options;
    pebble_options.http_port = ctx.http_port;
    pebble_options.nonce_reject_percent = 0;
    pebble_options.authz_reuse_percent = 0;
    Log("starting pebble (HTTP-01 validation on 127.0.0.1:" + std::to_string(ctx.http_port) + ")");
    auto pebble = upkeep::testing::PebbleProcess::Start(pebble_options);
    if (!pebble.ok()) {
      std::cerr << "certs_bench: pebble did not start: " << pebble.status() << "\n";
      RemoveTempDirs();
      return 1;
    }
    {
      std::lock_guard<std::mutex> lock(g_cleanup_mu);
      g_pebble_pid = (*pebble)->pid();
      g_temp_dirs.push_back((*pebble)->dir());
    }
    ctx.directory_url = (*pebble)->directory_url();
    ctx.ca_pem = (*pebble)->tls_ca_pem();
    ctx.pebble_pid = (*pebble)->pid();
    ctx.ca_file = ctx.work + "/pebble-tls-ca.pem";
    std::ofstream(ctx.ca_file) << ctx.ca_pem;
    Log("pebble " + ctx.directory_url + " (pid " + std::to_string(ctx.pebble_pid) + ")");

    std::vector<PhaseResult> phases;
    if (flags->upkeep > 0) {
      phases.push_back(RunUpkeep(ctx, *flags));
    }
    phases.push_back(RunClientPhase(ctx, *flags, Tool::kLego, Solver::kOwnServer,
                                    flags->lego_seq, 1));
    phases.push_back(RunClientPhase(ctx, *flags, Tool::kLego, Solver::kWebroot, flags->lego_par,
                                    flags->lego_procs));
    phases.push_back(RunClientPhase(ctx, *flags, Tool::kCertbot, Solver::kOwnServer,
                                    flags->certbot_seq, 1));
    phases.push_back(RunClientPhase(ctx, *flags, Tool::kCertbot, Solver::kWebroot,
                                    flags->certbot_par, flags->certbot_procs));
    for (const PhaseResult& p : phases) {
      if (p.requested > 0 && (!p.ran || p.failed > 0 || p.stopped_early)) exit_code = 1;
    }
    Report(ctx, *flags, phases, load_before, LoadAverage(),
           Seconds(Steady::now() - run_started));
    std::cout.flush();
    {
      std::lock_guard<std::mutex> lock(g_cleanup_mu);
      g_pebble_pid = -1;  // the PebbleProcess ends it by PID below
    }
  }
  RemoveTempDirs();
  return exit_code;
}
