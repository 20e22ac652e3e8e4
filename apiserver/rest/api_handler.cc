#include "apiserver/rest/api_handler.h"

#include <thread>

#include "apiserver/api/api_status.h"
#include "apiserver/openapi/openapi.h"
#include "apiserver/rest/discovery.h"
#include "apiserver/rest/request_info.h"

namespace upkeep::apiserver {
namespace {

bool IsLoopback(const std::string& address) {
  return address == "127.0.0.1" || address == "::1" || address.rfind("127.", 0) == 0 ||
         address == "::ffff:127.0.0.1";
}

HttpResponse Text(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  return r;
}

std::vector<ResourceInfo> Served(const ResourceRegistry& registry) {
  std::vector<ResourceInfo> out;
  for (const auto& r : registry.All()) out.push_back(*r);
  return out;
}

}  // namespace

ApiHandler::ApiHandler(ObjectStore& store, ResourceRegistry& registry, WatchHub& watches,
                       ResourceHandler& resources, ApiHandlerOptions options)
    : store_(store),
      registry_(registry),
      watches_(watches),
      resources_(resources),
      options_(std::move(options)) {}

HttpResponse ApiHandler::Handle(const HttpRequest& req) {
  const std::string& path = req.path;
  if (path == "/healthz" || path == "/livez" || path == "/readyz" ||
      path.rfind("/healthz/", 0) == 0 || path.rfind("/livez/", 0) == 0 ||
      path.rfind("/readyz/", 0) == 0) {
    return Text(200, "ok");
  }
  if (!options_.bearer_token.empty() &&
      req.Header("authorization") != "Bearer " + options_.bearer_token) {
    return StatusResponse(UnauthorizedError());
  }
  if (path == "/version") {
    return JsonResponse(200, {{"major", "1"},
                              {"minor", "32"},
                              {"gitVersion", std::string("v1.32.0-upkeep.") + UPKEEP_VERSION},
                              {"gitCommit", ""},
                              {"gitTreeState", "clean"},
                              {"buildDate", "1970-01-01T00:00:00Z"},
                              {"goVersion", "n/a (C++)"},
                              {"compiler", "g++"},
                              {"platform", "linux/amd64"}});
  }
  if (path.rfind("/upkeep/", 0) == 0) return HandleAdmin(req);
  if (path.rfind("/openapi/", 0) == 0) return OpenApi(req);
  if (path == "/api" || path == "/api/") return JsonResponse(200, CoreApiVersions(options_.server_address));
  if (path == "/apis" || path == "/apis/") return JsonResponse(200, ApiGroupList(registry_));

  RequestInfo info = ParseRequestInfo(req.method, path, req.QueryFlag("watch"));
  if (!info.is_resource_request) {
    if (info.api_prefix == "api" && !info.version.empty()) {
      if (auto list = ApiResourceList(registry_, "", info.version)) return JsonResponse(200, *list);
    } else if (info.api_prefix == "apis" && !info.group.empty() && !info.version.empty()) {
      if (auto list = ApiResourceList(registry_, info.group, info.version)) {
        return JsonResponse(200, *list);
      }
    } else if (info.api_prefix == "apis") {
      std::string group = path.substr(6);
      while (!group.empty() && group.back() == '/') group.pop_back();
      if (auto g = ApiGroup(registry_, group)) return JsonResponse(200, *g);
    }
    return StatusResponse(NotFoundError({"", "", "", ""}));
  }
  if (auto latency = faults_.Latency(); latency.count() > 0) std::this_thread::sleep_for(latency);
  if (auto code = faults_.ErrorFor(info.verb)) {
    FaultPlan plan = faults_.Get();
    if (*code == 429) return StatusResponse(TooManyRequestsError("injected: too many requests", plan.retry_after_seconds));
    if (*code == 503) return StatusResponse(ServiceUnavailableError("injected: service unavailable"));
    return StatusResponse(InternalError("injected failure"));
  }
  if (info.verb == "watch" && faults_.TakeWatchExpiry()) {
    // As a real server does for a start point older than its history.
    HttpResponse r;
    r.on_stream_open = [](std::shared_ptr<ChunkSink> sink) {
      nlohmann::json status = ToStatusObject(GoneError("too old resource version: injected"));
      sink->Write(nlohmann::json{{"type", "ERROR"}, {"object", status}}.dump() + "\n");
      sink->Close();
    };
    return r;
  }
  return resources_.Handle(req, info);
}

HttpResponse ApiHandler::HandleAdmin(const HttpRequest& req) {
  if (!options_.enable_admin || !IsLoopback(req.remote_address)) {
    return StatusResponse(NotFoundError({"", "", "", ""}));
  }
  if (req.path == "/upkeep/faults") {
    if (req.method == "PUT" || req.method == "POST") {
      nlohmann::json body = nlohmann::json::parse(req.body, nullptr, false);
      if (body.is_discarded() || !body.is_object()) {
        return StatusResponse(BadRequestError("fault plan must be a JSON object"));
      }
      faults_.Set(FaultInjector::PlanFromJson(body));
    } else if (req.method == "DELETE") {
      faults_.Set(FaultPlan{});
    }
    return JsonResponse(200, FaultInjector::PlanToJson(faults_.Get()));
  }
  if (req.path == "/upkeep/drop-watches" && req.method == "POST") {
    size_t n = watches_.ActiveCount();
    watches_.DropAll();
    return JsonResponse(200, {{"dropped", n}});
  }
  if (req.path == "/upkeep/compact" && req.method == "POST") {
    store_.CompactHistory();
    return JsonResponse(200, {{"compactedThrough", store_.OldestWatchableResourceVersion()}});
  }
  if (req.path == "/upkeep/stats") {
    return JsonResponse(200, {{"resourceVersion", store_.CurrentResourceVersion()},
                              {"watches", watches_.ActiveCount()}});
  }
  return StatusResponse(NotFoundError({"", "", "", ""}));
}

HttpResponse ApiHandler::OpenApi(const HttpRequest& req) {
  const std::string& accept = req.Header("accept");
  if (req.path == "/openapi/v2" && accept.find("protobuf") != std::string::npos &&
      accept.find("json") == std::string::npos && accept.find("*/*") == std::string::npos) {
    // Only JSON is served; a protobuf-only client then falls back to OpenAPI v3.
    return StatusResponse(NotAcceptableError("only application/json is served for /openapi/v2"));
  }
  std::lock_guard<std::mutex> lock(openapi_mu_);
  if (openapi_generation_ != registry_.Generation()) {
    openapi_cache_.clear();
    openapi_generation_ = registry_.Generation();
  }
  std::string key = req.path;
  auto it = openapi_cache_.find(key);
  if (it == openapi_cache_.end()) {
    std::vector<ResourceInfo> served = Served(registry_);
    std::string body;
    if (req.path == "/openapi/v2") {
      body = BuildOpenApiV2(served).dump();
    } else if (req.path == "/openapi/v3" || req.path == "/openapi/v3/") {
      body = BuildOpenApiV3Root(served).dump();
    } else if (req.path.rfind("/openapi/v3/", 0) == 0) {
      std::string rest = req.path.substr(12);  // "api/v1" or "apis/apps/v1"
      std::string gv;
      if (rest.rfind("api/", 0) == 0) gv = rest.substr(4);
      else if (rest.rfind("apis/", 0) == 0) gv = rest.substr(5);
      bool known = false;
      for (const auto& r : served) known = known || r.GroupVersion() == gv;
      if (!known) return StatusResponse(NotFoundError({"", "", "", ""}));
      body = BuildOpenApiV3GroupVersion(served, gv).dump();
    } else {
      return StatusResponse(NotFoundError({"", "", "", ""}));
    }
    it = openapi_cache_.emplace(key, std::move(body)).first;
  }
  HttpResponse r;
  r.body = it->second;
  r.headers.push_back({"Cache-Control", "no-cache, private"});
  return r;
}

}  // namespace upkeep::apiserver
