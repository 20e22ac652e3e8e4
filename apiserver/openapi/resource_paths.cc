#include "apiserver/openapi/resource_paths.h"

#include <algorithm>
#include <cctype>
#include <utility>

#include "apiserver/openapi/kind_schemas.h"
#include "apiserver/openapi/meta_schemas.h"

namespace upkeep::apiserver::openapi_internal {
namespace {

// --- Parameters -------------------------------------------------------------------------

ParameterSpec Query(std::string name, std::string type, std::string description) {
  return {std::move(name), "query", std::move(type), std::move(description), false};
}

ParameterSpec Pretty() {
  return Query("pretty", "string", "If 'true', then the output is pretty printed.");
}
ParameterSpec DryRun() {
  return Query("dryRun", "string",
               "When present, the request is processed but nothing is persisted. The only "
               "valid value is 'All': run every stage.");
}
ParameterSpec FieldManager() {
  return Query("fieldManager", "string",
               "The name of the actor making the change, recorded in metadata.managedFields. "
               "Required for apply patches.");
}
// kubectl --validate=strict sends fieldValidation=Strict only when it finds this parameter on
// the kind's PATCH operation (cli-runtime QueryParamVerifierV3); otherwise it falls back to
// client-side validation.
ParameterSpec FieldValidation() {
  return Query("fieldValidation", "string",
               "How to treat unknown or duplicate fields in the request object: 'Ignore' drops "
               "them, 'Warn' (the default) drops them with a warning, 'Strict' fails the "
               "request.");
}
ParameterSpec Force() {
  return Query("force", "boolean",
               "Take over fields other managers own when applying. Must be unset for other "
               "patch types.");
}
ParameterSpec GracePeriodSeconds() {
  return Query("gracePeriodSeconds", "integer",
               "Seconds to wait before the object is deleted; 0 deletes immediately.");
}
ParameterSpec OrphanDependents() {
  return Query("orphanDependents", "boolean", "Deprecated: use propagationPolicy.");
}
ParameterSpec PropagationPolicy() {
  return Query("propagationPolicy", "string",
               "Whether and how dependents are garbage collected: 'Orphan', 'Background' or "
               "'Foreground'.");
}

std::vector<ParameterSpec> ListSelectionParameters() {
  return {
      Query("continue", "string", "The continue token of the previous page, to get the next."),
      Query("fieldSelector", "string", "Restrict the results by their fields."),
      Query("labelSelector", "string", "Restrict the results by their labels."),
      Query("limit", "integer", "The maximum number of results in one page."),
      Query("resourceVersion", "string",
            "Which version of the data to read; see resourceVersionMatch."),
      Query("resourceVersionMatch", "string",
            "How resourceVersion applies: 'Exact' or 'NotOlderThan'."),
      Query("sendInitialEvents", "boolean",
            "With watch=true, start with synthetic ADDED events for the current objects."),
      Query("timeoutSeconds", "integer", "Ends the list or watch call after this long."),
  };
}

std::vector<ParameterSpec> ListParameters() {
  std::vector<ParameterSpec> params = ListSelectionParameters();
  params.push_back(Query("allowWatchBookmarks", "boolean",
                         "Ask for BOOKMARK events during a watch; servers may ignore it."));
  params.push_back(Query("watch", "boolean",
                         "Watch for changes to the described resources instead of listing "
                         "them."));
  std::sort(params.begin(), params.end(),
            [](const ParameterSpec& a, const ParameterSpec& b) { return a.name < b.name; });
  return params;
}

std::vector<ParameterSpec> DeleteCollectionParameters() {
  std::vector<ParameterSpec> params = ListSelectionParameters();
  for (ParameterSpec p :
       {DryRun(), GracePeriodSeconds(), OrphanDependents(), PropagationPolicy()}) {
    params.push_back(std::move(p));
  }
  std::sort(params.begin(), params.end(),
            [](const ParameterSpec& a, const ParameterSpec& b) { return a.name < b.name; });
  return params;
}

ParameterSpec PathParameter(std::string name, std::string description) {
  return {std::move(name), "path", "string", std::move(description), true};
}

// --- Names ------------------------------------------------------------------------------

std::string Capitalize(std::string s) {
  if (!s.empty()) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

// "" -> "Core", "apps" -> "Apps", "rbac.authorization.k8s.io" -> "RbacAuthorization",
// "upkeep.dev" -> "UpkeepDev": the group part of kube-style operation IDs.
std::string GroupCamel(std::string group) {
  if (group.empty()) return "Core";
  const std::string k8s_suffix = ".k8s.io";
  if (group.size() > k8s_suffix.size() &&
      group.compare(group.size() - k8s_suffix.size(), k8s_suffix.size(), k8s_suffix) == 0) {
    group.resize(group.size() - k8s_suffix.size());
  }
  std::string camel;
  bool upper = true;
  for (char c : group) {
    if (c == '.' || c == '-') {
      upper = true;
      continue;
    }
    camel += upper ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    upper = false;
  }
  return camel;
}

const std::vector<std::string> kJsonYaml = {"application/json", "application/yaml"};
const std::vector<std::string> kWatchMediaTypes = {
    "application/json", "application/json;stream=watch", "application/yaml"};
// No application/strategic-merge-patch+json: kubectl apply would then compute strategic merge
// patches from these documents, which carry no patch strategies for built-in kinds. Without it
// kubectl uses its compiled-in types for built-in kinds (the server still accepts strategic
// merge patches for them) and JSON merge patches for custom resources.
const std::vector<std::string> kPatchMediaTypes = {
    "application/apply-patch+yaml", "application/json-patch+json",
    "application/merge-patch+json"};

// Everything the operations of one resource share.
class ResourceOperations {
 public:
  explicit ResourceOperations(const ResourceInfo& r)
      : r_(r),
        id_prefix_(GroupCamel(r.group) + Capitalize(r.version)),
        tag_(Uncapitalize(GroupCamel(r.group)) + "_" + r.version),
        kind_def_(DefinitionName(r, r.kind)),
        list_def_(DefinitionName(r, ListKindOf(r))),
        gvk_(GroupVersionKind(r, r.kind)) {}

  bool Has(const std::string& verb) const {
    return std::find(r_.verbs.begin(), r_.verbs.end(), verb) != r_.verbs.end();
  }

  // verb: "list", "read", ...; scope: "Namespaced" or ""; suffix: "Status", "List", ...
  OperationSpec Operation(const std::string& method, const std::string& action,
                          const std::string& id_verb, const std::string& scope,
                          const std::string& id_suffix, std::string description) const {
    OperationSpec op;
    op.method = method;
    op.action = action;
    op.operation_id = id_verb + id_prefix_ + scope + r_.kind + id_suffix;
    op.description = std::move(description);
    op.tag = tag_;
    op.gvk = gvk_;
    return op;
  }

  OperationSpec List(const std::string& scope, const std::string& id_suffix) const {
    OperationSpec op = Operation("get", "list", "list", scope, id_suffix,
                                 "list or watch objects of kind " + r_.kind);
    op.parameters = ListParameters();
    Respond(op, list_def_, kWatchMediaTypes, {{200, "OK"}});
    return op;
  }

  OperationSpec Create(const std::string& scope) const {
    OperationSpec op = Operation("post", "post", "create", scope, "", "create " + Article() +
                                                                          " " + r_.kind);
    op.parameters = {DryRun(), FieldManager(), FieldValidation()};
    Request(op, kind_def_, kJsonYaml, true);
    Respond(op, kind_def_, kJsonYaml, {{200, "OK"}, {201, "Created"}, {202, "Accepted"}});
    return op;
  }

  OperationSpec DeleteCollection(const std::string& scope) const {
    OperationSpec op = Operation("delete", "deletecollection", "delete", "Collection" + scope,
                                 "", "delete collection of " + r_.kind);
    op.parameters = DeleteCollectionParameters();
    Request(op, kDeleteOptionsName, {"application/json"}, false);
    Respond(op, kStatusName, kJsonYaml, {{200, "OK"}});
    return op;
  }

  // `sub` is "" for the object itself, "status" or "scale" for a subresource.
  OperationSpec Read(const std::string& scope, const std::string& sub) const {
    OperationSpec op = Operation("get", "get", "read", scope, Capitalize(sub),
                                 "read " + Of(sub) + "the specified " + r_.kind);
    Respond(op, BodyDef(sub), kJsonYaml, {{200, "OK"}});
    SetSubresourceGvk(op, sub);
    return op;
  }

  OperationSpec Replace(const std::string& scope, const std::string& sub) const {
    OperationSpec op = Operation("put", "put", "replace", scope, Capitalize(sub),
                                 "replace " + Of(sub) + "the specified " + r_.kind);
    op.parameters = {DryRun(), FieldManager(), FieldValidation()};
    Request(op, BodyDef(sub), kJsonYaml, true);
    Respond(op, BodyDef(sub), kJsonYaml, {{200, "OK"}, {201, "Created"}});
    SetSubresourceGvk(op, sub);
    return op;
  }

  OperationSpec Patch(const std::string& scope, const std::string& sub) const {
    OperationSpec op = Operation("patch", "patch", "patch", scope, Capitalize(sub),
                                 "partially update " + Of(sub) + "the specified " + r_.kind);
    op.parameters = {DryRun(), FieldManager(), FieldValidation(), Force()};
    Request(op, kPatchName, kPatchMediaTypes, true);
    Respond(op, BodyDef(sub), kJsonYaml, {{200, "OK"}, {201, "Created"}});
    SetSubresourceGvk(op, sub);
    return op;
  }

  OperationSpec Delete(const std::string& scope) const {
    OperationSpec op =
        Operation("delete", "delete", "delete", scope, "", "delete " + Article() + " " + r_.kind);
    op.parameters = {DryRun(), GracePeriodSeconds(), OrphanDependents(), PropagationPolicy()};
    Request(op, kDeleteOptionsName, {"application/json"}, false);
    Respond(op, kStatusName, kJsonYaml, {{200, "OK"}, {202, "Accepted"}});
    return op;
  }

  OperationSpec Watch(const std::string& scope, const std::string& id_suffix,
                      bool list) const {
    OperationSpec op = Operation(
        "get", list ? "watchlist" : "watch", "watch", scope, id_suffix,
        list ? "watch individual changes to a list of " + r_.kind +
                   ". deprecated: use the 'watch' parameter with a list operation instead."
             : "watch changes to an object of kind " + r_.kind +
                   ". deprecated: use the 'watch' parameter with a list operation instead, "
                   "filtered to a single item with the 'fieldSelector' parameter.");
    Respond(op, kWatchEventName, kWatchMediaTypes, {{200, "OK"}});
    return op;
  }

  ParameterSpec Name() const { return PathParameter("name", "name of the " + r_.kind); }

 private:
  static std::string Uncapitalize(std::string s) {
    if (!s.empty()) s[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(s[0])));
    return s;
  }
  std::string Article() const {
    return std::string("AEIOU").find(r_.kind.empty() ? 'x' : r_.kind[0]) == std::string::npos
               ? "a"
               : "an";
  }
  static std::string Of(const std::string& sub) { return sub.empty() ? "" : sub + " of "; }
  std::string BodyDef(const std::string& sub) const {
    return sub == "scale" ? kScaleName : kind_def_;
  }
  static void SetSubresourceGvk(OperationSpec& op, const std::string& sub) {
    if (sub == "scale") op.gvk = {{"group", "autoscaling"}, {"kind", "Scale"}, {"version", "v1"}};
  }
  static void Request(OperationSpec& op, std::string def, std::vector<std::string> media,
                      bool required) {
    op.request_schema = std::move(def);
    op.request_media_types = std::move(media);
    op.request_required = required;
  }
  static void Respond(OperationSpec& op, std::string def, std::vector<std::string> media,
                      std::vector<ResponseSpec> responses) {
    op.response_schema = std::move(def);
    op.response_media_types = std::move(media);
    op.responses = std::move(responses);
  }

  const ResourceInfo& r_;
  const std::string id_prefix_;
  const std::string tag_;
  const std::string kind_def_;
  const std::string list_def_;
  const nlohmann::json gvk_;
};

}  // namespace

std::vector<PathSpec> ResourcePaths(const ResourceInfo& r) {
  std::vector<PathSpec> paths;
  if (r.resource.empty() || r.resource.find('/') != std::string::npos) return paths;
  const ResourceOperations ops(r);
  const std::string prefix = r.group.empty() ? "/api/" + r.version
                                             : "/apis/" + r.group + "/" + r.version;
  const std::string scope = r.namespaced ? "Namespaced" : "";
  const std::string scope_path = r.namespaced ? "/namespaces/{namespace}" : "";
  const ParameterSpec namespace_param =
      PathParameter("namespace", "object name and auth scope, such as for teams and projects");

  auto add = [&paths](PathSpec path) {
    if (!path.operations.empty()) paths.push_back(std::move(path));
  };
  auto scoped_params = [&](bool with_name) {
    std::vector<ParameterSpec> params;
    if (with_name) params.push_back(ops.Name());
    if (r.namespaced) params.push_back(namespace_param);
    params.push_back(Pretty());
    return params;
  };

  // The collection: list, create, deletecollection.
  const std::string collection = prefix + scope_path + "/" + r.resource;
  PathSpec collection_path{collection, scoped_params(false), {}};
  if (ops.Has("list")) collection_path.operations.push_back(ops.List(scope, ""));
  if (ops.Has("create")) collection_path.operations.push_back(ops.Create(scope));
  if (ops.Has("deletecollection")) {
    collection_path.operations.push_back(ops.DeleteCollection(scope));
  }
  add(std::move(collection_path));

  // One object, then its subresources.
  const std::string item = collection + "/{name}";
  PathSpec item_path{item, scoped_params(true), {}};
  if (ops.Has("get")) item_path.operations.push_back(ops.Read(scope, ""));
  if (ops.Has("update")) item_path.operations.push_back(ops.Replace(scope, ""));
  if (ops.Has("patch")) item_path.operations.push_back(ops.Patch(scope, ""));
  if (ops.Has("delete")) item_path.operations.push_back(ops.Delete(scope));
  add(std::move(item_path));

  for (const auto& [enabled, sub] : {std::pair{r.has_status, std::string("status")},
                                     std::pair{r.has_scale, std::string("scale")}}) {
    if (!enabled) continue;
    PathSpec sub_path{item + "/" + sub, scoped_params(true), {}};
    if (ops.Has("get")) sub_path.operations.push_back(ops.Read(scope, sub));
    if (ops.Has("update")) sub_path.operations.push_back(ops.Replace(scope, sub));
    if (ops.Has("patch")) sub_path.operations.push_back(ops.Patch(scope, sub));
    add(std::move(sub_path));
  }

  // Listing across namespaces.
  if (r.namespaced && ops.Has("list")) {
    add(PathSpec{prefix + "/" + r.resource, {Pretty()}, {ops.List("", "ForAllNamespaces")}});
  }

  // kube-apiserver still publishes the deprecated /watch/ paths for built-in kinds (not for
  // custom resources).
  if (!r.custom && ops.Has("watch")) {
    std::vector<ParameterSpec> watch_params = ListParameters();
    watch_params.push_back(Pretty());
    auto with = [&watch_params](std::vector<ParameterSpec> path_params) {
      for (const ParameterSpec& p : watch_params) path_params.push_back(p);
      return path_params;
    };
    const std::string watch = prefix + "/watch" + scope_path + "/" + r.resource;
    std::vector<ParameterSpec> collection_params;
    if (r.namespaced) collection_params.push_back(namespace_param);
    std::vector<ParameterSpec> item_params = collection_params;
    item_params.insert(item_params.begin(), ops.Name());
    add(PathSpec{watch, with(collection_params), {ops.Watch(scope, "List", true)}});
    add(PathSpec{watch + "/{name}", with(item_params), {ops.Watch(scope, "", false)}});
    if (r.namespaced) {
      add(PathSpec{prefix + "/watch/" + r.resource,
                   with({}),
                   {ops.Watch("", "ListForAllNamespaces", true)}});
    }
  }
  return paths;
}

}  // namespace upkeep::apiserver::openapi_internal
