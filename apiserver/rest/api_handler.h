// ApiHandler: the top of the API server's request handling: authentication, the
// non-resource endpoints (/version, /healthz, /readyz, /livez, discovery, OpenAPI), the
// test-only admin endpoints (fault injection, dropping watches, compacting history), and
// dispatch of resource requests to ResourceHandler. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "apiserver/http/http_server.h"
#include "apiserver/registry/resource_registry.h"
#include "apiserver/rest/fault_injector.h"
#include "apiserver/rest/resource_handler.h"
#include "apiserver/rest/watch_hub.h"
#include "apiserver/store/object_store.h"

namespace upkeep::apiserver {

struct ApiHandlerOptions {
  std::string server_address;  // "127.0.0.1:6443", for /api
  std::string bearer_token;    // when set, every request but health probes must carry it
  bool enable_admin = true;    // /upkeep/... endpoints for loopback clients
};

class ApiHandler {
 public:
  ApiHandler(ObjectStore& store, ResourceRegistry& registry, WatchHub& watches,
             ResourceHandler& resources, ApiHandlerOptions options);

  HttpResponse Handle(const HttpRequest& request);

  FaultInjector& faults() { return faults_; }

 private:
  HttpResponse HandleAdmin(const HttpRequest& request);
  HttpResponse OpenApi(const HttpRequest& request);

  ObjectStore& store_;
  ResourceRegistry& registry_;
  WatchHub& watches_;
  ResourceHandler& resources_;
  const ApiHandlerOptions options_;
  FaultInjector faults_;

  std::mutex openapi_mu_;
  uint64_t openapi_generation_ = 0;                    // guarded by openapi_mu_
  std::map<std::string, std::string> openapi_cache_;   // path -> body; guarded by openapi_mu_
};

}  // namespace upkeep::apiserver
