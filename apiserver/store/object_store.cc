#include "apiserver/store/object_store.h"

#include <mutex>
#include <tuple>

namespace upkeep::apiserver {
namespace {

StoredObject Freeze(const nlohmann::json& object, uint64_t rv) {
  return StoredObject::Of(object, rv);
}

uint64_t ParseVersion(const nlohmann::json& object) {
  const auto& meta = object.value("metadata", nlohmann::json::object());
  std::string rv = meta.value("resourceVersion", "");
  return rv.empty() ? 0 : std::strtoull(rv.c_str(), nullptr, 10);
}

}  // namespace

StoredObject StoredObject::Of(const nlohmann::json& object, uint64_t resource_version) {
  StoredObject stored;
  stored.resource_version = resource_version;
  stored.text = std::make_shared<const std::string>(object.dump());
  nlohmann::json meta = nlohmann::json::object();
  if (auto it = object.find("metadata"); it != object.end() && it->is_object()) {
    meta = *it;
    meta.erase("managedFields");
  }
  stored.metadata = std::make_shared<const nlohmann::json>(std::move(meta));
  return stored;
}

nlohmann::json StoredObject::Object() const {
  if (!text) return nullptr;
  return nlohmann::json::parse(*text);
}

const nlohmann::json& StoredObject::Meta(const char* key) const {
  static const nlohmann::json kNull;
  if (!metadata) return kNull;
  auto it = metadata->find(key);
  return it == metadata->end() ? kNull : *it;
}

std::string StoreKey(const std::string& group_resource, const std::string& ns,
                     const std::string& name) {
  return group_resource + "/" + ns + "/" + name;
}

bool SplitStoreKey(const std::string& key, std::string* group_resource, std::string* ns,
                   std::string* name) {
  size_t a = key.find('/');
  if (a == std::string::npos) return false;
  size_t b = key.find('/', a + 1);
  if (b == std::string::npos) return false;
  *group_resource = key.substr(0, a);
  *ns = key.substr(a + 1, b - a - 1);
  *name = key.substr(b + 1);
  return !group_resource->empty() && !name->empty();
}

ObjectStore::ObjectStore(std::unique_ptr<StorageBackend> backend, Options options)
    : backend_(backend ? std::move(backend) : std::make_unique<NullBackend>()),
      options_(options) {}

ObjectStore::~ObjectStore() = default;

std::string ObjectStore::ObjectKey(const std::string& ns, const std::string& name) {
  return ns + "/" + name;
}

absl::Status ObjectStore::Load() {
  std::unique_lock lock(mu_);
  uint64_t last = 0;
  absl::Status parse_error = absl::OkStatus();
  absl::Status st = backend_->LoadAll(
      [&](std::string_view key, std::string_view text) {
        std::string gr, ns, name;
        if (!SplitStoreKey(std::string(key), &gr, &ns, &name)) return;
        nlohmann::json object = nlohmann::json::parse(text, nullptr, false);
        if (object.is_discarded()) {
          parse_error = absl::DataLossError("stored object " + std::string(key) +
                                            " is not valid JSON");
          return;
        }
        uint64_t rv = ParseVersion(object);
        objects_[gr][ObjectKey(ns, name)] = Freeze(object, rv);
      },
      &last);
  if (!st.ok()) return st;
  if (!parse_error.ok()) return parse_error;
  resource_version_ = last;
  compacted_through_ = last;  // history before a restart is gone
  return absl::OkStatus();
}

std::optional<StoredObject> ObjectStore::Get(const std::string& group_resource,
                                             const std::string& ns,
                                             const std::string& name) const {
  std::shared_lock lock(mu_);
  auto r = objects_.find(group_resource);
  if (r == objects_.end()) return std::nullopt;
  auto it = r->second.find(ObjectKey(ns, name));
  if (it == r->second.end()) return std::nullopt;
  return it->second;
}

ListResult ObjectStore::List(const std::string& group_resource,
                             const ListOptions& options) const {
  std::shared_lock lock(mu_);
  ListResult result;
  result.resource_version = resource_version_;
  uint64_t at = options.at_resource_version;
  if (at > 0 && at < resource_version_) {
    if (at < compacted_through_) {
      result.expired = true;
      return result;
    }
    result.resource_version = at;
  } else {
    at = 0;
  }
  static const std::map<std::string, StoredObject> kNone;
  auto r = objects_.find(group_resource);
  const auto& objects = r == objects_.end() ? kNone : r->second;
  // Keys whose state at `at` differs from now: undo newer events, newest first.
  std::map<std::string, std::optional<StoredObject>> then;
  if (at > 0) {
    for (auto e = history_.rbegin(); e != history_.rend() && e->resource_version > at; ++e) {
      if (e->group_resource != group_resource) continue;
      std::optional<StoredObject> before;
      if (e->type != WatchEventType::kAdded) before = e->previous;
      then[ObjectKey(e->namespace_, e->name)] = before;
    }
  }
  std::string prefix = options.namespace_.empty() ? "" : options.namespace_ + "/";
  auto first = [&](const auto& map) {
    if (!options.start_after.empty()) return map.upper_bound(options.start_after);
    return prefix.empty() ? map.begin() : map.lower_bound(prefix);
  };
  auto in_scope = [&](const std::string& key) {
    return prefix.empty() || key.compare(0, prefix.size(), prefix) == 0;
  };
  auto it = first(objects);
  auto ot = first(then);
  // Walks the union of both key ranges in order; the historical state wins.
  auto next = [&]() -> std::pair<const std::string*, const StoredObject*> {
    while (true) {
      bool have_it = it != objects.end() && in_scope(it->first);
      bool have_ot = ot != then.end() && in_scope(ot->first);
      if (!have_it && !have_ot) return {nullptr, nullptr};
      if (have_ot && (!have_it || ot->first <= it->first)) {
        if (have_it && it->first == ot->first) ++it;
        auto cur = ot++;
        if (cur->second) return {&cur->first, &*cur->second};
        continue;  // did not exist yet
      }
      auto cur = it++;
      return {&cur->first, &cur->second};
    }
  };
  for (auto [key, obj] = next(); key; std::tie(key, obj) = next()) {
    if (options.filter && !options.filter(*obj)) continue;
    if (options.limit > 0 && static_cast<int64_t>(result.items.size()) == options.limit) {
      // Count what is left so the client can show remainingItemCount.
      ++result.remaining;
      for (auto [k, o] = next(); k; std::tie(k, o) = next()) {
        if (!options.filter || options.filter(*o)) ++result.remaining;
      }
      break;
    }
    result.items.push_back(*obj);
    result.last_key = *key;
  }
  if (result.remaining == 0) result.last_key.clear();
  return result;
}

uint64_t ObjectStore::CurrentResourceVersion() const {
  std::shared_lock lock(mu_);
  return resource_version_;
}

size_t ObjectStore::Count(const std::string& group_resource, const std::string& ns) const {
  std::shared_lock lock(mu_);
  auto r = objects_.find(group_resource);
  if (r == objects_.end()) return 0;
  if (ns.empty()) return r->second.size();
  size_t n = 0;
  std::string prefix = ns + "/";
  for (auto it = r->second.lower_bound(prefix);
       it != r->second.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    ++n;
  }
  return n;
}

absl::StatusOr<StoredObject> ObjectStore::Mutate(const std::string& group_resource,
                                                 const std::string& ns, const std::string& name,
                                                 const Decide& decide) {
  std::unique_lock lock(mu_);
  auto& objects = objects_[group_resource];
  std::string key = ObjectKey(ns, name);
  auto it = objects.find(key);
  const StoredObject* current = it == objects.end() ? nullptr : &it->second;
  absl::StatusOr<Mutation> mutation = decide(current);
  if (!mutation.ok()) return mutation.status();
  switch (mutation->kind) {
    case Mutation::Kind::kNoChange:
      if (!current) return StoredObject{};
      return *current;
    case Mutation::Kind::kDelete: {
      if (!current) return StoredObject{};
      uint64_t rv = resource_version_ + 1;
      absl::Status st = backend_->Delete(StoreKey(group_resource, ns, name), rv);
      if (!st.ok()) return st;
      resource_version_ = rv;
      // The deleted object carries the deletion's resourceVersion, as in Kubernetes.
      nlohmann::json last = current->Object();
      last["metadata"]["resourceVersion"] = std::to_string(rv);
      StoredObject gone = Freeze(last, rv);
      StoredObject before = *current;
      objects.erase(it);
      Publish({WatchEventType::kDeleted, group_resource, ns, name, gone, rv, before});
      return gone;
    }
    case Mutation::Kind::kPut: {
      uint64_t rv = resource_version_ + 1;
      mutation->object["metadata"]["resourceVersion"] = std::to_string(rv);
      StoredObject stored = Freeze(mutation->object, rv);
      absl::Status st = backend_->Put(StoreKey(group_resource, ns, name), *stored.text, rv);
      if (!st.ok()) return st;
      resource_version_ = rv;
      WatchEventType type = current ? WatchEventType::kModified : WatchEventType::kAdded;
      StoreEvent event{type, group_resource, ns, name, stored, rv, {}};
      if (current) event.previous = *current;  // before the map entry is overwritten
      objects[key] = stored;
      Publish(event);
      return stored;
    }
  }
  return absl::InternalError("unknown mutation");
}

void ObjectStore::Publish(const StoreEvent& event) {
  history_.push_back(event);
  while (history_.size() > options_.history_capacity) {
    compacted_through_ = history_.front().resource_version;
    history_.pop_front();
  }
  for (auto& [id, watcher] : watchers_) {
    if (watcher.group_resource.empty() || watcher.group_resource == event.group_resource) {
      watcher.callback(event);
    }
  }
}

absl::StatusOr<uint64_t> ObjectStore::AddWatch(const std::string& group_resource,
                                               uint64_t from_resource_version,
                                               bool initial_state, WatchCallback callback,
                                               const std::function<void(uint64_t)>& on_caught_up) {
  std::unique_lock lock(mu_);
  if (from_resource_version > 0) {
    if (from_resource_version < compacted_through_) {
      return absl::OutOfRangeError("too old resource version: " +
                                   std::to_string(from_resource_version) + " (" +
                                   std::to_string(compacted_through_ + 1) + ")");
    }
    for (const StoreEvent& e : history_) {
      if (e.resource_version <= from_resource_version) continue;
      if (group_resource.empty() || e.group_resource == group_resource) callback(e);
    }
  } else if (initial_state) {
    auto replay = [&](const std::string& gr, const std::map<std::string, StoredObject>& objs) {
      for (const auto& [key, obj] : objs) {
        size_t slash = key.find('/');
        callback({WatchEventType::kAdded, gr, key.substr(0, slash), key.substr(slash + 1), obj,
                  obj.resource_version, {}});
      }
    };
    if (group_resource.empty()) {
      for (const auto& [gr, objs] : objects_) replay(gr, objs);
    } else if (auto r = objects_.find(group_resource); r != objects_.end()) {
      replay(group_resource, r->second);
    }
  }
  if (on_caught_up) on_caught_up(resource_version_);
  uint64_t id = next_watch_id_++;
  watchers_[id] = Watcher{group_resource, std::move(callback)};
  return id;
}

void ObjectStore::WithCurrentVersion(const std::function<void(uint64_t)>& fn) const {
  std::shared_lock lock(mu_);
  fn(resource_version_);
}

void ObjectStore::RemoveWatch(uint64_t watch_id) {
  std::unique_lock lock(mu_);
  watchers_.erase(watch_id);
}

size_t ObjectStore::WatchCount() const {
  std::shared_lock lock(mu_);
  return watchers_.size();
}

void ObjectStore::CompactHistory() {
  std::unique_lock lock(mu_);
  history_.clear();
  compacted_through_ = resource_version_;
}

uint64_t ObjectStore::OldestWatchableResourceVersion() const {
  std::shared_lock lock(mu_);
  return compacted_through_;
}

}  // namespace upkeep::apiserver
