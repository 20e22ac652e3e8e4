// ResourceHandler: the verbs on stored resources (get, list, watch, create, update, patch,
// delete, deletecollection, and the status subresource) with Kubernetes' object semantics:
// uid, creationTimestamp, resourceVersion preconditions (409), generation bumped only by
// spec changes, generateName, namespaces that must exist, finalizers and deletionTimestamp,
// the status split, schema defaulting/pruning/validation for custom resources, dryRun and
// fieldValidation. Thread-safe: all state lives in the store and the registry.
#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <absl/status/statusor.h>
#include <nlohmann/json.hpp>

#include "apiserver/http/http_server.h"
#include "apiserver/registry/resource_registry.h"
#include "apiserver/rest/request_info.h"
#include "apiserver/store/object_store.h"

namespace upkeep::apiserver {

class WatchHub;

struct ResourceHandlerOptions {
  std::function<std::chrono::system_clock::time_point()> now = [] {
    return std::chrono::system_clock::now();
  };
  int64_t default_watch_timeout_seconds = 1800;  // kube-apiserver: 30-60 minutes, randomized
};

class ResourceHandler {
 public:
  ResourceHandler(ObjectStore& store, ResourceRegistry& registry, WatchHub& watches,
                  ResourceHandlerOptions options);

  // Serves one resource request; errors come back as Kubernetes Status responses.
  HttpResponse Handle(const HttpRequest& request, const RequestInfo& info);

  // Makes every stored CustomResourceDefinition served (after loading a data dir).
  void ServeStoredCustomResourceDefinitions();
  // Creates default, kube-system and kube-public when missing, as a cluster has them.
  absl::Status EnsureSystemNamespaces();

  // Deletes `object` of `resource` as the garbage collector does (background propagation).
  absl::Status DeleteForCollector(const ResourceInfo& resource, const std::string& ns,
                                  const std::string& name);

 private:
  struct WriteOptions {
    bool dry_run = false;
    std::string field_validation = "Strict";  // Strict | Warn | Ignore
    std::string field_manager;
    std::vector<std::string>* warnings = nullptr;
    // Record the writer in metadata.managedFields (off for apply, which records itself).
    bool track_fields = true;
  };
  // ?dryRun, ?fieldValidation (default Strict) and ?fieldManager of a write request.
  static WriteOptions WriteOptionsOf(const HttpRequest& req, std::vector<std::string>* warnings);

  absl::StatusOr<HttpResponse> Get(const HttpRequest& req, const ResourceInfo& info,
                                   const RequestInfo& ri);
  absl::StatusOr<HttpResponse> List(const HttpRequest& req, const ResourceInfo& info,
                                    const RequestInfo& ri);
  absl::StatusOr<HttpResponse> Create(const HttpRequest& req, const ResourceInfo& info,
                                      const RequestInfo& ri);
  absl::StatusOr<HttpResponse> Update(const HttpRequest& req, const ResourceInfo& info,
                                      const RequestInfo& ri);
  absl::StatusOr<HttpResponse> Patch(const HttpRequest& req, const ResourceInfo& info,
                                     const RequestInfo& ri);
  absl::StatusOr<HttpResponse> Delete(const HttpRequest& req, const ResourceInfo& info,
                                      const RequestInfo& ri);
  // GET/PUT/PATCH of the scale subresource (autoscaling/v1 Scale).
  absl::StatusOr<HttpResponse> Scale(const HttpRequest& req, const ResourceInfo& info,
                                     const RequestInfo& ri);
  // PATCH with application/apply-patch+yaml (server-side apply); creates when absent.
  absl::StatusOr<HttpResponse> ApplyPatch(const HttpRequest& req, const ResourceInfo& info,
                                          const RequestInfo& ri, const WriteOptions& options);
  absl::StatusOr<HttpResponse> DeleteCollection(const HttpRequest& req, const ResourceInfo& info,
                                                const RequestInfo& ri);

  // Creates `object` (already decoded) in `ns`; shared by POST and apply-creates.
  absl::StatusOr<StoredObject> CreateObject(const ResourceInfo& info, const std::string& ns,
                                            nlohmann::json object, const WriteOptions& options);
  // Read-modify-write of one object: `change` maps the current object to the desired one.
  using Change = std::function<absl::StatusOr<nlohmann::json>(const nlohmann::json& current)>;
  absl::StatusOr<StoredObject> UpdateObject(const ResourceInfo& info, const std::string& ns,
                                            const std::string& name,
                                            const std::string& subresource, const Change& change,
                                            const WriteOptions& options);
  absl::StatusOr<StoredObject> DeleteObject(const ResourceInfo& info, const std::string& ns,
                                            const std::string& name,
                                            const nlohmann::json& delete_options, bool dry_run);

  // Defaulting, pruning, schema and metadata validation for a new version of an object.
  absl::Status Admit(const ResourceInfo& info, nlohmann::json& object, const WriteOptions& options);
  // Side effects of CRD writes: serve the resource, set Established.
  void AfterCrdWrite(const nlohmann::json& crd);
  void AfterCrdDelete(const nlohmann::json& crd);

  absl::Status CheckNamespace(const ResourceInfo& info, const std::string& ns) const;
  std::string Now() const;
  // The object as served in `info.version` (custom resources store one version).
  nlohmann::json AsServed(const ResourceInfo& info, const nlohmann::json& object) const;

  ObjectStore& store_;
  ResourceRegistry& registry_;
  WatchHub& watches_;
  const ResourceHandlerOptions options_;
};

// Serializes with the content type a response carries.
HttpResponse JsonResponse(int status, const nlohmann::json& body);
HttpResponse StatusResponse(const absl::Status& status);

}  // namespace upkeep::apiserver
