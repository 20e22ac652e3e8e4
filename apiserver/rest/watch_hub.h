// WatchHub: serves watch requests as chunked JSON streams (one {"type","object"} per line):
// history replay from a resourceVersion or the current state first, ADDED/MODIFIED/DELETED
// with label/field selectors (an object that stops matching is sent as DELETED), progress
// BOOKMARKs when asked, 410 Gone as an ERROR event, and timeoutSeconds. A slow client is
// dropped by the HTTP layer instead of holding up the others. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

#include <nlohmann/json.hpp>

#include "apiserver/http/http_server.h"
#include "apiserver/registry/resource_info.h"
#include "apiserver/rest/list_query.h"
#include "apiserver/store/object_store.h"

namespace upkeep::apiserver {

struct WatchRequest {
  std::shared_ptr<const ResourceInfo> resource;
  std::string namespace_;  // "" = all
  std::string name;        // watch of one object (fieldSelector metadata.name is equivalent)
  ListQuery query;
  bool as_table = false;
  // Converts a stored object to the served version.
  std::function<nlohmann::json(const nlohmann::json&)> as_served;
};

class WatchHub {
 public:
  WatchHub(ObjectStore& store, std::chrono::milliseconds bookmark_interval);
  ~WatchHub();
  WatchHub(const WatchHub&) = delete;
  WatchHub& operator=(const WatchHub&) = delete;

  HttpResponse Serve(WatchRequest request, int64_t timeout_seconds);

  // Ends every open watch stream (fault injection: "drop watches").
  void DropAll();
  size_t ActiveCount() const;

 private:
  struct Stream;
  void TickBookmarks();

  ObjectStore& store_;
  const std::chrono::milliseconds bookmark_interval_;

  mutable std::mutex mu_;
  std::map<uint64_t, std::shared_ptr<Stream>> streams_;  // guarded by mu_
  uint64_t next_id_ = 1;                                 // guarded by mu_
  bool stopping_ = false;                                // guarded by mu_
  std::condition_variable wake_;
  std::thread ticker_;
};

}  // namespace upkeep::apiserver
