// controller_bench: measures upkeep's controller runtime (Manager, informer cache, work queue,
// workers) against the targets and PRINTS the figures; it never asserts. One process
// per measurement, so each resident-memory figure is that of a fresh operator process:
//
//   controller_bench --kubeconfig FILE --mode populate [--count 10000]
//   controller_bench --kubeconfig FILE --mode idle|cache|latency|throughput
//                    [--workers 4] [--patches 1000] [--seconds 5]
//   controller_bench --kubeconfig FILE --mode patch [--patches 1000]
//   controller_bench --mode report --results DIR
//
// Every mode but `report` prints one JSON line on stdout (progress and the runtime's logs go
// to stderr); bench/node-peer/peer.js prints the same fields for the peer operator, and
// `report` reads DIR/{upkeep,peer}-MODE.json and prints the side-by-side table.
// bench/run-controller-bench.sh runs the whole sequence against one `upkeep apiserver`.
//
// Latency is measured from just before a write is sent to the start of the reconcile that
// sees it. The writes come from a separate process, `--mode patch` (merge patches of one
// widget, 5 ms apart, each carrying its send time, CLOCK_REALTIME ns, in an annotation), that
// the operator under test starts once its cache is synced and drained; upkeep and the peer
// are measured against the same writer, so neither is charged for its client's write path.
//
// The operator under test is a Manager with one controller for example.dev Widgets in the
// "default" namespace (tests/e2e/testdata/widget-crd.yaml), 4 workers, metrics and probes on
// 127.0.0.1:0 (as a deployed operator serves them), and a reconciler that reads the cached
// object and returns AwaitChange. Only 127.0.0.1 is contacted (the kubeconfig's server).
// A watchdog ends the process after kProcessBudget whatever happens.
#include <malloc.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/api_error.h"
#include "controller/client/client_config.h"
#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/runtime/manager.h"

namespace {

namespace uc = upkeep::controller;
using json = nlohmann::json;
using Steady = std::chrono::steady_clock;

// ---- workload (the numbers) -----------------------------------------------------------
constexpr char kNamespace[] = "default";
constexpr char kStampAnnotation[] = "bench.upkeep.dev/sent-ns";
constexpr char kLatencyWidget[] = "widget-00000";
constexpr int kPopulateThreads = 8;
constexpr auto kSettleBeforeRss = std::chrono::seconds(2);
constexpr auto kPatchSpacing = std::chrono::milliseconds(5);
constexpr auto kLastEventWait = std::chrono::seconds(5);

// ---- bounds ---------------------------------------------------------------------------------
constexpr auto kProcessBudget = std::chrono::seconds(170);  // watchdog: the whole process
constexpr auto kSyncBudget = std::chrono::seconds(60);      // list of every widget
constexpr auto kDrainBudget = std::chrono::seconds(60);     // the initial reconcile of each
constexpr auto kThroughputBudget = std::chrono::seconds(60);

// ---- targets (for `report`) ---------------------------------------------------------------------
constexpr double kTargetIdleFractionOfPeer = 1.0 / 3.0;
constexpr double kTargetCacheCostPerJsonByte = 2.0;
constexpr double kTargetLatencyP99Ms = 5.0;
constexpr double kTargetReconcilesPerSecond = 5000.0;

void Log(const std::string& message) { std::cerr << "[controller_bench] " << message << std::endl; }

uc::ResourceType Widgets() {
  return uc::ResourceType{"example.dev", "v1", "widgets", "Widget", true};
}

std::string WidgetName(int i) {
  char name[32];
  std::snprintf(name, sizeof(name), "widget-%05d", i);
  return name;
}

// A widget of realistic size: the labels and annotations a deployed object carries, and a
// spec (the CRD's schema has two spec fields; unknown ones would be pruned).
json WidgetObject(int i) {
  std::string name = WidgetName(i);
  return json{
      {"apiVersion", "example.dev/v1"},
      {"kind", "Widget"},
      {"metadata",
       {{"name", name},
        {"namespace", kNamespace},
        {"labels",
         {{"app.kubernetes.io/name", "widget"},
          {"app.kubernetes.io/instance", name},
          {"app.kubernetes.io/part-of", "controller-bench"},
          {"app.kubernetes.io/managed-by", "upkeep"},
          {"team", i % 2 == 0 ? "storefront" : "payments"},
          {"tier", i % 3 == 0 ? "frontend" : "backend"}}},
        {"annotations",
         {{"bench.upkeep.dev/description",
           "A widget created by controller_bench to fill an operator's cache with objects of a "
           "realistic size."},
          {"bench.upkeep.dev/owner", "platform-team@example.dev"}}}}},
      {"spec", {{"size", 1 + i % 10}, {"color", i % 2 == 0 ? "red" : "blue"}}}};
}

long VmRssKib() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

int64_t NowNs(const uc::Clock& clock) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock.Now().time_since_epoch())
      .count();
}

// Nearest-rank percentile of an unsorted sample (q in [0,1]).
double Percentile(std::vector<double> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  size_t rank = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size())));
  return v[std::clamp<size_t>(rank, 1, v.size()) - 1];
}

struct Flags {
  std::string self;  // argv[0]
  std::string kubeconfig;
  std::string mode;
  std::string results;
  int count = 10000;
  int workers = 4;
  int patches = 1000;
  double seconds = 5;
};

// ---- the operator under test ------------------------------------------------------------------

// Counts reconciles, and for the latency mode measures from the stamp a patch carried to the
// start of the reconcile that sees it. The stamps are wall-clock ns (the patcher's RealClock;
// here ctx.clock, also a RealClock). Only stamps newer than AcceptStampsAfter's are counted,
// each once, so a stamp an earlier run left on the object is ignored.
class BenchReconciler : public uc::Reconciler {
 public:
  absl::StatusOr<uc::Action> Reconcile(const json& object, uc::ReconcileContext& ctx) override {
    int64_t now = NowNs(ctx.clock);
    const json& meta = object.at("metadata");
    auto annotations = meta.find("annotations");
    if (annotations != meta.end()) {
      auto stamp = annotations->find(kStampAnnotation);
      if (stamp != annotations->end() && stamp->is_string()) {
        RecordStamp(std::stoll(stamp->get<std::string>()), now);
      }
    }
    // A no-op reconcile still looks at its input, as a real one decides from the spec.
    if (object.at("spec").value("size", 0) < 0) return absl::InternalError("negative size");
    {
      std::lock_guard<std::mutex> lock(mu_);
      ++reconciles_;
    }
    cv_.notify_all();
    return uc::Action::AwaitChange();
  }

  void AcceptStampsAfter(int64_t stamp) {
    std::lock_guard<std::mutex> lock(mu_);
    last_stamp_ = stamp;
  }

  uint64_t Reconciles() const {
    std::lock_guard<std::mutex> lock(mu_);
    return reconciles_;
  }

  // True once `count` reconciles have completed; false after `timeout`.
  bool WaitForReconciles(uint64_t count, std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return reconciles_ >= count; });
  }

  std::vector<double> LatenciesMs() const {
    std::lock_guard<std::mutex> lock(mu_);
    return latencies_ms_;
  }

  // True once `count` stamps were seen; false after `timeout`.
  bool WaitForSamples(size_t count, std::chrono::milliseconds timeout) {
    auto deadline = Steady::now() + timeout;
    while (Steady::now() < deadline) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (latencies_ms_.size() >= count) return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return false;
  }

 private:
  void RecordStamp(int64_t stamp, int64_t now) {
    std::lock_guard<std::mutex> lock(mu_);
    if (stamp <= last_stamp_) return;
    last_stamp_ = stamp;
    latencies_ms_.push_back(static_cast<double>(now - stamp) / 1e6);
  }

  mutable std::mutex mu_;
  std::condition_variable cv_;
  uint64_t reconciles_ = 0;           // guarded by mu_
  int64_t last_stamp_ = INT64_MAX;    // guarded by mu_; no stamp counts before AcceptStampsAfter
  std::vector<double> latencies_ms_;  // guarded by mu_
};

// A Manager running on its own thread until destroyed.
class RunningOperator {
 public:
  static absl::StatusOr<std::unique_ptr<RunningOperator>> Start(const uc::ClientConfig& config,
                                                                int workers) {
    uc::ManagerOptions options;
    options.client_config = config;
    options.namespace_ = kNamespace;
    options.metrics_bind_address = "127.0.0.1:0";
    options.health_probe_bind_address = "127.0.0.1:0";
    options.cache_sync_timeout = std::chrono::duration_cast<std::chrono::milliseconds>(kSyncBudget);
    absl::StatusOr<std::unique_ptr<uc::Manager>> manager = uc::Manager::Create(options);
    if (!manager.ok()) return manager.status();
    std::unique_ptr<RunningOperator> op(new RunningOperator(std::move(*manager)));
    uc::ControllerOptions controller_options;
    controller_options.name = "widget";
    controller_options.max_concurrent_reconciles = workers;
    op->controller_ = &op->manager_->AddController(controller_options, Widgets(), op->reconciler_);
    op->runner_ = std::jthread([raw = op.get()](std::stop_token stop) {
      raw->result_ = raw->manager_->Run(stop);
    });
    auto deadline = Steady::now() + kSyncBudget;
    while (!op->manager_->Ready()) {
      if (Steady::now() > deadline) return absl::DeadlineExceededError("cache sync timed out");
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return op;
  }

  ~RunningOperator() {
    runner_.request_stop();
    if (runner_.joinable()) runner_.join();
  }

  BenchReconciler& reconciler() { return reconciler_; }
  uc::Controller& controller() { return *controller_; }
  const uc::ObjectCache& cache() { return manager_->informers().For(Widgets()).Store(); }
  const uc::Clock& clock() { return manager_->clock(); }

  // Waits until every cached widget has had its initial reconcile.
  absl::Status WaitForInitialReconciles() {
    size_t objects = cache().Size();
    if (!reconciler_.WaitForReconciles(objects, std::chrono::duration_cast<std::chrono::milliseconds>(
                                                    kDrainBudget))) {
      return absl::DeadlineExceededError("initial reconciles did not finish: " +
                                         std::to_string(reconciler_.Reconciles()) + " of " +
                                         std::to_string(objects));
    }
    return absl::OkStatus();
  }

 private:
  explicit RunningOperator(std::unique_ptr<uc::Manager> manager) : manager_(std::move(manager)) {}

  BenchReconciler reconciler_;  // first: outlives the manager's controllers
  std::unique_ptr<uc::Manager> manager_;
  uc::Controller* controller_ = nullptr;
  absl::Status result_;
  std::jthread runner_;  // last: stopped and joined first
};

// ---- modes ------------------------------------------------------------------------------------

absl::StatusOr<json> Populate(const uc::ClientConfig& config, int count) {
  uc::ClientOptions client_options;
  client_options.qps = 0;  // unlimited: this is the load generator, not the operator
  absl::StatusOr<std::unique_ptr<uc::KubeClient>> client =
      uc::KubeClient::Create(config, client_options);
  if (!client.ok()) return client.status();
  uc::KubeClient& kube = **client;
  std::atomic<int> next{0};
  std::atomic<int> created{0};
  std::mutex error_mu;
  absl::Status first_error;
  auto started = Steady::now();
  {
    std::vector<std::jthread> threads;
    for (int t = 0; t < kPopulateThreads; ++t) {
      threads.emplace_back([&] {
        for (int i = next++; i < count; i = next++) {
          absl::StatusOr<json> r = kube.Create(Widgets(), kNamespace, WidgetObject(i));
          if (r.ok()) {
            ++created;
          } else if (!uc::IsAlreadyExists(r.status())) {
            std::lock_guard<std::mutex> lock(error_mu);
            if (first_error.ok()) first_error = r.status();
          }
        }
      });
    }
  }
  double seconds = std::chrono::duration<double>(Steady::now() - started).count();
  if (!first_error.ok()) return first_error;
  // The objects' JSON size as the server lists them: the sum of the compact items.
  uint64_t json_bytes = 0;
  int64_t listed = 0;
  uc::ListOptions list_options;
  list_options.limit = 500;
  while (true) {
    absl::StatusOr<json> page = kube.List(Widgets(), kNamespace, list_options);
    if (!page.ok()) return page.status();
    for (const json& item : page->at("items")) {
      json_bytes += item.dump().size();
      ++listed;
    }
    list_options.continue_token = page->at("metadata").value("continue", "");
    if (list_options.continue_token.empty()) break;
  }
  return json{{"impl", "upkeep"},     {"mode", "populate"},   {"created", created.load()},
              {"objects", listed},    {"json_bytes", json_bytes}, {"seconds", seconds}};
}

absl::StatusOr<json> MeasureMemory(const uc::ClientConfig& config, const Flags& flags) {
  absl::StatusOr<std::unique_ptr<RunningOperator>> op = RunningOperator::Start(config, flags.workers);
  if (!op.ok()) return op.status();
  if (absl::Status st = (*op)->WaitForInitialReconciles(); !st.ok()) return st;
  std::this_thread::sleep_for(kSettleBeforeRss);
  long rss = VmRssKib();
  // What the allocator keeps but the process no longer uses; informational only.
  malloc_trim(0);
  long rss_trimmed = VmRssKib();
  const uc::ObjectCache& cache = (*op)->cache();
  return json{{"impl", "upkeep"},
              {"mode", flags.mode},
              {"objects", cache.Size()},
              {"cache_text_bytes", cache.TextBytes()},
              {"rss_kib", rss},
              {"rss_released_kib", rss_trimmed}};
}

// The writer of the latency mode: merge patches of kLatencyWidget, kPatchSpacing apart, each
// stamped with its send time.
absl::StatusOr<json> SendStampedPatches(const uc::ClientConfig& config, int patches) {
  uc::ClientOptions client_options;
  client_options.qps = 0;  // unthrottled, so the patches go out on schedule
  absl::StatusOr<std::unique_ptr<uc::KubeClient>> client =
      uc::KubeClient::Create(config, client_options);
  if (!client.ok()) return client.status();
  // Opens the connection (TCP, TLS) before the first timed write.
  if (absl::StatusOr<json> r = (*client)->Get(Widgets(), kNamespace, kLatencyWidget); !r.ok()) {
    return r.status();
  }
  const uc::Clock& clock = uc::RealClock::Get();
  std::vector<double> round_trips_ms;
  for (int i = 0; i < patches; ++i) {
    int64_t stamp = NowNs(clock);
    json patch = {{"metadata", {{"annotations", {{kStampAnnotation, std::to_string(stamp)}}}}}};
    absl::StatusOr<json> r = (*client)->Patch(Widgets(), kNamespace, kLatencyWidget,
                                              uc::PatchType::kMerge, patch);
    if (!r.ok()) return r.status();
    round_trips_ms.push_back(static_cast<double>(NowNs(clock) - stamp) / 1e6);
    std::this_thread::sleep_for(kPatchSpacing);
  }
  return json{{"impl", "upkeep"},
              {"mode", "patch"},
              {"patches", patches},
              {"patch_rtt_p50_ms", Percentile(round_trips_ms, 0.50)},
              {"patch_rtt_p99_ms", Percentile(round_trips_ms, 0.99)}};
}

// Runs `self --kubeconfig FILE --mode patch --patches N` and returns the JSON line it prints.
absl::StatusOr<json> RunPatcher(const Flags& flags) {
  std::vector<std::string> args = {flags.self, "--kubeconfig", flags.kubeconfig, "--mode",
                                   "patch",    "--patches",    std::to_string(flags.patches)};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int out[2];
  if (pipe(out) != 0) return absl::InternalError("pipe failed");
  pid_t pid = fork();
  if (pid < 0) return absl::InternalError("fork failed");
  if (pid == 0) {
    dup2(out[1], 1);
    close(out[0]);
    close(out[1]);
    execv("/proc/self/exe", argv.data());
    _exit(127);
  }
  close(out[1]);
  std::string text;
  char buffer[4096];
  for (ssize_t n; (n = read(out[0], buffer, sizeof(buffer))) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return absl::InternalError("the patcher failed (exit status " + std::to_string(status) + ")");
  }
  try {
    return json::parse(text);
  } catch (const json::exception& e) {
    return absl::InternalError(std::string("the patcher printed no JSON: ") + e.what());
  }
}

absl::StatusOr<json> MeasureLatency(const uc::ClientConfig& config, const Flags& flags) {
  absl::StatusOr<std::unique_ptr<RunningOperator>> op = RunningOperator::Start(config, flags.workers);
  if (!op.ok()) return op.status();
  if (absl::Status st = (*op)->WaitForInitialReconciles(); !st.ok()) return st;
  BenchReconciler& reconciler = (*op)->reconciler();
  reconciler.AcceptStampsAfter(NowNs((*op)->clock()));
  absl::StatusOr<json> patcher = RunPatcher(flags);
  if (!patcher.ok()) return patcher.status();
  reconciler.WaitForSamples(static_cast<size_t>(flags.patches), kLastEventWait);
  std::vector<double> latencies = reconciler.LatenciesMs();
  return json{{"impl", "upkeep"},
              {"mode", "latency"},
              {"patches", flags.patches},
              {"samples", latencies.size()},
              {"p50_ms", Percentile(latencies, 0.50)},
              {"p99_ms", Percentile(latencies, 0.99)},
              {"max_ms", Percentile(latencies, 1.0)},
              {"patcher", *patcher}};
}

// Rounds of "enqueue every cached key, wait until each was reconciled": one round never
// overlaps the next, so no key is deduplicated and each round is exactly Size() reconciles.
absl::StatusOr<json> MeasureThroughput(const uc::ClientConfig& config, const Flags& flags) {
  absl::StatusOr<std::unique_ptr<RunningOperator>> op = RunningOperator::Start(config, flags.workers);
  if (!op.ok()) return op.status();
  if (absl::Status st = (*op)->WaitForInitialReconciles(); !st.ok()) return st;
  std::vector<uc::Request> requests;
  for (const std::string& key : (*op)->cache().Keys()) requests.push_back(uc::Request::FromKey(key));
  if (requests.empty()) return absl::FailedPreconditionError("no cached widgets to reconcile");
  BenchReconciler& reconciler = (*op)->reconciler();
  uint64_t base = reconciler.Reconciles();
  uint64_t done = 0;
  int rounds = 0;
  auto window = std::chrono::duration<double>(flags.seconds);
  auto started = Steady::now();
  while (Steady::now() - started < window) {
    for (const uc::Request& r : requests) (*op)->controller().Enqueue(r);
    done += requests.size();
    ++rounds;
    auto left = kThroughputBudget - (Steady::now() - started);
    if (!reconciler.WaitForReconciles(
            base + done, std::chrono::duration_cast<std::chrono::milliseconds>(left))) {
      return absl::DeadlineExceededError("throughput round did not finish in time");
    }
  }
  double seconds = std::chrono::duration<double>(Steady::now() - started).count();
  return json{{"impl", "upkeep"},
              {"mode", "throughput"},
              {"workers", flags.workers},
              {"rounds", rounds},
              {"reconciles", done},
              {"seconds", seconds},
              {"reconciles_per_second", static_cast<double>(done) / seconds}};
}

// ---- report -----------------------------------------------------------------------------------

std::optional<json> ReadResult(const std::string& dir, const std::string& impl,
                               const std::string& mode) {
  std::ifstream in(dir + "/" + impl + "-" + mode + ".json");
  std::string line, last;
  while (std::getline(in, line)) {
    if (!line.empty() && line[0] == '{') last = line;
  }
  if (last.empty()) return std::nullopt;
  try {
    return json::parse(last);
  } catch (const json::exception&) {
    return std::nullopt;
  }
}

std::optional<double> Field(const std::optional<json>& result, const char* name) {
  if (!result || !result->contains(name) || !(*result)[name].is_number()) return std::nullopt;
  return (*result)[name].get<double>();
}

std::optional<json> PatcherOf(const std::optional<json>& latency) {
  if (!latency || !latency->contains("patcher")) return std::nullopt;
  return (*latency)["patcher"];
}

std::string Fixed(std::optional<double> v, int digits, const std::string& unit = "") {
  if (!v || std::isnan(*v)) return "n/a";
  std::ostringstream o;
  o << std::fixed << std::setprecision(digits) << *v << unit;
  return o.str();
}

std::optional<double> Mib(std::optional<double> kib) {
  if (!kib) return std::nullopt;
  return *kib / 1024.0;
}

std::optional<double> Minus(std::optional<double> a, std::optional<double> b) {
  if (!a || !b) return std::nullopt;
  return *a - *b;
}

std::optional<double> Ratio(std::optional<double> a, std::optional<double> b) {
  if (!a || !b || *b == 0) return std::nullopt;
  return *a / *b;
}

std::string Verdict(std::optional<bool> met) {
  if (!met) return "n/a";
  return *met ? "met" : "NOT met";
}

int Report(const std::string& dir) {
  auto get = [&](const char* impl, const char* mode) { return ReadResult(dir, impl, mode); };
  auto u_idle = get("upkeep", "idle"), p_idle = get("peer", "idle");
  auto u_cache = get("upkeep", "cache"), p_cache = get("peer", "cache");
  auto u_lat = get("upkeep", "latency"), p_lat = get("peer", "latency");
  auto u_tput = get("upkeep", "throughput"), p_tput = get("peer", "throughput");
  auto populate = get("upkeep", "populate");

  std::optional<double> json_kib;
  if (auto b = Field(populate, "json_bytes")) json_kib = *b / 1024.0;
  auto u_idle_rss = Field(u_idle, "rss_kib"), p_idle_rss = Field(p_idle, "rss_kib");
  auto u_cache_rss = Field(u_cache, "rss_kib"), p_cache_rss = Field(p_cache, "rss_kib");
  auto u_cost = Minus(u_cache_rss, u_idle_rss), p_cost = Minus(p_cache_rss, p_idle_rss);
  auto u_cost_ratio = Ratio(u_cost, json_kib), p_cost_ratio = Ratio(p_cost, json_kib);
  auto u_p99 = Field(u_lat, "p99_ms");
  auto u_rps = Field(u_tput, "reconciles_per_second");

  std::optional<bool> idle_met, cache_met, latency_met, throughput_met;
  if (u_idle_rss && p_idle_rss) idle_met = *u_idle_rss <= kTargetIdleFractionOfPeer * *p_idle_rss;
  if (u_cost_ratio) cache_met = *u_cost_ratio <= kTargetCacheCostPerJsonByte;
  if (u_p99 && !std::isnan(*u_p99)) latency_met = *u_p99 < kTargetLatencyP99Ms;
  if (u_rps) throughput_met = *u_rps >= kTargetReconcilesPerSecond;

  std::string objects = Fixed(Field(u_cache, "objects"), 0);
  std::cout << "\ncontroller bench: upkeep runtime vs peer (@kubernetes/client-node informer), "
            << "same upkeep apiserver\n"
            << "widgets: " << Fixed(Field(populate, "objects"), 0) << ", JSON as listed "
            << Fixed(Mib(json_kib), 2, " MiB") << " (sum of compact items); upkeep cache text "
            << Fixed(Mib(Ratio(Field(u_cache, "cache_text_bytes"), 1024.0)), 2, " MiB")
            << " for " << objects << " objects\n\n";
  const int w0 = 34, w1 = 13, w2 = 13, w3 = 27;
  auto row = [&](const std::string& a, const std::string& b, const std::string& c,
                 const std::string& d, const std::string& e) {
    std::cout << std::left << std::setw(w0) << a << std::right << std::setw(w1) << b
              << std::setw(w2) << c << "   " << std::left << std::setw(w3) << d << e << "\n";
  };
  row("measurement", "upkeep", "peer", "target (for upkeep)", "result");
  row(std::string(w0 - 1, '-'), std::string(w1 - 1, '-'), std::string(w2 - 1, '-'),
      std::string(w3 - 1, '-'), "-------");
  row("idle RSS", Fixed(Mib(u_idle_rss), 1, " MiB"), Fixed(Mib(p_idle_rss), 1, " MiB"),
      "<= 1/3 of peer's", Verdict(idle_met));
  row("RSS with the widgets cached", Fixed(Mib(u_cache_rss), 1, " MiB"),
      Fixed(Mib(p_cache_rss), 1, " MiB"), "", "");
  row("  cost of the cache (- idle)", Fixed(Mib(u_cost), 1, " MiB"), Fixed(Mib(p_cost), 1, " MiB"),
      "", "");
  row("  cost / JSON size", Fixed(u_cost_ratio, 2, "x"), Fixed(p_cost_ratio, 2, "x"),
      "<= 2x JSON size", Verdict(cache_met));
  row("event-to-reconcile p50", Fixed(Field(u_lat, "p50_ms"), 2, " ms"),
      Fixed(Field(p_lat, "p50_ms"), 2, " ms"), "", "");
  row("event-to-reconcile p99", Fixed(u_p99, 2, " ms"), Fixed(Field(p_lat, "p99_ms"), 2, " ms"),
      "< 5 ms", Verdict(latency_met));
  row("no-op reconciles/s", Fixed(u_rps, 0), Fixed(Field(p_tput, "reconciles_per_second"), 0),
      ">= 5,000/s", Verdict(throughput_met));
  std::cout << "\ndetails:\n"
            << "  RSS after handing free heap back (upkeep malloc_trim, peer gc()): idle "
            << Fixed(Mib(Field(u_idle, "rss_released_kib")), 1, " MiB") << " / "
            << Fixed(Mib(Field(p_idle, "rss_released_kib")), 1, " MiB") << ", cached "
            << Fixed(Mib(Field(u_cache, "rss_released_kib")), 1, " MiB") << " / "
            << Fixed(Mib(Field(p_cache, "rss_released_kib")), 1, " MiB") << "; cost / JSON size "
            << Fixed(Ratio(Minus(Field(u_cache, "rss_released_kib"),
                                 Field(u_idle, "rss_released_kib")),
                           json_kib),
                     2, "x")
            << " / "
            << Fixed(Ratio(Minus(Field(p_cache, "rss_released_kib"),
                                 Field(p_idle, "rss_released_kib")),
                           json_kib),
                     2, "x")
            << "\n"
            << "  latency samples (of patches): upkeep " << Fixed(Field(u_lat, "samples"), 0)
            << "/" << Fixed(Field(u_lat, "patches"), 0) << " max "
            << Fixed(Field(u_lat, "max_ms"), 2, " ms") << ", peer "
            << Fixed(Field(p_lat, "samples"), 0) << "/" << Fixed(Field(p_lat, "patches"), 0)
            << " max " << Fixed(Field(p_lat, "max_ms"), 2, " ms") << "\n"
            << "  the writer's patch round trip p50/p99 (same writer for both): upkeep run "
            << Fixed(Field(PatcherOf(u_lat), "patch_rtt_p50_ms"), 2) << "/"
            << Fixed(Field(PatcherOf(u_lat), "patch_rtt_p99_ms"), 2, " ms") << ", peer run "
            << Fixed(Field(PatcherOf(p_lat), "patch_rtt_p50_ms"), 2) << "/"
            << Fixed(Field(PatcherOf(p_lat), "patch_rtt_p99_ms"), 2, " ms") << "\n"
            << "  throughput: upkeep " << Fixed(Field(u_tput, "reconciles"), 0) << " reconciles in "
            << Fixed(Field(u_tput, "seconds"), 2, " s") << " (" << Fixed(Field(u_tput, "workers"), 0)
            << " workers), peer " << Fixed(Field(p_tput, "reconciles"), 0) << " in "
            << Fixed(Field(p_tput, "seconds"), 2, " s") << "\n"
            << "  populate: " << Fixed(Field(populate, "created"), 0) << " created in "
            << Fixed(Field(populate, "seconds"), 2, " s") << "\n";
  return 0;
}

// ---- main -------------------------------------------------------------------------------------

const char kUsage[] =
    "usage: controller_bench --kubeconfig FILE --mode populate|idle|cache|latency|throughput|patch\n"
    "                        [--count 10000] [--workers 4] [--patches 1000] [--seconds 5]\n"
    "       controller_bench --mode report --results DIR\n";

std::optional<Flags> ParseFlags(int argc, char** argv) {
  Flags flags;
  flags.self = argv[0];
  for (int i = 1; i < argc; i += 2) {
    std::string name = argv[i];
    if (i + 1 >= argc || name.rfind("--", 0) != 0) return std::nullopt;
    std::string value = argv[i + 1];
    try {
      if (name == "--kubeconfig") flags.kubeconfig = value;
      else if (name == "--mode") flags.mode = value;
      else if (name == "--results") flags.results = value;
      else if (name == "--count") flags.count = std::stoi(value);
      else if (name == "--workers") flags.workers = std::stoi(value);
      else if (name == "--patches") flags.patches = std::stoi(value);
      else if (name == "--seconds") flags.seconds = std::stod(value);
      else return std::nullopt;
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  if (flags.mode == "report") return flags.results.empty() ? std::nullopt : std::optional(flags);
  if (flags.kubeconfig.empty() || flags.workers < 1 || flags.count < 1 || flags.patches < 1) {
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
  if (flags->mode == "report") return Report(flags->results);
  std::signal(SIGPIPE, SIG_IGN);
  std::thread([] {
    std::this_thread::sleep_for(kProcessBudget);
    Log("time limit reached; exiting");
    _exit(3);
  }).detach();

  absl::StatusOr<uc::ClientConfig> config = uc::LoadKubeconfig(flags->kubeconfig);
  if (!config.ok()) {
    std::cerr << "controller_bench: " << config.status() << "\n";
    return 1;
  }
  if (config->server.rfind("http://127.0.0.1:", 0) != 0 &&
      config->server.rfind("https://127.0.0.1:", 0) != 0) {
    std::cerr << "controller_bench: only talks to 127.0.0.1; the kubeconfig says "
              << config->server << "\n";
    return 2;
  }
  absl::StatusOr<json> result;
  if (flags->mode == "populate") result = Populate(*config, flags->count);
  else if (flags->mode == "idle" || flags->mode == "cache") result = MeasureMemory(*config, *flags);
  else if (flags->mode == "latency") result = MeasureLatency(*config, *flags);
  else if (flags->mode == "patch") result = SendStampedPatches(*config, flags->patches);
  else if (flags->mode == "throughput") result = MeasureThroughput(*config, *flags);
  else {
    std::cerr << kUsage;
    return 2;
  }
  if (!result.ok()) {
    std::cerr << "controller_bench --mode " << flags->mode << ": " << result.status() << "\n";
    return 1;
  }
  std::cout << result->dump() << std::endl;
  // Leave at once: the figures are out, and a slow graceful shutdown would only add time.
  std::fflush(nullptr);
  _exit(0);
}
