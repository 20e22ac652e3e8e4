#include "controller/informer/informer.h"

#include <algorithm>
#include <random>

#include "controller/client/api_error.h"

namespace upkeep::controller {
namespace {

std::string ResourceVersionOf(const nlohmann::json& object) {
  auto meta = object.find("metadata");
  if (meta == object.end() || !meta->is_object()) return "";
  return meta->value("resourceVersion", "");
}

// Watches end on the server after 5 to 10 minutes, as client-go's reflector asks, so
// watchers do not all reconnect at once.
int64_t WatchTimeoutSeconds() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return std::uniform_int_distribution<int64_t>(300, 600)(rng);
}

}  // namespace

Informer::Informer(KubeClient& client, ResourceType type, InformerOptions options,
                   const Clock& clock)
    : client_(client), type_(std::move(type)), options_(std::move(options)), clock_(clock) {}

void Informer::AddEventHandler(EventHandler handler) {
  std::lock_guard<std::mutex> lock(dispatch_mu_);
  if (handler.on_add) {
    for (const auto& object : cache_.List()) handler.on_add(object);
  }
  handlers_.push_back(std::move(handler));
}

void Informer::AddIndex(const std::string& name, IndexFunc func) {
  cache_.AddIndex(name, std::move(func));
}

void Informer::Notify(const std::function<void(const EventHandler&)>& call) {
  std::lock_guard<std::mutex> lock(dispatch_mu_);
  for (const auto& handler : handlers_) call(handler);
}

std::string Informer::LastResourceVersion() const {
  std::lock_guard<std::mutex> lock(mu_);
  return last_rv_;
}

bool Informer::WaitForSync(std::stop_token stop, std::chrono::milliseconds timeout) const {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  // Registered before taking mu_: a stop already requested runs the callback right here.
  std::stop_callback wake(stop, [this] {
    std::lock_guard<std::mutex> l(mu_);
    cv_.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu_);
  while (!synced_.load() && !stop.stop_requested()) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) break;
  }
  return synced_.load();
}

bool Informer::Sleep(std::chrono::milliseconds d, std::stop_token stop) {
  std::stop_callback wake(stop, [this] {  // before taking mu_, as in WaitForSync
    std::lock_guard<std::mutex> l(mu_);
    cv_.notify_all();
  });
  std::unique_lock<std::mutex> lock(mu_);
  Clock::TimePoint deadline = clock_.Now() + d;
  while (!stop.stop_requested() && clock_.Now() < deadline) {
    clock_.WaitUntil(lock, cv_, deadline);
  }
  return !stop.stop_requested();
}

void Informer::Run(std::stop_token stop) {
  std::chrono::milliseconds backoff = options_.initial_backoff;
  auto report = [this](const std::string& message, const absl::Status& error) {
    if (options_.on_error) options_.on_error(message, error);
  };
  auto back_off = [&]() {
    // Jittered, so many informers failing together do not retry in step.
    thread_local std::mt19937 rng{std::random_device{}()};
    auto jittered = std::chrono::milliseconds(static_cast<int64_t>(
        static_cast<double>(backoff.count()) *
        std::uniform_real_distribution<double>(1.0, 1.2)(rng)));
    backoff = std::min(backoff * 2, options_.max_backoff);
    return Sleep(jittered, stop);
  };
  bool need_list = true;
  while (!stop.stop_requested()) {
    if (need_list) {
      absl::Status listed = ListAndReplace(stop);
      if (stop.stop_requested()) break;
      if (!listed.ok()) {
        report("list failed; retrying", listed);
        if (!back_off()) break;
        continue;
      }
      need_list = false;
      backoff = options_.initial_backoff;
    }
    absl::Status watched = WatchFromLast(stop);
    if (stop.stop_requested()) break;
    if (watched.ok()) {
      backoff = options_.initial_backoff;  // the server ended the watch; resume
      continue;
    }
    if (IsGone(watched)) {
      report("watch start point expired; relisting", watched);
      need_list = true;
      continue;  // relist at once: nothing is wrong with the server
    }
    report("watch failed; retrying", watched);
    if (!back_off()) break;
  }
}

absl::Status Informer::ListAndReplace(std::stop_token stop) {
  std::vector<nlohmann::json> items;
  ListOptions list_options;
  list_options.label_selector = options_.label_selector;
  list_options.field_selector = options_.field_selector;
  list_options.limit = options_.list_page_size;
  std::string list_rv;
  while (true) {
    absl::StatusOr<nlohmann::json> page = client_.List(type_, options_.namespace_, list_options);
    if (!page.ok()) return page.status();
    if (stop.stop_requested()) return absl::CancelledError("stopping");
    nlohmann::json& list = *page;
    if (list.contains("items") && list["items"].is_array()) {
      for (auto& item : list["items"]) {
        // List items carry no kind; handlers and reconcilers expect whole objects.
        item["apiVersion"] = type_.ApiVersion();
        item["kind"] = type_.kind;
        items.push_back(std::move(item));
      }
    }
    const nlohmann::json& meta = list.value("metadata", nlohmann::json::object());
    list_rv = meta.value("resourceVersion", list_rv);
    std::string next = meta.value("continue", "");
    if (next.empty()) break;
    list_options.continue_token = next;
  }
  auto previous = cache_.Replace(items);
  list_count_.fetch_add(1);
  {
    std::lock_guard<std::mutex> lock(mu_);
    last_rv_ = list_rv;
  }
  // Tell handlers what the list changed, deletions included (client-go's DeletedFinalStateUnknown
  // case: the object went away while we were not watching).
  Notify([&](const EventHandler& h) {
    for (const auto& item : items) {
      auto old = previous.find(ObjectKeyOf(item));
      if (old == previous.end()) {
        if (h.on_add) h.on_add(item);
      } else if (h.on_update) {
        h.on_update(nlohmann::json::parse(*old->second), item);
      }
    }
  });
  for (const auto& item : items) previous.erase(ObjectKeyOf(item));
  if (!previous.empty()) {
    Notify([&](const EventHandler& h) {
      if (!h.on_delete) return;
      for (const auto& [key, text] : previous) h.on_delete(nlohmann::json::parse(*text));
    });
  }
  if (!synced_.exchange(true)) {
    std::lock_guard<std::mutex> lock(mu_);
    cv_.notify_all();
  }
  if (options_.resync_period.count() > 0) next_resync_ = clock_.Now() + options_.resync_period;
  return absl::OkStatus();
}

absl::Status Informer::WatchFromLast(std::stop_token stop) {
  WatchOptions watch;
  watch.resource_version = LastResourceVersion();
  watch.label_selector = options_.label_selector;
  watch.field_selector = options_.field_selector;
  watch.allow_bookmarks = true;
  watch.timeout_seconds = WatchTimeoutSeconds();
  if (options_.resync_period.count() > 0) {
    // End the watch by resync time so resyncs happen on this thread.
    auto until = std::chrono::duration_cast<std::chrono::seconds>(next_resync_ - clock_.Now());
    watch.timeout_seconds = std::clamp<int64_t>(until.count() + 1, 1, watch.timeout_seconds);
  }
  absl::Status status = client_.Watch(
      type_, options_.namespace_, watch,
      [this](WatchEvent&& event) {
        Apply(std::move(event));
        return true;
      },
      stop);
  if (options_.resync_period.count() > 0 && clock_.Now() >= next_resync_) {
    Resync();
    next_resync_ = clock_.Now() + options_.resync_period;
  }
  return status;
}

void Informer::Apply(WatchEvent&& event) {
  std::string rv = ResourceVersionOf(event.object);
  if (event.type == "BOOKMARK") {
    std::lock_guard<std::mutex> lock(mu_);
    if (!rv.empty()) last_rv_ = rv;
    return;
  }
  if (event.type == "ADDED" || event.type == "MODIFIED") {
    std::shared_ptr<const std::string> old = cache_.Upsert(event.object);
    Notify([&](const EventHandler& h) {
      if (!old) {
        if (h.on_add) h.on_add(event.object);
      } else if (h.on_update) {
        h.on_update(nlohmann::json::parse(*old), event.object);
      }
    });
  } else if (event.type == "DELETED") {
    cache_.Remove(ObjectKeyOf(event.object));
    Notify([&](const EventHandler& h) {
      if (h.on_delete) h.on_delete(event.object);
    });
  }
  if (!rv.empty()) {
    std::lock_guard<std::mutex> lock(mu_);
    last_rv_ = rv;
  }
}

void Informer::Resync() {
  std::vector<nlohmann::json> objects = cache_.List();
  Notify([&](const EventHandler& h) {
    if (!h.on_update) return;
    for (const auto& object : objects) h.on_update(object, object);
  });
}

}  // namespace upkeep::controller
