#include "controller/informer/object_cache.h"

#include <algorithm>
#include <mutex>

namespace upkeep::controller {
namespace {

std::vector<std::string> OwnerUids(const nlohmann::json& object) {
  std::vector<std::string> uids;
  auto meta = object.find("metadata");
  if (meta == object.end()) return uids;
  auto refs = meta->find("ownerReferences");
  if (refs == meta->end() || !refs->is_array()) return uids;
  for (const auto& ref : *refs) {
    if (ref.contains("uid") && ref["uid"].is_string()) uids.push_back(ref["uid"]);
  }
  return uids;
}

}  // namespace

std::string ObjectKey(std::string_view namespace_, std::string_view name) {
  if (namespace_.empty()) return std::string(name);
  std::string key;
  key.reserve(namespace_.size() + 1 + name.size());
  key.append(namespace_).append("/").append(name);
  return key;
}

std::string ObjectKeyOf(const nlohmann::json& object) {
  const nlohmann::json& meta = object.at("metadata");
  return ObjectKey(meta.value("namespace", ""), meta.value("name", ""));
}

ObjectCache::ObjectCache() { AddIndex(kOwnerUidIndex, OwnerUids); }

void ObjectCache::AddIndex(const std::string& name, IndexFunc func) {
  std::unique_lock lock(mu_);
  indexes_.push_back(Index{name, std::move(func), {}});
  size_t i = indexes_.size() - 1;
  for (auto& [key, entry] : entries_) {
    nlohmann::json object = nlohmann::json::parse(*entry.text);
    entry.index_values.push_back(indexes_[i].func(object));
    for (const auto& v : entry.index_values.back()) indexes_[i].keys_by_value[v].insert(key);
  }
}

void ObjectCache::Unindex(const std::string& key, const Entry& entry) {
  for (size_t i = 0; i < indexes_.size() && i < entry.index_values.size(); ++i) {
    for (const auto& v : entry.index_values[i]) {
      auto it = indexes_[i].keys_by_value.find(v);
      if (it == indexes_[i].keys_by_value.end()) continue;
      it->second.erase(key);
      if (it->second.empty()) indexes_[i].keys_by_value.erase(it);
    }
  }
}

std::shared_ptr<const std::string> ObjectCache::UpsertLocked(const std::string& key,
                                                             const nlohmann::json& object) {
  Entry fresh;
  fresh.text = std::make_shared<const std::string>(object.dump());
  fresh.index_values.reserve(indexes_.size());
  for (auto& index : indexes_) {
    fresh.index_values.push_back(index.func(object));
    for (const auto& v : fresh.index_values.back()) index.keys_by_value[v].insert(key);
  }
  text_bytes_ += fresh.text->size();
  std::shared_ptr<const std::string> previous;
  auto it = entries_.find(key);
  if (it != entries_.end()) {
    previous = it->second.text;
    text_bytes_ -= previous->size();
    // Unindex the old values that the new ones did not bring back.
    Entry old = std::move(it->second);
    it->second = std::move(fresh);
    for (size_t i = 0; i < indexes_.size() && i < old.index_values.size(); ++i) {
      for (const auto& v : old.index_values[i]) {
        const auto& now = it->second.index_values[i];
        if (std::find(now.begin(), now.end(), v) != now.end()) continue;
        auto values = indexes_[i].keys_by_value.find(v);
        if (values == indexes_[i].keys_by_value.end()) continue;
        values->second.erase(key);
        if (values->second.empty()) indexes_[i].keys_by_value.erase(values);
      }
    }
  } else {
    entries_.emplace(key, std::move(fresh));
  }
  return previous;
}

std::shared_ptr<const std::string> ObjectCache::Upsert(const nlohmann::json& object) {
  std::string key = ObjectKeyOf(object);
  std::unique_lock lock(mu_);
  return UpsertLocked(key, object);
}

std::shared_ptr<const std::string> ObjectCache::Remove(const std::string& key) {
  std::unique_lock lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end()) return nullptr;
  std::shared_ptr<const std::string> text = it->second.text;
  Unindex(key, it->second);
  text_bytes_ -= text->size();
  entries_.erase(it);
  return text;
}

std::unordered_map<std::string, std::shared_ptr<const std::string>> ObjectCache::Replace(
    const std::vector<nlohmann::json>& objects) {
  std::unique_lock lock(mu_);
  std::unordered_map<std::string, std::shared_ptr<const std::string>> previous;
  previous.reserve(entries_.size());
  for (auto& [key, entry] : entries_) previous.emplace(key, entry.text);
  entries_.clear();
  for (auto& index : indexes_) index.keys_by_value.clear();
  text_bytes_ = 0;
  for (const auto& object : objects) UpsertLocked(ObjectKeyOf(object), object);
  return previous;
}

std::shared_ptr<const std::string> ObjectCache::GetText(const std::string& key) const {
  std::shared_lock lock(mu_);
  auto it = entries_.find(key);
  return it == entries_.end() ? nullptr : it->second.text;
}

std::vector<std::string> ObjectCache::Keys() const {
  std::shared_lock lock(mu_);
  std::vector<std::string> keys;
  keys.reserve(entries_.size());
  for (const auto& [key, entry] : entries_) keys.push_back(key);
  return keys;
}

size_t ObjectCache::TextBytes() const {
  std::shared_lock lock(mu_);
  return text_bytes_;
}

std::optional<nlohmann::json> ObjectCache::Get(std::string_view namespace_,
                                               std::string_view name) const {
  std::shared_ptr<const std::string> text = GetText(ObjectKey(namespace_, name));
  if (!text) return std::nullopt;
  return nlohmann::json::parse(*text);
}

std::vector<nlohmann::json> ObjectCache::List(std::string_view namespace_) const {
  std::vector<std::shared_ptr<const std::string>> texts;
  {
    std::shared_lock lock(mu_);
    if (namespace_.empty()) {
      for (const auto& [key, entry] : entries_) texts.push_back(entry.text);
    } else {
      // Keys are "namespace/name" in order: one namespace is one contiguous range.
      std::string prefix = std::string(namespace_) + "/";
      for (auto it = entries_.lower_bound(prefix);
           it != entries_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
        texts.push_back(it->second.text);
      }
    }
  }
  std::vector<nlohmann::json> objects;
  objects.reserve(texts.size());
  for (const auto& text : texts) objects.push_back(nlohmann::json::parse(*text));
  return objects;
}

std::vector<nlohmann::json> ObjectCache::ByIndex(std::string_view index,
                                                 std::string_view value) const {
  if (index == kNamespaceIndex) return List(value);
  std::vector<std::shared_ptr<const std::string>> texts;
  {
    std::shared_lock lock(mu_);
    for (const auto& idx : indexes_) {
      if (idx.name != index) continue;
      auto it = idx.keys_by_value.find(std::string(value));
      if (it == idx.keys_by_value.end()) break;
      std::vector<std::string> keys(it->second.begin(), it->second.end());
      std::sort(keys.begin(), keys.end());
      for (const auto& key : keys) texts.push_back(entries_.at(key).text);
      break;
    }
  }
  std::vector<nlohmann::json> objects;
  objects.reserve(texts.size());
  for (const auto& text : texts) objects.push_back(nlohmann::json::parse(*text));
  return objects;
}

size_t ObjectCache::Size() const {
  std::shared_lock lock(mu_);
  return entries_.size();
}

}  // namespace upkeep::controller
