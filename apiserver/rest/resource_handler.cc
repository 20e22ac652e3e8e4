#include "apiserver/rest/resource_handler.h"

#include <random>

#include "apiserver/api/api_status.h"
#include "apiserver/meta/object_meta_validation.h"
#include "apiserver/patch/json_patch.h"
#include "apiserver/patch/merge_patch.h"
#include "apiserver/patch/strategic_merge_patch.h"
#include "apiserver/apply/track_update.h"
#include "apiserver/rest/builtin_strategy.h"
#include "apiserver/rest/field_ownership.h"
#include "apiserver/rest/human_duration.h"
#include "apiserver/rest/list_query.h"
#include "apiserver/rest/request_body.h"
#include "apiserver/rest/scale_subresource.h"
#include "apiserver/rest/table_convertor.h"
#include "apiserver/rest/watch_hub.h"
#include "apiserver/schema/schema_defaulting.h"
#include "apiserver/schema/schema_pruning.h"
#include "apiserver/schema/schema_validator.h"

namespace upkeep::apiserver {
namespace {

using json = nlohmann::json;

ErrorSubject Subject(const ResourceInfo& info, const std::string& name) {
  return {info.group, info.resource, info.kind, name};
}

std::string RandomUid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  uint64_t a = rng(), b = rng();
  char buf[40];
  snprintf(buf, sizeof buf, "%08x-%04x-4%03x-%04x-%012llx", static_cast<unsigned>(a >> 32),
           static_cast<unsigned>((a >> 16) & 0xffff), static_cast<unsigned>(a & 0xfff),
           static_cast<unsigned>(((b >> 48) & 0x3fff) | 0x8000),
           static_cast<unsigned long long>(b & 0xffffffffffffULL));
  return buf;
}

std::string RandomSuffix() {
  // The alphabet kube uses for generateName: no vowels, no confusable digits.
  static const char kAlphabet[] = "bcdfghjklmnpqrstvwxz2456789";
  thread_local std::mt19937 rng{std::random_device{}()};
  std::string out;
  for (int i = 0; i < 5; ++i) out += kAlphabet[rng() % (sizeof kAlphabet - 1)];
  return out;
}

const json& Meta(const json& obj) {
  static const json kEmpty = json::object();
  auto it = obj.find("metadata");
  return it != obj.end() && it->is_object() ? *it : kEmpty;
}

// Everything but metadata and status: what bumps metadata.generation.
bool SpecChanged(const json& before, const json& after) {
  json a = before, b = after;
  for (json* o : {&a, &b}) {
    if (o->is_object()) {
      o->erase("metadata");
      o->erase("status");
    }
  }
  return a != b;
}

bool SameIgnoringVersion(const json& a, const json& b) {
  json x = a, y = b;
  x["metadata"].erase("resourceVersion");
  y["metadata"].erase("resourceVersion");
  x["metadata"].erase("managedFields");
  y["metadata"].erase("managedFields");
  return x == y;
}

NameRule NameRuleFor(const ResourceInfo& info) {
  if (info.group.empty() && info.resource == "namespaces") return NameRule::kDnsLabel;
  if (info.group.empty() && info.resource == "services") return NameRule::kDns1035Label;
  if (info.group.empty() &&
      (info.resource == "events" || info.resource == "secrets" || info.resource == "configmaps" ||
       info.resource == "serviceaccounts")) {
    return NameRule::kDnsSubdomain;
  }
  if (info.group == "rbac.authorization.k8s.io") return NameRule::kPathSegment;
  return NameRule::kDnsSubdomain;
}

std::vector<std::string> Finalizers(const json& obj) {
  std::vector<std::string> out;
  const json& f = Meta(obj).value("finalizers", json::array());
  for (const auto& v : f) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

bool IsTable(const HttpRequest& req) {
  return req.Header("accept").find("as=Table") != std::string::npos;
}

IncludeObject ParseIncludeObject(const std::string& s) {
  if (s == "None") return IncludeObject::kNone;
  if (s == "Object") return IncludeObject::kObject;
  return IncludeObject::kMetadata;
}

}  // namespace

HttpResponse JsonResponse(int status, const json& body) {
  HttpResponse r;
  r.status = status;
  r.body = body.dump();
  return r;
}

HttpResponse StatusResponse(const absl::Status& status) {
  json obj = ToStatusObject(status);
  HttpResponse r = JsonResponse(obj.value("code", 500), obj);
  if (obj.contains("details") && obj["details"].contains("retryAfterSeconds")) {
    r.headers.push_back({"Retry-After", std::to_string(obj["details"]["retryAfterSeconds"].get<int>())});
  }
  return r;
}

ResourceHandler::WriteOptions ResourceHandler::WriteOptionsOf(const HttpRequest& req,
                                                            std::vector<std::string>* warnings) {
  WriteOptions options;
  options.dry_run = req.Query("dryRun") == "All";
  options.field_validation =
      req.HasQuery("fieldValidation") ? req.Query("fieldValidation") : "Strict";
  options.field_manager = FieldManagerOf(req);
  options.warnings = warnings;
  return options;
}

namespace {

UpdateOptions UpdateOptionsFor(const ResourceInfo& info, const std::string& subresource,
                               const std::string& manager, const std::string& now) {
  UpdateOptions u;
  u.manager = manager;
  u.api_version = info.GroupVersion();
  u.subresource = subresource;
  MergeRules rules = MergeRulesFor(info);
  u.lists = rules.lists;
  u.maps = rules.maps;
  u.ignored_fields = IgnoredFieldsFor(info, subresource);
  u.now_rfc3339 = now;
  return u;
}

}  // namespace

ResourceHandler::ResourceHandler(ObjectStore& store, ResourceRegistry& registry,
                                 WatchHub& watches, ResourceHandlerOptions options)
    : store_(store), registry_(registry), watches_(watches), options_(std::move(options)) {}

std::string ResourceHandler::Now() const { return FormatRfc3339(options_.now()); }

json ResourceHandler::AsServed(const ResourceInfo& info, const json& object) const {
  if (!info.custom || info.version == info.storage_version) return object;
  json out = object;
  out["apiVersion"] = info.GroupVersion();  // conversion strategy None: only the version
  return out;
}

HttpResponse ResourceHandler::Handle(const HttpRequest& req, const RequestInfo& ri) {
  ResourcePtr info = registry_.Find(ri.group, ri.version, ri.resource);
  if (!info) {
    return StatusResponse(NotFoundError({ri.group, ri.resource, "", ri.name}));
  }
  if (!ri.subresource.empty() && !(ri.subresource == "status" && info->has_status) &&
      !(ri.subresource == "scale" && info->has_scale) &&
      !(ri.subresource == "finalize" && info->resource == "namespaces")) {
    return StatusResponse(NotFoundError({ri.group, ri.resource + "/" + ri.subresource, "", ri.name}));
  }
  if (info->namespaced && ri.namespace_.empty() && !ri.name.empty()) {
    return StatusResponse(
        NotFoundError({ri.group, ri.resource, "", ri.name}));  // namespace required
  }
  absl::StatusOr<HttpResponse> result;
  if (ri.subresource == "scale") {
    result = Scale(req, *info, ri);
  } else if (ri.verb == "get") {
    result = Get(req, *info, ri);
  } else if (ri.verb == "list") {
    result = List(req, *info, ri);
  } else if (ri.verb == "watch") {
    auto query = ParseListQuery(req);
    if (!query.ok()) return StatusResponse(query.status());
    WatchRequest w;
    w.resource = info;
    w.namespace_ = info->namespaced ? ri.namespace_ : "";
    w.name = ri.name;
    w.query = std::move(*query);
    w.as_table = IsTable(req);
    if (info->custom && info->version != info->storage_version) {
      w.as_served = [this, info](const json& o) { return AsServed(*info, o); };
    }
    int64_t timeout = w.query.timeout_seconds > 0 ? w.query.timeout_seconds
                                                  : options_.default_watch_timeout_seconds;
    return watches_.Serve(std::move(w), timeout);
  } else if (ri.verb == "create") {
    if (!ri.name.empty()) {
      return StatusResponse(MethodNotSupportedError(Subject(*info, ri.name), "create"));
    }
    result = Create(req, *info, ri);
  } else if (ri.verb == "update") {
    result = Update(req, *info, ri);
  } else if (ri.verb == "patch") {
    result = Patch(req, *info, ri);
  } else if (ri.verb == "delete") {
    result = Delete(req, *info, ri);
  } else if (ri.verb == "deletecollection") {
    result = DeleteCollection(req, *info, ri);
  } else {
    return StatusResponse(MethodNotSupportedError(Subject(*info, ri.name), ri.verb));
  }
  if (!result.ok()) return StatusResponse(result.status());
  return std::move(*result);
}

absl::Status ResourceHandler::CheckNamespace(const ResourceInfo& info, const std::string& ns) const {
  if (!info.namespaced) return absl::OkStatus();
  auto stored = store_.Get("namespaces", "", ns);
  if (!stored) return NotFoundError({"", "namespaces", "Namespace", ns});
  if (!stored->Meta("deletionTimestamp").is_null()) {
    return ForbiddenError(Subject(info, ""),
                          "unable to create new content in namespace " + ns +
                              " because it is being terminated");
  }
  return absl::OkStatus();
}

absl::StatusOr<HttpResponse> ResourceHandler::Get(const HttpRequest& req, const ResourceInfo& info,
                                                  const RequestInfo& ri) {
  auto stored = store_.Get(info.GroupResource(), info.namespaced ? ri.namespace_ : "", ri.name);
  if (!stored) return NotFoundError(Subject(info, ri.name));
  json served = AsServed(info, stored->Object());
  if (IsTable(req)) {
    TableOptions options;
    options.now = options_.now();
    options.include_object = ParseIncludeObject(req.Query("includeObject"));
    HttpResponse r = JsonResponse(200, ConvertToTable(info, {&served}, {{"resourceVersion", std::to_string(stored->resource_version)}}, options));
    r.content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
    return r;
  }
  HttpResponse r;
  r.body = (info.custom && info.version != info.storage_version) ? served.dump() : *stored->text;
  return r;
}

absl::StatusOr<HttpResponse> ResourceHandler::List(const HttpRequest& req,
                                                   const ResourceInfo& info,
                                                   const RequestInfo& ri) {
  auto query = ParseListQuery(req);
  if (!query.ok()) return query.status();
  if (query->field_selector) {
    std::vector<std::string> extra;
    if (info.group.empty() && info.resource == "secrets") extra = {"type"};
    if (info.group.empty() && info.resource == "events") {
      extra = {"involvedObject.kind", "involvedObject.name", "involvedObject.namespace",
               "involvedObject.uid", "reason", "type", "source"};
    }
    if (info.group.empty() && info.resource == "pods") {
      extra = {"spec.nodeName", "status.phase", "spec.restartPolicy", "spec.serviceAccountName"};
    }
    if (info.group.empty() && info.resource == "namespaces") extra = {"status.phase"};
    if (absl::Status st = query->field_selector->CheckSupported(extra); !st.ok()) return st;
  }
  uint64_t current = store_.CurrentResourceVersion();
  if (!query->resource_version.empty() && query->resource_version != "0") {
    uint64_t asked = std::strtoull(query->resource_version.c_str(), nullptr, 10);
    if (asked > current) {
      return TimeoutError("Too large resource version: " + query->resource_version +
                          ", current: " + std::to_string(current));
    }
  }
  ListOptions options;
  options.namespace_ = info.namespaced ? ri.namespace_ : "";
  const ListQuery& q = *query;
  if (q.label_selector || q.field_selector) {
    options.filter = [&q](const StoredObject& o) { return q.Matches(o); };
  }
  options.limit = q.limit;
  if (!q.continue_key.empty()) {
    if (q.continue_resource_version < store_.OldestWatchableResourceVersion()) {
      return GoneError(
          "The provided continue parameter is too old to display a consistent list result. "
          "You can start a new list without the continue parameter, or use the continue token "
          "in this response to retrieve the remainder of the results. Continuing with the "
          "provided token results in an inconsistent list - objects that were created, "
          "modified, or deleted between the time the first chunk was returned and now may "
          "show up in the list.");
    }
    options.start_after = q.continue_key;
  }
  if (!q.continue_key.empty()) {
    options.at_resource_version = q.continue_resource_version;
  } else if (q.resource_version_match == "Exact" && !q.resource_version.empty()) {
    options.at_resource_version = std::strtoull(q.resource_version.c_str(), nullptr, 10);
  }
  ListResult result = store_.List(info.GroupResource(), options);
  if (result.expired) {
    return GoneError("The resourceVersion for the provided list is too old.");
  }
  uint64_t list_rv = result.resource_version;
  json list_meta = {{"resourceVersion", std::to_string(list_rv)}};
  if (!result.last_key.empty()) {
    list_meta["continue"] = EncodeContinueToken(list_rv, result.last_key);
    list_meta["remainingItemCount"] = result.remaining;
  }
  if (IsTable(req)) {
    std::vector<json> served;
    served.reserve(result.items.size());
    for (const auto& s : result.items) served.push_back(AsServed(info, s.Object()));
    std::vector<const json*> ptrs;
    for (const auto& s : served) ptrs.push_back(&s);
    TableOptions options;
    options.now = options_.now();
    options.include_object = ParseIncludeObject(req.Query("includeObject"));
    HttpResponse r = JsonResponse(200, ConvertToTable(info, ptrs, list_meta, options));
    r.content_type = "application/json;as=Table;v=v1;g=meta.k8s.io";
    return r;
  }
  // Lists are assembled from each object's cached text: no re-serialization.
  std::string body = "{\"kind\":\"" + info.list_kind + "\",\"apiVersion\":\"" +
                     info.GroupVersion() + "\",\"metadata\":" + list_meta.dump() + ",\"items\":[";
  size_t total = body.size() + 2;
  for (const auto& s : result.items) total += s.text->size() + 1;
  body.reserve(total);
  bool first = true;
  bool convert = info.custom && info.version != info.storage_version;
  for (const auto& s : result.items) {
    if (!first) body += ',';
    first = false;
    body += convert ? AsServed(info, s.Object()).dump() : *s.text;
  }
  body += "]}";
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

absl::Status ResourceHandler::Admit(const ResourceInfo& info, json& object,
                                    const WriteOptions& options) {
  std::string name = Meta(object).value("name", "");
  PrepareBuiltinForWrite(info, object);
  if (info.custom && info.schema.is_object()) {
    std::vector<std::string> pruned;
    PruneUnknownFields(info.schema, object, &pruned);
    if (!pruned.empty() && options.field_validation != "Ignore") {
      if (options.field_validation == "Strict") {
        std::string msg = "strict decoding error: ";
        for (size_t i = 0; i < pruned.size(); ++i) {
          msg += (i ? ", " : "") + std::string("unknown field \"") + pruned[i] + "\"";
        }
        return BadRequestError(msg);
      }
      if (options.warnings) {
        for (const auto& p : pruned) options.warnings->push_back("unknown field \"" + p + "\"");
      }
    }
    ApplySchemaDefaults(info.schema, object);
    FieldErrors errors = ValidateAgainstSchema(info.schema, object);
    if (!errors.empty()) return InvalidError(Subject(info, name), errors);
  }
  if (info.GroupResource() == "customresourcedefinitions.apiextensions.k8s.io") {
    FieldErrors errors = ValidateCustomResourceDefinition(object);
    if (!errors.empty()) return InvalidError(Subject(info, name), errors);
  }
  FieldErrors errors = ValidateObjectMeta(Meta(object), info.namespaced, NameRuleFor(info));
  if (!errors.empty()) return InvalidError(Subject(info, name), errors);
  return absl::OkStatus();
}

absl::StatusOr<StoredObject> ResourceHandler::CreateObject(const ResourceInfo& info,
                                                           const std::string& ns, json object,
                                                           const WriteOptions& options) {
  if (!object.is_object()) return BadRequestError("the body of the request must be an object");
  json& meta = object["metadata"];
  if (!meta.is_object()) meta = json::object();
  std::string body_ns = meta.value("namespace", "");
  if (info.namespaced) {
    if (!body_ns.empty() && body_ns != ns) {
      return BadRequestError("the namespace of the provided object does not match the namespace "
                             "sent on the request");
    }
    meta["namespace"] = ns;
  } else {
    meta.erase("namespace");
  }
  if (meta.value("name", "").empty() && !meta.value("generateName", "").empty()) {
    meta["name"] = meta["generateName"].get<std::string>() + RandomSuffix();
  }
  object["apiVersion"] = info.custom ? info.group + "/" + info.storage_version : info.GroupVersion();
  object["kind"] = info.kind;
  if (absl::Status st = CheckNamespace(info, ns); !st.ok()) return st;
  // Server-owned metadata: whatever the client sent is replaced.
  meta["uid"] = RandomUid();
  meta["creationTimestamp"] = Now();
  if (TracksGeneration(info)) {
    meta["generation"] = 1;
  } else {
    meta.erase("generation");
  }
  meta.erase("resourceVersion");
  meta.erase("deletionTimestamp");
  meta.erase("deletionGracePeriodSeconds");
  meta.erase("selfLink");
  if (info.has_status) object.erase("status");
  if (info.GroupResource() == "namespaces") {
    object["spec"] = {{"finalizers", {"kubernetes"}}};
    object["status"] = {{"phase", "Active"}};
    meta["labels"]["kubernetes.io/metadata.name"] = meta.value("name", "");
  }
  if (absl::Status st = Admit(info, object, options); !st.ok()) return st;
  if (options.track_fields) {
    object = TrackUpdate(nullptr, object, UpdateOptionsFor(info, "", options.field_manager, Now()));
  }
  std::string name = object["metadata"].value("name", "");
  if (options.dry_run) {
    if (store_.Get(info.GroupResource(), info.namespaced ? ns : "", name)) {
      return AlreadyExistsError(Subject(info, name));
    }
    return StoredObject::Of(object, 0);
  }
  auto stored = store_.Mutate(info.GroupResource(), info.namespaced ? ns : "", name,
                              [&](const StoredObject* current) -> absl::StatusOr<Mutation> {
                                if (current) return AlreadyExistsError(Subject(info, name));
                                return Mutation{Mutation::Kind::kPut, object};
                              });
  if (stored.ok() && info.GroupResource() == "customresourcedefinitions.apiextensions.k8s.io") {
    AfterCrdWrite(stored->Object());
    if (auto fresh = store_.Get(info.GroupResource(), "", name)) return *fresh;
  }
  return stored;
}

absl::StatusOr<HttpResponse> ResourceHandler::Create(const HttpRequest& req,
                                                     const ResourceInfo& info,
                                                     const RequestInfo& ri) {
  if (!ri.subresource.empty()) return MethodNotSupportedError(Subject(info, ri.name), "create");
  auto body = DecodeBody(req);
  if (!body.ok()) return body.status();
  std::vector<std::string> warnings;
  WriteOptions options = WriteOptionsOf(req, &warnings);
  auto stored = CreateObject(info, ri.namespace_, std::move(*body), options);
  if (!stored.ok()) return stored.status();
  HttpResponse r;
  r.status = 201;
  r.body = (info.custom && info.version != info.storage_version) ? AsServed(info, stored->Object()).dump()
                                                                 : *stored->text;
  for (const auto& w : warnings) r.headers.push_back({"Warning", "299 - \"" + w + "\""});
  return r;
}

absl::StatusOr<StoredObject> ResourceHandler::UpdateObject(const ResourceInfo& info,
                                                           const std::string& ns,
                                                           const std::string& name,
                                                           const std::string& subresource,
                                                           const Change& change,
                                                           const WriteOptions& options) {
  std::optional<json> dry_run_result;
  bool crd_deleted = false;
  auto stored = store_.Mutate(
      info.GroupResource(), info.namespaced ? ns : "", name,
      [&](const StoredObject* current) -> absl::StatusOr<Mutation> {
        if (!current) return NotFoundError(Subject(info, name));
        const json old = current->Object();
        auto desired = change(AsServed(info, old));
        if (!desired.ok()) return desired.status();
        json next = std::move(*desired);
        if (!next.is_object()) return BadRequestError("the body of the request must be an object");
        if (!next["metadata"].is_object()) next["metadata"] = json::object();
        json& meta = next["metadata"];
        std::string body_name = meta.value("name", "");
        if (!body_name.empty() && body_name != name) {
          return BadRequestError("the name of the object (" + body_name +
                                 ") does not match the name on the URL (" + name + ")");
        }
        std::string rv = meta.value("resourceVersion", "");
        if (!rv.empty() && rv != Meta(old).value("resourceVersion", "")) {
          return ConflictError(Subject(info, name),
                               "the object has been modified; please apply your changes to the "
                               "latest version and try again");
        }
        if (info.namespaced) {
          std::string body_ns = meta.value("namespace", "");
          if (!body_ns.empty() && body_ns != ns) {
            return BadRequestError("the namespace of the provided object does not match the "
                                   "namespace sent on the request");
          }
        }
        if (subresource == "status") {
          // /status changes status only.
          json result = old;
          if (next.contains("status")) result["status"] = next["status"];
          else result.erase("status");
          if (Meta(next).contains("managedFields")) {
            result["metadata"]["managedFields"] = next["metadata"]["managedFields"];
          }
          next = std::move(result);
        } else if (info.has_status) {
          // The main endpoint ignores status.
          if (old.contains("status")) next["status"] = old["status"];
          else next.erase("status");
        }
        json& m = next["metadata"];
        const json& om = Meta(old);
        for (const char* k : {"uid", "creationTimestamp", "deletionTimestamp",
                              "deletionGracePeriodSeconds", "generation", "namespace", "name"}) {
          if (om.contains(k)) m[k] = om[k];
          else m.erase(k);
        }
        m.erase("resourceVersion");
        next["apiVersion"] = old["apiVersion"];
        next["kind"] = info.kind;
        if (Meta(old).contains("deletionTimestamp")) {
          // Finalizers may only be removed once deletion has started.
          for (const std::string& f : Finalizers(next)) {
            auto before = Finalizers(old);
            if (std::find(before.begin(), before.end(), f) == before.end()) {
              return InvalidError(Subject(info, name),
                                  {{"FieldValueForbidden", "metadata.finalizers",
                                    "Forbidden: no new finalizers can be added if the object is "
                                    "being deleted, found new finalizers []string{\"" + f + "\"}"}});
            }
          }
        }
        if (absl::Status st = Admit(info, next, options); !st.ok()) return st;
        if (TracksGeneration(info) && SpecChanged(old, next)) {
          m["generation"] = Meta(old).value("generation", 1) + 1;
        }
        if (options.track_fields) {
          next = TrackUpdate(&old, next,
                             UpdateOptionsFor(info, subresource, options.field_manager, Now()));
        }
        if (SameIgnoringVersion(old, next)) {
          dry_run_result = old;
          return Mutation{Mutation::Kind::kNoChange, {}};
        }
        bool finished = Meta(next).contains("deletionTimestamp") && Finalizers(next).empty();
        if (options.dry_run) {
          dry_run_result = next;
          return Mutation{Mutation::Kind::kNoChange, {}};
        }
        if (finished) {
          crd_deleted = true;
          return Mutation{Mutation::Kind::kDelete, {}};
        }
        return Mutation{Mutation::Kind::kPut, std::move(next)};
      });
  if (!stored.ok()) return stored;
  if (dry_run_result) {
    return StoredObject::Of(*dry_run_result, 0);
  }
  if (info.GroupResource() == "customresourcedefinitions.apiextensions.k8s.io") {
    if (crd_deleted) {
      AfterCrdDelete(stored->Object());
    } else {
      AfterCrdWrite(stored->Object());
      if (auto fresh = store_.Get(info.GroupResource(), "", name)) return *fresh;
    }
  }
  return stored;
}

absl::StatusOr<HttpResponse> ResourceHandler::Scale(const HttpRequest& req,
                                                    const ResourceInfo& info,
                                                    const RequestInfo& ri) {
  if (ri.verb == "get") {
    auto stored = store_.Get(info.GroupResource(), info.namespaced ? ri.namespace_ : "", ri.name);
    if (!stored) return NotFoundError(Subject(info, ri.name));
    return JsonResponse(200, ScaleOf(info, stored->Object()));
  }
  if (ri.verb != "update" && ri.verb != "patch") {
    return MethodNotSupportedError(Subject(info, ri.name), ri.verb);
  }
  std::string type = req.Header("content-type");
  type = type.substr(0, type.find(';'));
  json body = json::parse(req.body, nullptr, false);
  if (body.is_discarded()) return BadRequestError("the body of the request could not be decoded");
  std::vector<std::string> warnings;
  WriteOptions options = WriteOptionsOf(req, &warnings);
  auto stored = UpdateObject(
      info, ri.namespace_, ri.name, "",
      [&](const json& current) -> absl::StatusOr<json> {
        json scale = ScaleOf(info, current);
        absl::StatusOr<json> next_scale = body;
        if (ri.verb == "patch") {
          if (type == "application/json-patch+json") next_scale = ApplyJsonPatch(scale, body);
          else if (type == "application/merge-patch+json" ||
                   type == "application/strategic-merge-patch+json") {
            next_scale = ApplyMergePatch(scale, body);
          } else {
            return UnsupportedMediaTypeError(type);
          }
        }
        if (!next_scale.ok()) return next_scale.status();
        return WithScale(info, current, *next_scale);
      },
      options);
  if (!stored.ok()) return stored.status();
  return JsonResponse(200, ScaleOf(info, stored->Object()));
}

absl::StatusOr<HttpResponse> ResourceHandler::Update(const HttpRequest& req,
                                                     const ResourceInfo& info,
                                                     const RequestInfo& ri) {
  auto body = DecodeBody(req);
  if (!body.ok()) return body.status();
  std::vector<std::string> warnings;
  WriteOptions options = WriteOptionsOf(req, &warnings);
  json desired = std::move(*body);
  auto stored = UpdateObject(
      info, ri.namespace_, ri.name, ri.subresource,
      [&](const json&) -> absl::StatusOr<json> { return desired; }, options);
  if (!stored.ok()) return stored.status();
  HttpResponse r;
  r.body = AsServed(info, stored->Object()).dump();
  for (const auto& w : warnings) r.headers.push_back({"Warning", "299 - \"" + w + "\""});
  return r;
}

absl::StatusOr<HttpResponse> ResourceHandler::Patch(const HttpRequest& req,
                                                    const ResourceInfo& info,
                                                    const RequestInfo& ri) {
  std::string content_type = req.Header("content-type");
  content_type = content_type.substr(0, content_type.find(';'));
  std::vector<std::string> warnings;
  WriteOptions options = WriteOptionsOf(req, &warnings);

  if (content_type == "application/apply-patch+yaml") {
    return ApplyPatch(req, info, ri, options);
  }
  json patch = json::parse(req.body, nullptr, false);
  if (patch.is_discarded()) {
    return BadRequestError("error decoding patch: invalid character in JSON");
  }
  Change change;
  if (content_type == "application/json-patch+json") {
    change = [&](const json& current) { return ApplyJsonPatch(current, patch); };
  } else if (content_type == "application/merge-patch+json") {
    change = [&](const json& current) { return ApplyMergePatch(current, patch); };
  } else if (content_type == "application/strategic-merge-patch+json") {
    if (!info.strategic_merge_patch) {
      return UnsupportedMediaTypeError(content_type);
    }
    change = [&](const json& current) {
      return ApplyStrategicMergePatch(current, patch, info.kind);
    };
  } else {
    return UnsupportedMediaTypeError(content_type);
  }
  auto stored = UpdateObject(info, ri.namespace_, ri.name, ri.subresource, change, options);
  if (!stored.ok()) return stored.status();
  HttpResponse r;
  r.body = AsServed(info, stored->Object()).dump();
  for (const auto& w : warnings) r.headers.push_back({"Warning", "299 - \"" + w + "\""});
  return r;
}

absl::StatusOr<StoredObject> ResourceHandler::DeleteObject(const ResourceInfo& info,
                                                           const std::string& ns,
                                                           const std::string& name,
                                                           const json& delete_options,
                                                           bool dry_run) {
  std::string policy = delete_options.value("propagationPolicy", "");
  if (policy.empty() && delete_options.value("orphanDependents", false)) policy = "Orphan";
  if (!policy.empty() && policy != "Background" && policy != "Foreground" && policy != "Orphan") {
    return InvalidError(Subject(info, name),
                        {{"FieldValueNotSupported", "propagationPolicy",
                          "Unsupported value: \"" + policy +
                              "\": supported values: \"Foreground\", \"Background\", \"Orphan\""}});
  }
  const json pre = delete_options.value("preconditions", json::object());
  bool pending = false;
  bool is_namespace = info.GroupResource() == "namespaces";
  auto stored = store_.Mutate(
      info.GroupResource(), info.namespaced ? ns : "", name,
      [&](const StoredObject* current) -> absl::StatusOr<Mutation> {
        if (!current) return NotFoundError(Subject(info, name));
        const json old = current->Object();
        if (pre.contains("uid") && pre["uid"] != Meta(old).value("uid", "")) {
          return ConflictError(Subject(info, name),
                               "Precondition failed: UID in precondition: " + pre["uid"].dump() +
                                   ", UID in object meta: " + Meta(old).value("uid", ""));
        }
        if (pre.contains("resourceVersion") &&
            pre["resourceVersion"] != Meta(old).value("resourceVersion", "")) {
          return ConflictError(Subject(info, name),
                               "Precondition failed: ResourceVersion in precondition: " +
                                   pre["resourceVersion"].dump() + ", ResourceVersion in object meta: " +
                                   Meta(old).value("resourceVersion", ""));
        }
        json next = old;
        json& m = next["metadata"];
        std::vector<std::string> finalizers = Finalizers(old);
        auto add_finalizer = [&](const std::string& f) {
          if (std::find(finalizers.begin(), finalizers.end(), f) == finalizers.end()) {
            finalizers.push_back(f);
          }
        };
        if (policy == "Foreground") add_finalizer("foregroundDeletion");
        if (policy == "Orphan") add_finalizer("orphan");
        bool namespace_pending = is_namespace;
        if (finalizers.empty() && !namespace_pending) {
          if (dry_run) return Mutation{Mutation::Kind::kNoChange, {}};
          return Mutation{Mutation::Kind::kDelete, {}};
        }
        pending = true;
        if (m.contains("deletionTimestamp") && Finalizers(old) == finalizers) {
          return Mutation{Mutation::Kind::kNoChange, {}};
        }
        if (!m.contains("deletionTimestamp")) {
          m["deletionTimestamp"] = Now();
          m["deletionGracePeriodSeconds"] = 0;
        }
        if (!finalizers.empty()) m["finalizers"] = finalizers;
        if (is_namespace) next["status"]["phase"] = "Terminating";
        if (dry_run) return Mutation{Mutation::Kind::kNoChange, {}};
        return Mutation{Mutation::Kind::kPut, std::move(next)};
      });
  if (stored.ok() && !pending && !dry_run &&
      info.GroupResource() == "customresourcedefinitions.apiextensions.k8s.io") {
    AfterCrdDelete(stored->Object());
  }
  return stored;
}

absl::StatusOr<HttpResponse> ResourceHandler::Delete(const HttpRequest& req,
                                                     const ResourceInfo& info,
                                                     const RequestInfo& ri) {
  json options = json::object();
  if (!req.body.empty()) {
    options = json::parse(req.body, nullptr, false);
    if (options.is_discarded() || !options.is_object()) {
      return BadRequestError("the body of the request was not a valid DeleteOptions object");
    }
  }
  if (req.HasQuery("propagationPolicy")) options["propagationPolicy"] = req.Query("propagationPolicy");
  bool dry_run = req.Query("dryRun") == "All";
  if (options.contains("dryRun") && options["dryRun"].is_array()) {
    for (const auto& d : options["dryRun"]) dry_run = dry_run || d == "All";
  }
  auto stored = DeleteObject(info, ri.namespace_, ri.name, options, dry_run);
  if (!stored.ok()) return stored.status();
  const json obj = stored->Object();
  if (Meta(obj).contains("deletionTimestamp") || dry_run) {
    return JsonResponse(200, AsServed(info, obj));
  }
  json details = {{"name", ri.name}, {"kind", info.resource}, {"uid", Meta(obj).value("uid", "")}};
  if (!info.group.empty()) details["group"] = info.group;
  return JsonResponse(200, SuccessStatusObject(details));
}

absl::Status ResourceHandler::DeleteForCollector(const ResourceInfo& resource,
                                                 const std::string& ns, const std::string& name) {
  auto st = DeleteObject(resource, ns, name, json{{"propagationPolicy", "Background"}}, false);
  if (!st.ok() && absl::IsNotFound(st.status())) return absl::OkStatus();
  return st.status();
}

absl::StatusOr<HttpResponse> ResourceHandler::DeleteCollection(const HttpRequest& req,
                                                               const ResourceInfo& info,
                                                               const RequestInfo& ri) {
  auto query = ParseListQuery(req);
  if (!query.ok()) return query.status();
  json options = json::object();
  if (!req.body.empty()) {
    options = json::parse(req.body, nullptr, false);
    if (options.is_discarded()) options = json::object();
  }
  bool dry_run = req.Query("dryRun") == "All";
  ListOptions list;
  list.namespace_ = info.namespaced ? ri.namespace_ : "";
  const ListQuery& q = *query;
  list.filter = [&q](const StoredObject& o) { return q.Matches(o); };
  ListResult result = store_.List(info.GroupResource(), list);
  json items = json::array();
  for (const auto& s : result.items) {
    const json& m = *s.metadata;
    auto deleted = DeleteObject(info, m.value("namespace", ""), m.value("name", ""), options, dry_run);
    if (deleted.ok()) items.push_back(AsServed(info, deleted->Object()));
  }
  return JsonResponse(200, {{"kind", info.list_kind},
                            {"apiVersion", info.GroupVersion()},
                            {"metadata", {{"resourceVersion", std::to_string(store_.CurrentResourceVersion())}}},
                            {"items", items}});
}

void ResourceHandler::AfterCrdWrite(const json& crd) {
  std::string name = Meta(crd).value("name", "");
  if (Meta(crd).contains("deletionTimestamp")) return;
  registry_.ServeCustomResource(crd);
  // Established at once: the resource is served before this returns.
  store_.Mutate("customresourcedefinitions.apiextensions.k8s.io", "", name,
                [&](const StoredObject* current) -> absl::StatusOr<Mutation> {
                  if (!current) return Mutation{};
                  json next = current->Object();
                  json names = next["spec"].value("names", json::object());
                  if (!names.contains("singular")) {
                    std::string kind = names.value("kind", "");
                    std::transform(kind.begin(), kind.end(), kind.begin(),
                                   [](unsigned char c) { return std::tolower(c); });
                    names["singular"] = kind;
                  }
                  if (!names.contains("listKind")) names["listKind"] = names.value("kind", "") + "List";
                  json conditions = json::array();
                  std::string now = Now();
                  for (const char* type : {"NamesAccepted", "Established"}) {
                    std::string since = now;
                    for (const auto& c : next.value("status", json::object())
                                             .value("conditions", json::array())) {
                      if (c.value("type", "") == type && c.value("status", "") == "True") {
                        since = c.value("lastTransitionTime", now);
                      }
                    }
                    bool established = std::string(type) == "Established";
                    conditions.push_back(
                        {{"type", type},
                         {"status", "True"},
                         {"lastTransitionTime", since},
                         {"reason", established ? "InitialNamesAccepted" : "NoConflicts"},
                         {"message", established ? "the initial names have been accepted"
                                                 : "no conflicts found"}});
                  }
                  std::vector<std::string> stored_versions;
                  for (const auto& v : next["spec"].value("versions", json::array())) {
                    if (v.value("storage", false)) stored_versions.push_back(v.value("name", ""));
                  }
                  json status = {{"conditions", conditions},
                                 {"acceptedNames", names},
                                 {"storedVersions", stored_versions}};
                  if (next.value("status", json::object()) == status) return Mutation{};
                  next["status"] = status;
                  return Mutation{Mutation::Kind::kPut, std::move(next)};
                })
      .IgnoreError();  // the CRD was just written; a concurrent delete wins
}

void ResourceHandler::AfterCrdDelete(const json& crd) {
  std::string name = Meta(crd).value("name", "");
  // Custom resources go with their definition.
  for (const auto& info : ResourcesOfCrd(crd)) {
    ListResult all = store_.List(info.GroupResource(), {});
    for (const auto& s : all.items) {
      const json& m = *s.metadata;
      store_.Mutate(info.GroupResource(), m.value("namespace", ""), m.value("name", ""),
                    [](const StoredObject* c) -> absl::StatusOr<Mutation> {
                      if (!c) return Mutation{};
                      return Mutation{Mutation::Kind::kDelete, {}};
                    })
          .IgnoreError();
    }
    break;  // every version shares one storage
  }
  registry_.StopServing(name);
}

absl::Status ResourceHandler::EnsureSystemNamespaces() {
  ResourcePtr info = registry_.Find("", "v1", "namespaces");
  for (const char* name : {"default", "kube-system", "kube-public", "kube-node-lease"}) {
    if (store_.Get("namespaces", "", name)) continue;
    auto created = CreateObject(*info, "", json{{"metadata", {{"name", name}}}}, WriteOptions{});
    if (!created.ok() && !absl::IsAlreadyExists(created.status())) return created.status();
  }
  return absl::OkStatus();
}

void ResourceHandler::ServeStoredCustomResourceDefinitions() {
  ListResult crds = store_.List("customresourcedefinitions.apiextensions.k8s.io", {});
  for (const auto& s : crds.items) registry_.ServeCustomResource(s.Object());
}

}  // namespace upkeep::apiserver
