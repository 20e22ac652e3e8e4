// KubeClient: the Kubernetes REST client of the controller runtime, on cpprestsdk.
//
// Blocking calls (each runs a cpprestsdk task to completion); one client is shared by every
// informer and worker. Every request first takes a token from the client-side rate limiter
// (qps/burst). Idempotent verbs (get, list, watch setup, delete, update/patch with a
// resourceVersion or apply) are retried with exponential backoff on 429 (honouring
// Retry-After) and transient errors (5xx, connection failures, timeouts); create is retried
// only when the request never reached the server. Errors are api_error.h Status values.
// Thread-safe.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <string_view>

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "controller/client/client_config.h"
#include "controller/client/resource_type.h"

namespace upkeep::controller {

struct ClientOptions {
  double qps = 20;                                  // client-side limit; <= 0: unlimited
  int burst = 30;
  std::chrono::milliseconds timeout{30000};         // per request (not per watch)
  int max_retries = 5;                              // after the first attempt
  std::chrono::milliseconds initial_backoff{100};   // doubles per retry, up to max_backoff
  std::chrono::milliseconds max_backoff{10000};
  std::string user_agent = "upkeep";
  std::string field_manager = "upkeep";             // server-side apply and updates
  // Called once per HTTP attempt, for rest_client_requests_total{code,method,host}: `code`
  // is the HTTP status ("200") or "<error>" when no response came.
  std::function<void(std::string_view method, std::string_view code, std::string_view host)>
      on_request;
};

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  int64_t limit = 0;                  // 0: no paging
  std::string continue_token;
  std::string resource_version;       // "" (most recent), "0" (any), or a version
  std::string resource_version_match; // "", "NotOlderThan", "Exact"
};

struct WatchOptions {
  std::string resource_version;       // start after this version; "" = now (no initial list)
  std::string label_selector;
  std::string field_selector;
  bool allow_bookmarks = true;
  int64_t timeout_seconds = 0;        // server-side end of the watch; 0 = server default
  bool send_initial_events = false;   // with resource_version "" or "0": streaming list
};

struct WatchEvent {
  std::string type;                   // ADDED, MODIFIED, DELETED, BOOKMARK, ERROR
  nlohmann::json object;
};

enum class PatchType {
  kMerge,           // application/merge-patch+json
  kJson,            // application/json-patch+json
  kStrategicMerge,  // application/strategic-merge-patch+json (built-in kinds only)
  kApply,           // application/apply-patch+yaml (server-side apply)
};

struct WriteOptions {
  std::string subresource;            // "status", "scale" or "" for the object
  bool force = false;                 // server-side apply: take over conflicting fields
  bool dry_run = false;
};

struct DeleteOptions {
  std::string propagation_policy;     // "", "Background", "Foreground", "Orphan"
  std::string precondition_uid;
  std::string precondition_resource_version;
};

class KubeClient {
 public:
  static absl::StatusOr<std::unique_ptr<KubeClient>> Create(const ClientConfig& config,
                                                           ClientOptions options = {});
  virtual ~KubeClient() = default;

  virtual absl::StatusOr<nlohmann::json> Get(const ResourceType& type,
                                             std::string_view namespace_,
                                             std::string_view name) = 0;
  // The List object as the server sent it (items, metadata.resourceVersion and continue).
  virtual absl::StatusOr<nlohmann::json> List(const ResourceType& type,
                                              std::string_view namespace_,
                                              const ListOptions& options = {}) = 0;
  virtual absl::StatusOr<nlohmann::json> Create(const ResourceType& type,
                                                std::string_view namespace_,
                                                const nlohmann::json& object,
                                                const WriteOptions& options = {}) = 0;
  // PUT; the object's metadata.resourceVersion makes it a compare-and-swap (409 Conflict when
  // stale). With options.subresource "status" this is UpdateStatus.
  virtual absl::StatusOr<nlohmann::json> Update(const ResourceType& type,
                                                const nlohmann::json& object,
                                                const WriteOptions& options = {}) = 0;
  // `patch` is the body: a JSON object (merge, strategic, apply) or array (JSON patch). Apply
  // sends it as JSON (valid YAML) with fieldManager from the options.
  virtual absl::StatusOr<nlohmann::json> Patch(const ResourceType& type,
                                               std::string_view namespace_,
                                               std::string_view name, PatchType patch_type,
                                               const nlohmann::json& patch,
                                               const WriteOptions& options = {}) = 0;
  virtual absl::Status Delete(const ResourceType& type, std::string_view namespace_,
                              std::string_view name, const DeleteOptions& options = {}) = 0;

  // Opens a watch and calls `on_event` for each event in order until the server ends the
  // stream (returns OK), the stream fails (returns the error; a 410 at the start or an ERROR
  // event is returned as IsGone), `on_event` returns false (OK), or `stop` is requested (OK).
  // Opening is retried like a get; a broken stream is not (the caller resumes from the last
  // resourceVersion it saw).
  virtual absl::Status Watch(const ResourceType& type, std::string_view namespace_,
                             const WatchOptions& options,
                             const std::function<bool(WatchEvent&&)>& on_event,
                             std::stop_token stop = {}) = 0;

  // The server's host:port, for logs and metric labels.
  virtual const std::string& Host() const = 0;
  virtual const ClientOptions& Options() const = 0;
};

}  // namespace upkeep::controller
