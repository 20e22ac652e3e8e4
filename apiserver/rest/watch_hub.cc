#include "apiserver/rest/watch_hub.h"

#include <atomic>

#include "apiserver/api/api_status.h"
#include "apiserver/rest/table_convertor.h"

namespace upkeep::apiserver {
namespace {

const char* TypeName(WatchEventType t) {
  switch (t) {
    case WatchEventType::kAdded: return "ADDED";
    case WatchEventType::kModified: return "MODIFIED";
    case WatchEventType::kDeleted: return "DELETED";
  }
  return "ERROR";
}

}  // namespace

struct WatchHub::Stream {
  WatchRequest request;
  std::shared_ptr<ChunkSink> sink;
  uint64_t store_watch_id = 0;
  bool registered = false;
  std::atomic<bool> closed{false};
  bool sent_table_header = false;
  uint64_t last_sent_rv = 0;

  bool Selects(const StoreEvent& e, const StoredObject& object) const {
    if (!request.namespace_.empty() && e.namespace_ != request.namespace_) return false;
    if (!request.name.empty() && e.name != request.name) return false;
    return request.query.Matches(object);
  }

  std::string Line(const char* type, const nlohmann::json& object) {
    nlohmann::json served = request.as_served ? request.as_served(object) : object;
    if (request.as_table) {
      TableOptions options;
      options.now = std::chrono::system_clock::now();
      options.no_headers = sent_table_header;
      sent_table_header = true;
      served = ConvertToTable(*request.resource, {&served}, nlohmann::json::object(), options);
    }
    return nlohmann::json{{"type", type}, {"object", served}}.dump() + "\n";
  }

  // Called under the store's lock, in resourceVersion order.
  void OnEvent(const StoreEvent& e) {
    if (closed) return;
    bool matches_now = Selects(e, e.object);
    const char* type = nullptr;
    if (e.type == WatchEventType::kModified && !e.previous.empty()) {
      bool matched_before = Selects(e, e.previous);
      if (matches_now && matched_before) type = "MODIFIED";
      else if (matches_now) type = "ADDED";
      else if (matched_before) type = "DELETED";
    } else if (matches_now) {
      type = TypeName(e.type);
    }
    if (!type) return;
    if (!request.as_served && !request.as_table) {
      // Fast path: the stored text is what the client gets, and the event line is built once
      // for all watchers of this event (callbacks for one event run in turn on one thread).
      thread_local struct {
        std::shared_ptr<const std::string> text;  // held, so its address is never reused
        const char* type = nullptr;
        std::shared_ptr<const std::string> line;
      } last;
      if (last.text != e.object.text || last.type != type) {
        last.text = e.object.text;
        last.type = type;
        last.line = std::make_shared<const std::string>(std::string("{\"type\":\"") + type +
                                                        "\",\"object\":" + *e.object.text + "}\n");
      }
      sink->WriteShared(last.line);
    } else {
      sink->Write(Line(type, e.object.Object()));
    }
    last_sent_rv = e.resource_version;
  }

  void SendBookmark(uint64_t rv, bool initial_events_end) {
    nlohmann::json meta = {{"resourceVersion", std::to_string(rv)}};
    if (initial_events_end) meta["annotations"] = {{"k8s.io/initial-events-end", "true"}};
    nlohmann::json object = {{"kind", request.resource->kind},
                             {"apiVersion", request.resource->GroupVersion()},
                             {"metadata", meta}};
    sink->Write(nlohmann::json{{"type", "BOOKMARK"}, {"object", object}}.dump() + "\n");
    last_sent_rv = rv;
  }
};

WatchHub::WatchHub(ObjectStore& store, std::chrono::milliseconds bookmark_interval)
    : store_(store), bookmark_interval_(bookmark_interval) {
  ticker_ = std::thread([this] { TickBookmarks(); });
}

WatchHub::~WatchHub() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_all();
  ticker_.join();
  for (auto& [id, s] : streams_) {
    if (s->registered) store_.RemoveWatch(s->store_watch_id);
  }
}

HttpResponse WatchHub::Serve(WatchRequest request, int64_t timeout_seconds) {
  auto stream = std::make_shared<Stream>();
  stream->request = std::move(request);
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    streams_[id] = stream;
  }
  HttpResponse response;
  response.content_type = stream->request.as_table
                              ? "application/json;as=Table;v=v1;g=meta.k8s.io"
                              : "application/json";
  response.stream_deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  response.on_stream_open = [this, stream](std::shared_ptr<ChunkSink> sink) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stream->sink = std::move(sink);
    }
    const ListQuery& q = stream->request.query;
    uint64_t from = 0;
    if (!q.resource_version.empty()) from = std::strtoull(q.resource_version.c_str(), nullptr, 10);
    bool initial = from == 0 || q.send_initial_events;
    if (q.send_initial_events) from = 0;
    bool bookmark_at_end = q.send_initial_events && q.allow_watch_bookmarks;
    auto added = store_.AddWatch(
        stream->request.resource->GroupResource(), from, initial,
        [stream](const StoreEvent& e) { stream->OnEvent(e); },
        [stream, bookmark_at_end](uint64_t rv) {
          if (bookmark_at_end) stream->SendBookmark(rv, true);
        });
    if (!added.ok()) {
      // Watches report an expired start point as an ERROR event, not an HTTP error.
      nlohmann::json status = ToStatusObject(GoneError(std::string(added.status().message())));
      stream->sink->Write(nlohmann::json{{"type", "ERROR"}, {"object", status}}.dump() + "\n");
      stream->sink->Close();
      return;
    }
    std::lock_guard<std::mutex> lock(mu_);
    stream->store_watch_id = *added;
    stream->registered = true;
  };
  response.on_stream_closed = [this, id] {
    // Only mark it: removing the store watch here could run under the store's lock.
    std::lock_guard<std::mutex> lock(mu_);
    auto it = streams_.find(id);
    if (it != streams_.end()) it->second->closed = true;
    wake_.notify_all();
  };
  return response;
}

void WatchHub::TickBookmarks() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, bookmark_interval_);
    if (stopping_) break;
    std::vector<std::shared_ptr<Stream>> closed, bookmarked;
    for (auto it = streams_.begin(); it != streams_.end();) {
      std::shared_ptr<Stream> s = it->second;
      if (s->closed || (s->sink && s->sink->IsClosed())) {
        s->closed = true;
        if (s->registered) closed.push_back(s);
        it = streams_.erase(it);
        continue;
      }
      if (s->registered && s->request.query.allow_watch_bookmarks) bookmarked.push_back(s);
      ++it;
    }
    lock.unlock();
    for (auto& s : closed) store_.RemoveWatch(s->store_watch_id);
    for (auto& s : bookmarked) {
      store_.WithCurrentVersion([&](uint64_t rv) {
        if (!s->closed && rv > s->last_sent_rv) s->SendBookmark(rv, false);
      });
    }
    lock.lock();
  }
}

void WatchHub::DropAll() {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& [id, s] : streams_) {
    if (s->sink) s->sink->Close();
  }
}

size_t WatchHub::ActiveCount() const {
  std::lock_guard<std::mutex> lock(mu_);
  size_t n = 0;
  for (const auto& [id, s] : streams_) n += s->closed ? 0 : 1;
  return n;
}

}  // namespace upkeep::apiserver
