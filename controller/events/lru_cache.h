// LruCache: a map bounded by entry count that forgets the least recently used key. The event
// correlator keeps its per-object and per-event records in it, as client-go keeps them in a
// groupcache LRU of 4096 entries, so a controller watching many objects does not grow without
// bound. Not thread-safe: its owner locks.
#pragma once

#include <cstddef>
#include <list>
#include <unordered_map>
#include <utility>

namespace upkeep::controller {

template <typename K, typename V>
class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // The value for `key` (now the most recently used), or nullptr.
  V* Find(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return nullptr;
    entries_.splice(entries_.begin(), entries_, it->second);
    return &it->second->second;
  }

  // Inserts or replaces the value for `key`, makes it the most recently used and forgets the
  // least recently used entry when over capacity.
  V& Put(const K& key, V value) {
    if (V* existing = Find(key)) {
      *existing = std::move(value);
      return *existing;
    }
    entries_.emplace_front(key, std::move(value));
    index_.emplace(key, entries_.begin());
    if (entries_.size() > capacity_) {
      index_.erase(entries_.back().first);
      entries_.pop_back();
    }
    return entries_.front().second;
  }

  void Erase(const K& key) {
    auto it = index_.find(key);
    if (it == index_.end()) return;
    entries_.erase(it->second);
    index_.erase(it);
  }

  size_t size() const { return entries_.size(); }

 private:
  using Entry = std::pair<K, V>;

  const size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::unordered_map<K, typename std::list<Entry>::iterator> index_;
};

}  // namespace upkeep::controller
