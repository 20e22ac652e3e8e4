// apiserver_bench: measures the real `upkeep apiserver` process against the performance
// targets of the issue and PRINTS the results (it never asserts, its exit status only says
// whether the run itself worked).
//
//   apiserver_bench [PATH_TO_UPKEEP_BINARY]
//
// It starts the server itself on 127.0.0.1 port 0 (once in memory, once with --data-dir in a
// fresh temporary directory), waits for the kubeconfig, and talks plain HTTP/1.1 keep-alive over
// POSIX sockets to 127.0.0.1 only. Every phase is bounded in count and time; a watchdog ends
// the server and the bench if the whole run passes kTotalBudget. The server is always ended by
// its PID (SIGTERM, then wait; SIGKILL only if it does not exit).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iomanip>
#include <iostream>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

namespace {

using Clock = std::chrono::steady_clock;
using json = nlohmann::json;
namespace fs = std::filesystem;

// ---- workload parameters (the numbers) ------------------------------------------------
constexpr int kObjects = 10000;
constexpr int kCreateConnections = 8;
constexpr int kDataBytes = 500;
constexpr int kListRuns = 20;
constexpr int kWatchers = 100;
constexpr int kUpdates = 200;
constexpr auto kUpdateInterval = std::chrono::milliseconds(20);

// ---- bounds ----------------------------------------------------------------------------------
constexpr auto kTotalBudget = std::chrono::seconds(175);      // watchdog: whole run
constexpr auto kCreatePhaseBudget = std::chrono::seconds(50);  // per create phase
constexpr auto kListPhaseBudget = std::chrono::seconds(25);
constexpr auto kStartupBudget = std::chrono::seconds(20);
constexpr int kSocketTimeoutSeconds = 20;

// ---- targets -------------------------------------------------------------------------------------
constexpr double kTargetCreatesMemory = 2000;  // per second
constexpr double kTargetCreatesDisk = 500;     // per second
constexpr double kTargetListMs = 50;
constexpr double kTargetWatchP99Ms = 5;

std::atomic<pid_t> g_server_pid{0};

void Log(const std::string& msg) { std::cerr << "[bench] " << msg << std::endl; }

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }
double Millis(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }
int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch()).count();
}

// Nearest-rank percentile of an unsorted sample (q in [0,1]).
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  if (rank == 0) rank = 1;
  return v[std::min(rank, v.size()) - 1];
}

std::string Fixed(double v, int digits) {
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << v;
  return o.str();
}

// ---- server process --------------------------------------------------------------------------

void OnFatalSignal(int sig) {
  pid_t pid = g_server_pid.load();
  if (pid > 0) kill(pid, SIGTERM);
  _exit(128 + sig);
}

class ServerProcess {
 public:
  ServerProcess(const std::string& binary, const fs::path& workdir, const std::string& data_dir)
      : workdir_(workdir) {
    kubeconfig_ = workdir / "kubeconfig";
    log_ = workdir / "server.log";
    std::vector<std::string> args = {binary, "apiserver", "--listen", "127.0.0.1:0",
                                     "--kubeconfig-out", kubeconfig_.string()};
    if (!data_dir.empty()) {
      args.push_back("--data-dir");
      args.push_back(data_dir);
    }
    pid_t pid = fork();
    if (pid < 0) throw std::runtime_error(std::string("fork: ") + strerror(errno));
    if (pid == 0) {
      int fd = open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
        close(fd);
      }
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    pid_ = pid;
    g_server_pid = pid;
    WaitForKubeconfig();
  }

  ~ServerProcess() { Stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  pid_t pid() const { return pid_; }
  int port() const { return port_; }
  const std::string& url() const { return url_; }

  // SIGTERM, then wait up to 10 s; SIGKILL only if it is still there.
  void Stop() {
    if (pid_ <= 0) return;
    kill(pid_, SIGTERM);
    auto deadline = Clock::now() + std::chrono::seconds(10);
    int status = 0;
    bool reaped = false;
    while (Clock::now() < deadline) {
      pid_t r = waitpid(pid_, &status, WNOHANG);
      if (r == pid_ || (r < 0 && errno == ECHILD)) {
        reaped = true;
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    if (!reaped) {
      Log("server pid " + std::to_string(pid_) + " did not exit after SIGTERM; sending SIGKILL");
      kill(pid_, SIGKILL);
      waitpid(pid_, &status, 0);
    }
    g_server_pid = 0;
    pid_ = -1;
  }

  std::string LogTail() const {
    std::ifstream in(log_);
    std::string all((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
  }

 private:
  void WaitForKubeconfig() {
    auto deadline = Clock::now() + kStartupBudget;
    while (Clock::now() < deadline) {
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        g_server_pid = 0;
        throw std::runtime_error("server exited during startup; log:\n" + LogTail());
      }
      std::ifstream in(kubeconfig_);
      std::string line;
      while (in && std::getline(in, line)) {
        auto pos = line.find("server:");
        if (pos == std::string::npos) continue;
        std::string url = line.substr(pos + 7);
        url.erase(0, url.find_first_not_of(" \t\"'"));
        url.erase(url.find_last_not_of(" \t\"'\r") + 1);
        const std::string prefix = "http://127.0.0.1:";
        if (url.rfind(prefix, 0) != 0) {
          throw std::runtime_error("unexpected server URL in kubeconfig (want " + prefix + "...): " + url);
        }
        url_ = url;
        port_ = std::stoi(url.substr(prefix.size()));
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("no kubeconfig after " + std::to_string(kStartupBudget.count()) + " s; log:\n" + LogTail());
  }

  fs::path workdir_, kubeconfig_, log_;
  pid_t pid_ = -1;
  int port_ = 0;
  std::string url_;
};

long RssKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// ---- HTTP/1.1 client over POSIX sockets ------------------------------------------------------------

int ConnectLoopback(int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) throw std::runtime_error(std::string("socket: ") + strerror(errno));
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{};
  tv.tv_sec = kSocketTimeoutSeconds;
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    int e = errno;
    close(fd);
    throw std::runtime_error(std::string("connect 127.0.0.1: ") + strerror(e));
  }
  return fd;
}

void SendAll(int fd, const std::string& data) {
  size_t off = 0;
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(std::string("send: ") + strerror(errno));
    off += static_cast<size_t>(n);
  }
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

struct ResponseHead {
  int status = 0;
  long content_length = -1;
  bool chunked = false;
  bool close = false;
};

// Parses the status line and headers (text up to, not including, the blank line).
ResponseHead ParseHead(const std::string& head) {
  ResponseHead h;
  std::istringstream in(head);
  std::string line;
  std::getline(in, line);
  if (line.rfind("HTTP/1.", 0) != 0 || line.size() < 12) throw std::runtime_error("bad status line: " + line);
  h.status = std::stoi(line.substr(9, 3));
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = Lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (name == "content-length") h.content_length = std::stol(value);
    if (name == "transfer-encoding" && Lower(value).find("chunked") != std::string::npos) h.chunked = true;
    if (name == "connection" && Lower(value).find("close") != std::string::npos) h.close = true;
  }
  return h;
}

struct Response {
  int status = 0;
  std::string body;
};

// One keep-alive connection; reconnects when the server closed it.
class HttpConnection {
 public:
  explicit HttpConnection(int port) : port_(port) {}
  ~HttpConnection() { Close(); }
  HttpConnection(const HttpConnection&) = delete;
  HttpConnection& operator=(const HttpConnection&) = delete;

  Response Request(const std::string& method, const std::string& path, const std::string& body = "",
                   const std::string& content_type = "application/json") {
    if (fd_ < 0) {
      fd_ = ConnectLoopback(port_);
      buf_.clear();
    }
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port_) +
                      "\r\nAccept: application/json\r\nUser-Agent: upkeep-apiserver-bench\r\n";
    if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
      req += "Content-Type: " + content_type + "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n";
    req += body;
    try {
      SendAll(fd_, req);
      Response r = ReadResponse();
      return r;
    } catch (...) {
      Close();
      throw;
    }
  }

 private:
  void Close() {
    if (fd_ >= 0) close(fd_);
    fd_ = -1;
    buf_.clear();
  }

  void ReadMore() {
    char tmp[65536];
    for (;;) {
      ssize_t n = recv(fd_, tmp, sizeof tmp, 0);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) throw std::runtime_error(std::string("recv: ") + strerror(errno));
      if (n == 0) throw std::runtime_error("connection closed by server");
      buf_.append(tmp, static_cast<size_t>(n));
      return;
    }
  }

  Response ReadResponse() {
    size_t end;
    while ((end = buf_.find("\r\n\r\n")) == std::string::npos) ReadMore();
    ResponseHead h = ParseHead(buf_.substr(0, end));
    buf_.erase(0, end + 4);
    Response r;
    r.status = h.status;
    if (h.chunked) {
      for (;;) {
        size_t eol;
        while ((eol = buf_.find("\r\n")) == std::string::npos) ReadMore();
        size_t size = std::stoul(buf_.substr(0, eol), nullptr, 16);
        if (size == 0) {
          buf_.erase(0, eol + 2);
          // Trailers (none expected) end with an empty line.
          for (;;) {
            while ((eol = buf_.find("\r\n")) == std::string::npos) ReadMore();
            bool empty = eol == 0;
            buf_.erase(0, eol + 2);
            if (empty) break;
          }
          break;
        }
        while (buf_.size() < eol + 2 + size + 2) ReadMore();
        r.body.append(buf_, eol + 2, size);
        buf_.erase(0, eol + 2 + size + 2);
      }
    } else if (h.content_length >= 0) {
      while (buf_.size() < static_cast<size_t>(h.content_length)) ReadMore();
      r.body = buf_.substr(0, static_cast<size_t>(h.content_length));
      buf_.erase(0, static_cast<size_t>(h.content_length));
    } else {
      // Body delimited by close.
      try {
        for (;;) ReadMore();
      } catch (const std::exception&) {
      }
      r.body = std::move(buf_);
      h.close = true;
    }
    if (h.close) Close();
    return r;
  }

  int port_;
  int fd_ = -1;
  std::string buf_;
};

std::string Snippet(const std::string& s) { return s.size() > 300 ? s.substr(0, 300) + "..." : s; }

// ---- workload -----------------------------------------------------------------------------------

std::string ObjectName(int i) {
  char name[32];
  std::snprintf(name, sizeof name, "bench-%05d", i);
  return name;
}

// A ConfigMap with ~kDataBytes bytes of data (5 keys of 100 characters, different per object).
std::string ConfigMapBody(int i) {
  json data = json::object();
  for (int k = 0; k < 5; ++k) {
    std::string v;
    v.reserve(kDataBytes / 5);
    unsigned x = static_cast<unsigned>(i) * 2654435761u + static_cast<unsigned>(k) * 40503u;
    while (v.size() < kDataBytes / 5) {
      x = x * 1103515245u + 12345u;
      v.push_back(static_cast<char>('a' + (x >> 16) % 26));
    }
    data["key-" + std::to_string(k)] = v;
  }
  json cm = {{"apiVersion", "v1"},
             {"kind", "ConfigMap"},
             {"metadata", {{"name", ObjectName(i)}, {"namespace", "default"}, {"labels", {{"app", "bench"}}}}},
             {"data", data}};
  return cm.dump();
}

const std::string kCollection = "/api/v1/namespaces/default/configmaps";

struct CreateResult {
  int ok = 0;
  int failed = 0;
  double seconds = 0;
  bool truncated = false;  // stopped by kCreatePhaseBudget
  std::string first_error;
  double rate() const { return seconds > 0 ? ok / seconds : 0; }
};

CreateResult RunCreates(int port, const std::vector<std::string>& bodies) {
  CreateResult result;
  std::atomic<int> ok{0}, failed{0};
  std::atomic<bool> out_of_time{false};
  std::mutex mu;
  auto start = Clock::now();
  auto deadline = start + kCreatePhaseBudget;
  std::vector<std::thread> threads;
  for (int c = 0; c < kCreateConnections; ++c) {
    threads.emplace_back([&, c] {
      HttpConnection conn(port);
      for (size_t i = static_cast<size_t>(c); i < bodies.size(); i += kCreateConnections) {
        if (Clock::now() > deadline) {
          out_of_time = true;
          return;
        }
        std::string err;
        try {
          Response r = conn.Request("POST", kCollection, bodies[i]);
          if (r.status == 201) {
            ++ok;
            continue;
          }
          err = "HTTP " + std::to_string(r.status) + ": " + Snippet(r.body);
        } catch (const std::exception& e) {
          err = e.what();
        }
        ++failed;
        std::lock_guard<std::mutex> lock(mu);
        if (result.first_error.empty()) result.first_error = err;
      }
    });
  }
  for (auto& t : threads) t.join();
  result.seconds = Seconds(Clock::now() - start);
  result.ok = ok;
  result.failed = failed;
  result.truncated = out_of_time;
  return result;
}

struct ListResult {
  std::vector<double> ms;
  size_t items = 0;
  size_t json_bytes = 0;   // sum of the items' compact JSON sizes
  size_t body_bytes = 0;   // size of the whole list response
  std::string error;
};

ListResult RunLists(int port) {
  ListResult result;
  HttpConnection conn(port);
  auto phase_deadline = Clock::now() + kListPhaseBudget;
  std::string last_body;
  for (int run = 0; run < kListRuns && Clock::now() < phase_deadline; ++run) {
    auto t0 = Clock::now();
    Response r = conn.Request("GET", kCollection);
    auto t1 = Clock::now();
    if (r.status != 200) {
      result.error = "list HTTP " + std::to_string(r.status) + ": " + Snippet(r.body);
      return result;
    }
    result.ms.push_back(Millis(t1 - t0));
    if (run == 0) last_body = std::move(r.body);
  }
  json list = json::parse(last_body);
  result.body_bytes = last_body.size();
  for (const auto& item : list.at("items")) {
    ++result.items;
    result.json_bytes += item.dump().size();
  }
  return result;
}

// ---- watch fan-out ----------------------------------------------------------------------------

struct WatchShared {
  std::atomic<bool> stop{false};
  std::atomic<int> established{0};
  std::vector<std::atomic<int64_t>> send_ns;     // index = seq; 0 = not sent yet
  std::vector<std::atomic<int>> received;        // how many watchers saw seq
  std::atomic<int> errors{0};
  std::mutex mu;
  std::string first_error;
  explicit WatchShared(int n) : send_ns(static_cast<size_t>(n)), received(static_cast<size_t>(n)) {
    for (auto& s : send_ns) s = 0;
    for (auto& r : received) r = 0;
  }
  void Error(const std::string& e) {
    ++errors;
    std::lock_guard<std::mutex> lock(mu);
    if (first_error.empty()) first_error = e;
  }
};

// One watch connection, read by its own thread; the receive time of each event is taken right
// after the recv() that completed its line, before any parsing.
void WatchThread(int port, const std::string& path, const std::string& object_name, WatchShared& shared,
                 std::vector<double>& latencies_ms) {
  int fd = -1;
  try {
    fd = ConnectLoopback(port);
    timeval tv{};
    tv.tv_usec = 200 * 1000;  // short timeout so the thread notices `stop`
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    SendAll(fd, "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                    "\r\nAccept: application/json\r\nUser-Agent: upkeep-apiserver-bench\r\n\r\n");
    std::string raw, lines;
    bool have_head = false, chunked = false;
    std::vector<char> seen(shared.received.size(), 0);
    const std::string seq_key = "\"seq\":\"";
    const std::string name_key = "\"name\":\"" + object_name + "\"";
    char tmp[65536];
    auto head_deadline = Clock::now() + std::chrono::seconds(kSocketTimeoutSeconds);
    while (!shared.stop) {
      ssize_t n = recv(fd, tmp, sizeof tmp, 0);
      int64_t now_ns = NowNs();
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
        if (!have_head && Clock::now() > head_deadline) throw std::runtime_error("no watch response headers");
        continue;
      }
      if (n < 0) throw std::runtime_error(std::string("watch recv: ") + strerror(errno));
      if (n == 0) throw std::runtime_error("watch closed by server");
      raw.append(tmp, static_cast<size_t>(n));
      if (!have_head) {
        size_t end = raw.find("\r\n\r\n");
        if (end == std::string::npos) continue;
        ResponseHead h = ParseHead(raw.substr(0, end));
        if (h.status != 200) throw std::runtime_error("watch HTTP " + std::to_string(h.status) + ": " + Snippet(raw));
        chunked = h.chunked;
        raw.erase(0, end + 4);
        have_head = true;
        ++shared.established;
      }
      // De-chunk what is complete into `lines`.
      if (chunked) {
        for (;;) {
          size_t eol = raw.find("\r\n");
          if (eol == std::string::npos) break;
          size_t size = std::stoul(raw.substr(0, eol), nullptr, 16);
          if (size == 0) throw std::runtime_error("watch stream ended");
          if (raw.size() < eol + 2 + size + 2) break;
          lines.append(raw, eol + 2, size);
          raw.erase(0, eol + 2 + size + 2);
        }
      } else {
        lines += raw;
        raw.clear();
      }
      size_t nl;
      while ((nl = lines.find('\n')) != std::string::npos) {
        std::string line = lines.substr(0, nl);
        lines.erase(0, nl + 1);
        if (line.empty() || line == "\r") continue;
        // Cheap extraction (no full JSON parse) so that 100 watcher threads parsing ~1 KiB
        // events do not steal the CPU the server and the other watchers need; lines that do
        // not look like our MODIFIED event are parsed properly to report errors.
        size_t seq_at = line.find(seq_key);
        if (seq_at == std::string::npos || line.find("\"type\":\"MODIFIED\"") == std::string::npos ||
            line.find(name_key) == std::string::npos) {
          json ev = json::parse(line, nullptr, false);
          if (ev.is_discarded()) shared.Error("unparsable watch line: " + Snippet(line));
          else if (ev.value("type", "") == "ERROR") shared.Error("watch ERROR event: " + Snippet(line));
          continue;
        }
        int seq = std::atoi(line.c_str() + seq_at + seq_key.size());
        if (seq < 0 || static_cast<size_t>(seq) >= seen.size() || seen[static_cast<size_t>(seq)]) continue;
        seen[static_cast<size_t>(seq)] = 1;
        int64_t sent = shared.send_ns[static_cast<size_t>(seq)].load();
        if (seq > 0 && sent > 0) latencies_ms.push_back(static_cast<double>(now_ns - sent) / 1e6);
        ++shared.received[static_cast<size_t>(seq)];
      }
    }
  } catch (const std::exception& e) {
    if (!shared.stop) shared.Error(e.what());
  }
  if (fd >= 0) close(fd);
}

struct WatchResult {
  std::vector<double> ms;
  int established = 0;
  size_t expected = 0;
  int errors = 0;
  int write_failures = 0;
  std::string first_error;
};

bool WaitFor(const std::function<bool()>& cond, Clock::duration timeout) {
  auto deadline = Clock::now() + timeout;
  while (Clock::now() < deadline) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return cond();
}

WatchResult RunWatchFanOut(int port) {
  WatchResult result;
  const std::string object = ObjectName(0);
  const std::string object_path = kCollection + "/" + object;
  HttpConnection writer(port);
  // The current resourceVersion is the list's (a one-item page of it), so the watchers start
  // after everything already stored and see only the updates below.
  Response cur = writer.Request("GET", kCollection + "?limit=1");
  if (cur.status != 200) throw std::runtime_error("GET " + kCollection + "?limit=1: HTTP " + std::to_string(cur.status));
  std::string rv = json::parse(cur.body)["metadata"].value("resourceVersion", "");
  if (rv.empty()) throw std::runtime_error("list has no metadata.resourceVersion");
  const std::string watch_path = kCollection + "?watch=true&resourceVersion=" + rv;

  WatchShared shared(kUpdates + 1);
  std::vector<std::vector<double>> per_watcher(kWatchers);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWatchers; ++w) {
    threads.emplace_back(WatchThread, port, watch_path, object, std::ref(shared), std::ref(per_watcher[static_cast<size_t>(w)]));
  }
  struct Joiner {
    WatchShared& s;
    std::vector<std::thread>& t;
    ~Joiner() {
      s.stop = true;
      for (auto& th : t) th.join();
    }
  } joiner{shared, threads};

  auto patch = [&](int seq) {
    std::string body = "{\"data\":{\"seq\":\"" + std::to_string(seq) + "\"}}";
    shared.send_ns[static_cast<size_t>(seq)] = NowNs();
    Response r = writer.Request("PATCH", object_path, body, "application/merge-patch+json");
    if (r.status != 200) {
      ++result.write_failures;
      if (result.first_error.empty()) result.first_error = "PATCH HTTP " + std::to_string(r.status) + ": " + Snippet(r.body);
    }
  };

  // The server may send headers only with the first event, so synchronise on a warm-up
  // event (seq 0, not measured) that every watcher must see.
  WaitFor([&] { return shared.established.load() + shared.errors.load() >= kWatchers; }, std::chrono::seconds(2));
  patch(0);
  if (!WaitFor([&] { return shared.received[0].load() + shared.errors.load() >= kWatchers; }, std::chrono::seconds(10))) {
    Log("warning: only " + std::to_string(shared.received[0].load()) + " of " + std::to_string(kWatchers) +
        " watchers saw the warm-up event");
  }
  result.established = shared.established.load();

  auto next = Clock::now();
  for (int seq = 1; seq <= kUpdates; ++seq) {
    std::this_thread::sleep_until(next);
    next = Clock::now() + kUpdateInterval;
    patch(seq);
  }
  WaitFor([&] { return shared.received[kUpdates].load() + shared.errors.load() >= result.established; },
          std::chrono::seconds(3));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));  // stragglers for earlier seqs
  shared.stop = true;
  for (auto& t : threads) t.join();
  threads.clear();

  for (auto& v : per_watcher) result.ms.insert(result.ms.end(), v.begin(), v.end());
  result.expected = static_cast<size_t>(kWatchers) * kUpdates;
  result.errors = shared.errors.load();
  if (result.first_error.empty()) result.first_error = shared.first_error;
  return result;
}

// ---- report ---------------------------------------------------------------------------------------

struct Row {
  std::string metric, value, target, verdict;
};

std::string Verdict(bool measured, bool met) { return !measured ? "not measured" : met ? "met" : "NOT MET"; }

void PrintTable(const std::vector<Row>& rows) {
  size_t w[4] = {6, 5, 6, 7};
  for (const auto& r : rows) {
    w[0] = std::max(w[0], r.metric.size());
    w[1] = std::max(w[1], r.value.size());
    w[2] = std::max(w[2], r.target.size());
    w[3] = std::max(w[3], r.verdict.size());
  }
  auto line = [&](const std::string& a, const std::string& b, const std::string& c, const std::string& d) {
    std::cout << "| " << std::left << std::setw(static_cast<int>(w[0])) << a << " | " << std::setw(static_cast<int>(w[1])) << b
              << " | " << std::setw(static_cast<int>(w[2])) << c << " | " << std::setw(static_cast<int>(w[3])) << d << " |\n";
  };
  line("metric", "value", "target", "result");
  std::cout << "|" << std::string(w[0] + 2, '-') << "|" << std::string(w[1] + 2, '-') << "|" << std::string(w[2] + 2, '-')
            << "|" << std::string(w[3] + 2, '-') << "|\n";
  for (const auto& r : rows) line(r.metric, r.value, r.target, r.verdict);
  std::cout.flush();
}

Row CreateRow(const std::string& metric, const CreateResult& c, double target) {
  std::string value = Fixed(c.rate(), 0) + "/s (" + std::to_string(c.ok) + " in " + Fixed(c.seconds, 2) + " s";
  if (c.failed) value += ", " + std::to_string(c.failed) + " failed";
  if (c.truncated) value += ", stopped at time limit";
  value += ")";
  return {metric, value, ">= " + Fixed(target, 0) + "/s", Verdict(c.ok > 0, c.rate() >= target && c.failed == 0)};
}

}  // namespace

int main(int argc, char** argv) {
  std::string binary = argc > 1 ? argv[1] : UPKEEP_BENCH_DEFAULT_BINARY;
  if (argc > 2 || binary == "-h" || binary == "--help") {
    std::cerr << "usage: apiserver_bench [PATH_TO_UPKEEP_BINARY]\n";
    return 2;
  }
  if (access(binary.c_str(), X_OK) != 0) {
    std::cerr << "apiserver_bench: not an executable: " << binary << "\n";
    return 2;
  }
  signal(SIGINT, OnFatalSignal);
  signal(SIGTERM, OnFatalSignal);
  signal(SIGHUP, OnFatalSignal);
  signal(SIGPIPE, SIG_IGN);

  // Watchdog: bounds the whole run even if the server hangs.
  std::thread([] {
    std::this_thread::sleep_for(kTotalBudget);
    std::cerr << "[bench] whole-run time limit reached; ending the server and the bench" << std::endl;
    pid_t pid = g_server_pid.load();
    if (pid > 0) {
      kill(pid, SIGTERM);
      for (int i = 0; i < 100 && waitpid(pid, nullptr, WNOHANG) == 0; ++i) usleep(50 * 1000);
      if (waitpid(pid, nullptr, WNOHANG) == 0) kill(pid, SIGKILL);
    }
    _exit(3);
  }).detach();

  char tmpl[] = "/tmp/upkeep-apiserver-bench-XXXXXX";
  if (!mkdtemp(tmpl)) {
    std::cerr << "mkdtemp: " << strerror(errno) << "\n";
    return 1;
  }
  const fs::path tmp = tmpl;
  const auto run_start = Clock::now();
  std::vector<Row> rows;
  int exit_code = 0;

  Log("building " + std::to_string(kObjects) + " ConfigMap bodies");
  std::vector<std::string> bodies;
  bodies.reserve(kObjects);
  for (int i = 0; i < kObjects; ++i) bodies.push_back(ConfigMapBody(i));
  Log("one body is " + std::to_string(bodies[0].size()) + " bytes");

  // ---- in-memory server: creates, list, watch, RSS ----
  try {
    fs::create_directories(tmp / "memory");
    ServerProcess server(binary, tmp / "memory", "");
    Log("in-memory server pid " + std::to_string(server.pid()) + " at " + server.url());
    long rss_empty = RssKiB(server.pid());

    Log("creates (in memory): " + std::to_string(kObjects) + " POSTs over " + std::to_string(kCreateConnections) + " connections");
    CreateResult c = RunCreates(server.port(), bodies);
    if (!c.first_error.empty()) Log("first create error: " + c.first_error);
    rows.push_back(CreateRow("creates/s, in memory (" + std::to_string(kObjects) + " x ~" + std::to_string(kDataBytes) + " B, " +
                                 std::to_string(kCreateConnections) + " conns)",
                             c, kTargetCreatesMemory));
    long rss_after_creates = RssKiB(server.pid());

    Log("list latency: " + std::to_string(kListRuns) + " full lists");
    ListResult l;
    try {
      l = RunLists(server.port());
    } catch (const std::exception& e) {
      l.error = e.what();
    }
    if (!l.error.empty()) Log("list error: " + l.error);
    long rss_after_lists = RssKiB(server.pid());
    bool list_ok = !l.ms.empty() && l.error.empty();
    double med = Percentile(l.ms, 0.5), p99 = Percentile(l.ms, 0.99);
    std::string objs = std::to_string(l.items) + " objects, " + std::to_string(l.ms.size()) + " runs";
    rows.push_back({"list latency median (" + objs + ")", list_ok ? Fixed(med, 1) + " ms" : "error",
                    "< " + Fixed(kTargetListMs, 0) + " ms", Verdict(list_ok, med < kTargetListMs)});
    rows.push_back({"list latency p99", list_ok ? Fixed(p99, 1) + " ms (max " + Fixed(Percentile(l.ms, 1.0), 1) + ")" : "error",
                    "< " + Fixed(kTargetListMs, 0) + " ms", Verdict(list_ok, p99 < kTargetListMs)});

    // Memory: measured with the objects stored, before the watch phase adds watchers.
    double json_mb = static_cast<double>(l.json_bytes) / (1024.0 * 1024.0);
    double target_mb = 2 * json_mb + 20;
    double rss_mb = static_cast<double>(rss_after_creates) / 1024.0;
    double rss2_mb = static_cast<double>(rss_after_lists) / 1024.0;
    bool mem_ok = list_ok && rss_after_creates > 0;
    rows.push_back({"total JSON size of the " + std::to_string(l.items) + " objects (from list)",
                    list_ok ? Fixed(json_mb, 2) + " MiB (" + std::to_string(l.json_bytes) + " B; list body " +
                                  std::to_string(l.body_bytes) + " B)"
                            : "error",
                    "-", "info"});
    rows.push_back({"server VmRSS after creates (empty: " + Fixed(static_cast<double>(rss_empty) / 1024.0, 1) + " MiB)",
                    Fixed(rss_mb, 1) + " MiB", "<= 2 x JSON + 20 MiB = " + Fixed(target_mb, 1) + " MiB",
                    Verdict(mem_ok, rss_mb <= target_mb)});
    rows.push_back({"server VmRSS after the list runs", Fixed(rss2_mb, 1) + " MiB",
                    "<= " + Fixed(target_mb, 1) + " MiB", Verdict(mem_ok, rss2_mb <= target_mb)});

    Log("watch fan-out: " + std::to_string(kWatchers) + " watchers, " + std::to_string(kUpdates) + " merge PATCHes " +
        std::to_string(kUpdateInterval.count()) + " ms apart");
    try {
      WatchResult w = RunWatchFanOut(server.port());
      if (!w.first_error.empty()) Log("watch error: " + w.first_error);
      bool ok = !w.ms.empty();
      double p50 = Percentile(w.ms, 0.5), wp99 = Percentile(w.ms, 0.99);
      std::string delivered = std::to_string(w.ms.size()) + "/" + std::to_string(w.expected) + " events";
      rows.push_back({"watch latency p50 (" + std::to_string(w.established) + " watchers x " + std::to_string(kUpdates) + " updates)",
                      ok ? Fixed(p50, 2) + " ms" : "error", "-", "info"});
      rows.push_back({"watch latency p99", ok ? Fixed(wp99, 2) + " ms (max " + Fixed(Percentile(w.ms, 1.0), 2) + ")" : "error",
                      "< " + Fixed(kTargetWatchP99Ms, 0) + " ms", Verdict(ok, wp99 < kTargetWatchP99Ms)});
      rows.push_back({"watch events delivered", delivered + (w.write_failures ? ", " + std::to_string(w.write_failures) + " writes failed" : ""),
                      "all", Verdict(ok, w.ms.size() == w.expected && w.write_failures == 0)});
    } catch (const std::exception& e) {
      Log(std::string("watch phase failed: ") + e.what());
      rows.push_back({"watch latency p99", std::string("error: ") + e.what(), "< 5 ms", "not measured"});
      exit_code = 1;
    }
    server.Stop();
  } catch (const std::exception& e) {
    Log(std::string("in-memory phase failed: ") + e.what());
    rows.push_back({"in-memory phases", std::string("error: ") + Snippet(e.what()), "-", "not measured"});
    exit_code = 1;
  }

  // ---- server with --data-dir: creates ----
  try {
    fs::create_directories(tmp / "disk" / "data");
    ServerProcess server(binary, tmp / "disk", (tmp / "disk" / "data").string());
    Log("--data-dir server pid " + std::to_string(server.pid()) + " at " + server.url() + ", data dir " +
        (tmp / "disk" / "data").string());
    Log("creates (--data-dir): " + std::to_string(kObjects) + " POSTs over " + std::to_string(kCreateConnections) + " connections");
    CreateResult c = RunCreates(server.port(), bodies);
    if (!c.first_error.empty()) Log("first create error: " + c.first_error);
    rows.push_back(CreateRow("creates/s, --data-dir (fresh temp dir)", c, kTargetCreatesDisk));
    rows.push_back({"server VmRSS after creates, --data-dir", Fixed(static_cast<double>(RssKiB(server.pid())) / 1024.0, 1) + " MiB",
                    "-", "info"});
    server.Stop();
  } catch (const std::exception& e) {
    Log(std::string("--data-dir phase failed: ") + e.what());
    rows.push_back({"creates/s, --data-dir", std::string("error: ") + Snippet(e.what()), ">= 500/s", "not measured"});
    exit_code = 1;
  }

  std::error_code ec;
  fs::remove_all(tmp, ec);

  std::cout << "\nupkeep apiserver benchmark (" << binary << "), run took " << Fixed(Seconds(Clock::now() - run_start), 1)
            << " s\n\n";
  PrintTable(rows);
  return exit_code;
}
