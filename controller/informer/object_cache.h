// ObjectCache: an informer's local copy of one resource type, keyed "namespace/name" (or
// "name" for cluster-scoped kinds), with indexes.
//
// Objects are kept as their compact JSON text, not as parsed trees: a parsed nlohmann::json
// costs several times its text, and an operator may cache tens of thousands of objects. A
// read parses the one object asked for. Built-in indexes: by namespace and by owner UID;
// more can be added before the first object arrives. Thread-safe (readers share a lock).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include <nlohmann/json.hpp>

namespace upkeep::controller {

// The values an object is found under in one index (e.g. the UIDs of its owners).
using IndexFunc = std::function<std::vector<std::string>(const nlohmann::json& object)>;

inline constexpr char kNamespaceIndex[] = "namespace";
inline constexpr char kOwnerUidIndex[] = "owner-uid";

// "namespace/name", or "name" when the namespace is empty.
std::string ObjectKey(std::string_view namespace_, std::string_view name);
std::string ObjectKeyOf(const nlohmann::json& object);

// What a reconciler may do with a cache: read, never write.
class CacheReader {
 public:
  virtual ~CacheReader() = default;
  virtual std::optional<nlohmann::json> Get(std::string_view namespace_,
                                            std::string_view name) const = 0;
  // Every object, or those of one namespace ("" = all), in key order.
  virtual std::vector<nlohmann::json> List(std::string_view namespace_ = "") const = 0;
  // Objects whose index `index` holds `value`.
  virtual std::vector<nlohmann::json> ByIndex(std::string_view index,
                                              std::string_view value) const = 0;
  virtual size_t Size() const = 0;
};

class ObjectCache final : public CacheReader {
 public:
  ObjectCache();
  ObjectCache(const ObjectCache&) = delete;
  ObjectCache& operator=(const ObjectCache&) = delete;

  void AddIndex(const std::string& name, IndexFunc func);

  // Stores the object; returns the previous text of the same key, if any.
  std::shared_ptr<const std::string> Upsert(const nlohmann::json& object);
  // Removes by key; returns the removed text, if any.
  std::shared_ptr<const std::string> Remove(const std::string& key);
  // Replaces everything (a relist); returns the previous contents by key.
  std::unordered_map<std::string, std::shared_ptr<const std::string>> Replace(
      const std::vector<nlohmann::json>& objects);
  std::shared_ptr<const std::string> GetText(const std::string& key) const;
  std::vector<std::string> Keys() const;
  // Total bytes of the cached JSON text.
  size_t TextBytes() const;

  std::optional<nlohmann::json> Get(std::string_view namespace_,
                                    std::string_view name) const override;
  std::vector<nlohmann::json> List(std::string_view namespace_ = "") const override;
  std::vector<nlohmann::json> ByIndex(std::string_view index,
                                      std::string_view value) const override;
  size_t Size() const override;

 private:
  struct Entry {
    std::shared_ptr<const std::string> text;
    // The values under each index, parallel to indexes_, to unindex without re-parsing.
    std::vector<std::vector<std::string>> index_values;
  };
  struct Index {
    std::string name;
    IndexFunc func;
    std::unordered_map<std::string, std::unordered_set<std::string>> keys_by_value;
  };

  std::shared_ptr<const std::string> UpsertLocked(const std::string& key,
                                                  const nlohmann::json& object);
  void Unindex(const std::string& key, const Entry& entry);

  mutable std::shared_mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
  std::vector<Index> indexes_;            // guarded by mu_
  size_t text_bytes_ = 0;                 // guarded by mu_
};

}  // namespace upkeep::controller
