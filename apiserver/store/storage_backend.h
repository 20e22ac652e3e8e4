// StorageBackend: where the object store makes its writes durable.
//
// The store keeps every object in memory and writes through to a backend before it
// acknowledges a write. The in-memory default (NullBackend) keeps nothing; SqliteBackend
// (sqlite_backend.h) survives kill -9 of the process. Keys are opaque strings chosen by the
// store ("<group-resource>/<namespace>/<name>"); values are the object's JSON text.
// Implementations are called with the store's write lock held, so they need not be
// thread-safe themselves, but Put and Delete must be durable when they return OK.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include <absl/status/status.h>

namespace upkeep::apiserver {

class StorageBackend {
 public:
  virtual ~StorageBackend() = default;

  // Calls `visit(key, json)` for every stored object, in no particular order, and sets
  // `*last_resource_version` to the highest resourceVersion ever issued (including those of
  // deleted objects), so resourceVersions keep increasing across restarts.
  virtual absl::Status LoadAll(
      const std::function<void(std::string_view key, std::string_view json)>& visit,
      uint64_t* last_resource_version) = 0;

  // Creates or replaces `key`; `resource_version` is the store's new global version.
  virtual absl::Status Put(std::string_view key, std::string_view json,
                           uint64_t resource_version) = 0;

  // Removes `key` (absent keys are not an error); records `resource_version`.
  virtual absl::Status Delete(std::string_view key, uint64_t resource_version) = 0;
};

// Keeps nothing: storage lives only in the store's memory.
class NullBackend final : public StorageBackend {
 public:
  absl::Status LoadAll(const std::function<void(std::string_view, std::string_view)>&,
                       uint64_t* last_resource_version) override {
    *last_resource_version = 0;
    return absl::OkStatus();
  }
  absl::Status Put(std::string_view, std::string_view, uint64_t) override {
    return absl::OkStatus();
  }
  absl::Status Delete(std::string_view, uint64_t) override { return absl::OkStatus(); }
};

}  // namespace upkeep::apiserver
