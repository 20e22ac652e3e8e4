#include "apiserver/gc/garbage_collector.h"

#include <set>

namespace upkeep::apiserver {
namespace {

using json = nlohmann::json;

const json& Meta(const json& obj) {
  static const json kEmpty = json::object();
  auto it = obj.find("metadata");
  return it != obj.end() && it->is_object() ? *it : kEmpty;
}

bool HasFinalizer(const json& obj, const std::string& f) {
  for (const auto& v : Meta(obj).value("finalizers", json::array())) {
    if (v == f) return true;
  }
  return false;
}

}  // namespace

GarbageCollector::GarbageCollector(ObjectStore& store, ResourceRegistry& registry,
                                   ResourceHandler& resources)
    : store_(store), registry_(registry), resources_(resources) {
  auto id = store_.AddWatch("", 0, false, [this](const StoreEvent& e) {
    // Only deletions and objects being deleted can give the collector work.
    if (e.type == WatchEventType::kDeleted ||
        !e.object.Meta("deletionTimestamp").is_null()) {
      std::lock_guard<std::mutex> lock(mu_);
      dirty_ = true;
      wake_.notify_one();
    }
  });
  watch_id_ = id.ok() ? *id : 0;
  thread_ = std::thread([this] { Run(); });
}

GarbageCollector::~GarbageCollector() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  store_.RemoveWatch(watch_id_);
}

void GarbageCollector::Run() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::seconds(1), [this] { return dirty_ || stopping_; });
    if (stopping_) break;
    if (!dirty_) continue;
    dirty_ = false;
    lock.unlock();
    Sweep();
    lock.lock();
  }
}

std::vector<GarbageCollector::Ref> GarbageCollector::DependentsOf(const std::string& owner_uid,
                                                                  const std::string& ns) {
  std::vector<Ref> out;
  std::set<std::string> seen;
  for (const ResourcePtr& r : registry_.All()) {
    if (!seen.insert(r->GroupResource()).second) continue;
    ListOptions options;
    options.namespace_ = r->namespaced ? ns : "";
    options.filter = [&owner_uid](const StoredObject& o) {
      const json& refs = o.Meta("ownerReferences");
      if (!refs.is_array()) return false;
      for (const auto& ref : refs) {
        if (ref.value("uid", "") == owner_uid) return true;
      }
      return false;
    };
    for (const auto& s : store_.List(r->GroupResource(), options).items) {
      const json& m = *s.metadata;
      out.push_back({r, m.value("namespace", ""), m.value("name", ""), {{"metadata", m}}});
    }
  }
  return out;
}

void GarbageCollector::RemoveFinalizer(const ResourceInfo& info, const std::string& ns,
                                       const std::string& name, const std::string& finalizer) {
  store_.Mutate(info.GroupResource(), ns, name,
                [&](const StoredObject* current) -> absl::StatusOr<Mutation> {
                  if (!current) return Mutation{};
                  json next = current->Object();
                  json kept = json::array();
                  for (const auto& f : Meta(next).value("finalizers", json::array())) {
                    if (f != finalizer) kept.push_back(f);
                  }
                  if (kept.empty() && Meta(next).contains("deletionTimestamp")) {
                    return Mutation{Mutation::Kind::kDelete, {}};
                  }
                  next["metadata"]["finalizers"] = kept;
                  return Mutation{Mutation::Kind::kPut, std::move(next)};
                }).IgnoreError();
}

void GarbageCollector::FinishNamespace(const json& ns_object) {
  std::string ns = Meta(ns_object).value("name", "");
  size_t remaining = 0;
  std::set<std::string> seen;
  for (const ResourcePtr& r : registry_.All()) {
    if (!r->namespaced || !seen.insert(r->GroupResource()).second) continue;
    ListOptions options;
    options.namespace_ = ns;
    for (const auto& s : store_.List(r->GroupResource(), options).items) {
      ++remaining;
      if (s.Meta("deletionTimestamp").is_null()) {
        resources_.DeleteForCollector(*r, ns, s.metadata->value("name", "")).IgnoreError();
      }
    }
  }
  if (remaining > 0) {
    std::lock_guard<std::mutex> lock(mu_);
    dirty_ = true;  // look again once the contents are gone
    return;
  }
  store_.Mutate("namespaces", "", ns, [](const StoredObject* current) -> absl::StatusOr<Mutation> {
    if (!current) return Mutation{};
    // Other finalizers still hold the namespace; the "kubernetes" one was ours to run.
    const json& finalizers = current->Meta("finalizers");
    if (finalizers.is_array() && !finalizers.empty()) return Mutation{};
    return Mutation{Mutation::Kind::kDelete, {}};
  }).IgnoreError();
}

void GarbageCollector::Sweep() {
  std::set<std::string> live_uids;
  std::vector<Ref> all;
  std::set<std::string> seen;
  for (const ResourcePtr& r : registry_.All()) {
    if (!seen.insert(r->GroupResource()).second) continue;
    for (const auto& s : store_.List(r->GroupResource(), {}).items) {
      const json& m = *s.metadata;
      live_uids.insert(m.value("uid", ""));
      all.push_back({r, m.value("namespace", ""), m.value("name", ""), {{"metadata", m}}});
    }
  }
  for (const Ref& ref : all) {
    const json& m = Meta(ref.object);
    if (m.contains("deletionTimestamp")) {
      if (ref.resource->GroupResource() == "namespaces") {
        FinishNamespace(ref.object);
        continue;
      }
      std::string uid = m.value("uid", "");
      if (HasFinalizer(ref.object, "orphan")) {
        for (const Ref& d : DependentsOf(uid, ref.ns)) {
          store_.Mutate(d.resource->GroupResource(), d.ns, d.name,
                        [&](const StoredObject* current) -> absl::StatusOr<Mutation> {
                          if (!current) return Mutation{};
                          json next = current->Object();
                          json kept = json::array();
                          for (const auto& o : Meta(next).value("ownerReferences", json::array())) {
                            if (o.value("uid", "") != uid) kept.push_back(o);
                          }
                          if (kept.empty()) next["metadata"].erase("ownerReferences");
                          else next["metadata"]["ownerReferences"] = kept;
                          return Mutation{Mutation::Kind::kPut, std::move(next)};
                        }).IgnoreError();
        }
        RemoveFinalizer(*ref.resource, ref.ns, ref.name, "orphan");
      } else if (HasFinalizer(ref.object, "foregroundDeletion")) {
        std::vector<Ref> dependents = DependentsOf(uid, ref.ns);
        if (dependents.empty()) {
          RemoveFinalizer(*ref.resource, ref.ns, ref.name, "foregroundDeletion");
        } else {
          for (const Ref& d : dependents) {
            if (!Meta(d.object).contains("deletionTimestamp")) {
              resources_.DeleteForCollector(*d.resource, d.ns, d.name).IgnoreError();
            }
          }
          std::lock_guard<std::mutex> lock(mu_);
          dirty_ = true;
        }
      }
      continue;
    }
    // Background: a dependent whose owners are all gone goes too.
    const json& owners = m.value("ownerReferences", json::array());
    if (owners.empty()) continue;
    bool any_alive = false;
    for (const auto& o : owners) any_alive = any_alive || live_uids.count(o.value("uid", "")) > 0;
    if (!any_alive) resources_.DeleteForCollector(*ref.resource, ref.ns, ref.name).IgnoreError();
  }
}

}  // namespace upkeep::apiserver
