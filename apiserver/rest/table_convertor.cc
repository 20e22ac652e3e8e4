#include "apiserver/rest/table_convertor.h"

#include "apiserver/jsonpath/json_path.h"
#include "apiserver/jsonpath/printer_column.h"
#include "apiserver/rest/human_duration.h"

namespace upkeep::apiserver {
namespace {

using Cell = std::function<nlohmann::json(const nlohmann::json&)>;

struct Column {
  std::string name;
  std::string type;
  std::string format;
  std::string description;
  int priority = 0;
  Cell cell;
};

const nlohmann::json& At(const nlohmann::json& obj, std::initializer_list<const char*> path) {
  static const nlohmann::json kNull;
  const nlohmann::json* cur = &obj;
  for (const char* p : path) {
    if (!cur->is_object()) return kNull;
    auto it = cur->find(p);
    if (it == cur->end()) return kNull;
    cur = &*it;
  }
  return *cur;
}

std::string Str(const nlohmann::json& v, const std::string& fallback = "") {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return fallback;
  return v.dump();
}

int64_t Int(const nlohmann::json& v) { return v.is_number() ? v.get<int64_t>() : 0; }

size_t Size(const nlohmann::json& v) { return v.is_object() || v.is_array() ? v.size() : 0; }

std::string Age(const nlohmann::json& timestamp, std::chrono::system_clock::time_point now) {
  std::chrono::system_clock::time_point t;
  if (!timestamp.is_string() || !ParseRfc3339(timestamp.get<std::string>(), &t)) {
    return "<unknown>";
  }
  return HumanDuration(std::chrono::duration_cast<std::chrono::seconds>(now - t));
}

std::string ServicePorts(const nlohmann::json& svc) {
  std::string out;
  for (const auto& p : At(svc, {"spec", "ports"}).is_array() ? At(svc, {"spec", "ports"})
                                                             : nlohmann::json::array()) {
    if (!out.empty()) out += ",";
    out += std::to_string(Int(p.value("port", nlohmann::json(0))));
    if (p.contains("nodePort")) out += ":" + std::to_string(Int(p["nodePort"]));
    out += "/" + p.value("protocol", std::string("TCP"));
  }
  return out.empty() ? "<none>" : out;
}

std::vector<Column> BuiltinColumns(const ResourceInfo& info) {
  const std::string gr = info.GroupResource();
  auto s = [](std::initializer_list<const char*> path, std::string fallback = "") {
    std::vector<const char*> p(path);
    return [p, fallback](const nlohmann::json& o) -> nlohmann::json {
      const nlohmann::json* cur = &o;
      for (const char* k : p) {
        if (!cur->is_object() || !cur->contains(k)) return fallback;
        cur = &(*cur)[k];
      }
      return Str(*cur, fallback);
    };
  };
  if (gr == "namespaces") return {{"Status", "string", "", "The phase of the namespace", 0,
                                   s({"status", "phase"})}};
  if (gr == "secrets") {
    return {{"Type", "string", "", "The type of the secret", 0, s({"type"})},
            {"Data", "string", "", "The number of entries in the secret", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               return static_cast<int64_t>(Size(At(o, {"data"})));
             }}};
  }
  if (gr == "configmaps") {
    return {{"Data", "string", "", "The number of entries", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               return static_cast<int64_t>(Size(At(o, {"data"})) + Size(At(o, {"binaryData"})));
             }}};
  }
  if (gr == "serviceaccounts") {
    return {{"Secrets", "string", "", "The number of secrets", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               return static_cast<int64_t>(Size(At(o, {"secrets"})));
             }}};
  }
  if (gr == "services") {
    return {{"Type", "string", "", "The type of the service", 0, s({"spec", "type"}, "ClusterIP")},
            {"Cluster-IP", "string", "", "The cluster IP", 0, s({"spec", "clusterIP"}, "<none>")},
            {"External-IP", "string", "", "External IPs", 0,
             [](const nlohmann::json&) -> nlohmann::json { return "<none>"; }},
            {"Port(s)", "string", "", "The ports", 0,
             [](const nlohmann::json& o) -> nlohmann::json { return ServicePorts(o); }}};
  }
  if (gr == "pods") {
    return {{"Ready", "string", "", "Ready containers", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               size_t total = Size(At(o, {"spec", "containers"}));
               size_t ready = 0;
               const auto& st = At(o, {"status", "containerStatuses"});
               if (st.is_array()) {
                 for (const auto& c : st) ready += c.value("ready", false) ? 1 : 0;
               }
               return std::to_string(ready) + "/" + std::to_string(total);
             }},
            {"Status", "string", "", "The pod phase", 0, s({"status", "phase"}, "Pending")},
            {"Restarts", "string", "", "Container restarts", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               int64_t n = 0;
               const auto& st = At(o, {"status", "containerStatuses"});
               if (st.is_array()) {
                 for (const auto& c : st) n += Int(c.value("restartCount", nlohmann::json(0)));
               }
               return n;
             }}};
  }
  auto ready_of = [](const char* ready_field, const char* want_field) {
    return [ready_field, want_field](const nlohmann::json& o) -> nlohmann::json {
      return std::to_string(Int(At(o, {"status", ready_field}))) + "/" +
             std::to_string(Int(At(o, {"spec", want_field})));
    };
  };
  auto number = [](std::initializer_list<const char*> path) {
    std::vector<const char*> p(path);
    return [p](const nlohmann::json& o) -> nlohmann::json {
      const nlohmann::json* cur = &o;
      for (const char* k : p) {
        if (!cur->is_object() || !cur->contains(k)) return 0;
        cur = &(*cur)[k];
      }
      return Int(*cur);
    };
  };
  if (gr == "deployments.apps") {
    return {{"Ready", "string", "", "Ready replicas", 0, ready_of("readyReplicas", "replicas")},
            {"Up-to-date", "integer", "", "Updated replicas", 0,
             number({"status", "updatedReplicas"})},
            {"Available", "integer", "", "Available replicas", 0,
             number({"status", "availableReplicas"})}};
  }
  if (gr == "replicasets.apps") {
    return {{"Desired", "integer", "", "Desired replicas", 0, number({"spec", "replicas"})},
            {"Current", "integer", "", "Current replicas", 0, number({"status", "replicas"})},
            {"Ready", "integer", "", "Ready replicas", 0, number({"status", "readyReplicas"})}};
  }
  if (gr == "statefulsets.apps") {
    return {{"Ready", "string", "", "Ready replicas", 0, ready_of("readyReplicas", "replicas")}};
  }
  if (gr == "daemonsets.apps") {
    return {{"Desired", "integer", "", "", 0, number({"status", "desiredNumberScheduled"})},
            {"Current", "integer", "", "", 0, number({"status", "currentNumberScheduled"})},
            {"Ready", "integer", "", "", 0, number({"status", "numberReady"})}};
  }
  if (gr == "jobs.batch") {
    return {{"Completions", "string", "", "Succeeded/desired completions", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               const auto& c = At(o, {"spec", "completions"});
               return std::to_string(Int(At(o, {"status", "succeeded"}))) + "/" +
                      std::to_string(c.is_null() ? 1 : Int(c));
             }}};
  }
  if (gr == "cronjobs.batch") {
    return {{"Schedule", "string", "", "The schedule", 0, s({"spec", "schedule"})},
            {"Suspend", "boolean", "", "Whether suspended", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               return At(o, {"spec", "suspend"}).is_boolean() && At(o, {"spec", "suspend"}).get<bool>();
             }},
            {"Active", "integer", "", "Active jobs", 0,
             [](const nlohmann::json& o) -> nlohmann::json {
               return static_cast<int64_t>(Size(At(o, {"status", "active"})));
             }}};
  }
  if (gr == "leases.coordination.k8s.io") {
    return {{"Holder", "string", "", "The lease holder", 0, s({"spec", "holderIdentity"})}};
  }
  if (gr == "persistentvolumeclaims") {
    return {{"Status", "string", "", "The phase", 0, s({"status", "phase"}, "Pending")},
            {"Volume", "string", "", "The bound volume", 0, s({"spec", "volumeName"})},
            {"StorageClass", "string", "", "The storage class", 0,
             s({"spec", "storageClassName"})}};
  }
  if (gr == "events" || gr == "events.events.k8s.io") {
    return {{"Type", "string", "", "", 0, s({"type"})},
            {"Reason", "string", "", "", 0, s({"reason"})},
            {"Object", "string", "", "", 0,
             [gr](const nlohmann::json& o) -> nlohmann::json {
               const auto& ref = gr == "events" ? At(o, {"involvedObject"}) : At(o, {"regarding"});
               std::string kind = Str(At(ref, {"kind"}));
               for (char& c : kind) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
               return kind + "/" + Str(At(ref, {"name"}));
             }},
            {"Message", "string", "", "", 0,
             s({gr == "events" ? "message" : "note"})}};
  }
  if (gr == "ingresses.networking.k8s.io") {
    return {{"Class", "string", "", "", 0, s({"spec", "ingressClassName"}, "<none>")},
            {"Hosts", "string", "", "", 0, [](const nlohmann::json& o) -> nlohmann::json {
               std::string hosts;
               const auto& rules = At(o, {"spec", "rules"});
               if (rules.is_array()) {
                 for (const auto& r : rules) {
                   if (!hosts.empty()) hosts += ",";
                   hosts += r.value("host", std::string("*"));
                 }
               }
               return hosts.empty() ? "*" : hosts;
             }}};
  }
  if (gr == "rolebindings.rbac.authorization.k8s.io" ||
      gr == "clusterrolebindings.rbac.authorization.k8s.io") {
    return {{"Role", "string", "", "", 0, [](const nlohmann::json& o) -> nlohmann::json {
               return Str(At(o, {"roleRef", "kind"})) + "/" + Str(At(o, {"roleRef", "name"}));
             }}};
  }
  return {};
}

nlohmann::json CustomCell(const PrinterColumn& col, const nlohmann::json& object,
                          std::chrono::system_clock::time_point now) {
  auto path = JsonPath::Parse(col.json_path);
  if (!path.ok()) return nullptr;
  std::vector<nlohmann::json> values = path->Evaluate(object);
  if (values.empty()) return nullptr;
  if (col.type == "date") return Age(values.front(), now);
  return CellForColumn(values, col.type);
}

}  // namespace

nlohmann::json ConvertToTable(const ResourceInfo& info,
                              const std::vector<const nlohmann::json*>& objects,
                              const nlohmann::json& list_metadata, const TableOptions& options) {
  std::vector<Column> columns;
  columns.push_back({"Name", "string", "name",
                     "Name must be unique within a namespace. More info: "
                     "https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names",
                     0, [](const nlohmann::json& o) -> nlohmann::json {
                       return Str(At(o, {"metadata", "name"}));
                     }});
  bool custom_columns = info.custom && !info.printer_columns.empty();
  if (custom_columns) {
    for (const PrinterColumn& pc : info.printer_columns) {
      auto now = options.now;
      columns.push_back({pc.name, pc.type, pc.format, pc.description, pc.priority,
                         [pc, now](const nlohmann::json& o) { return CustomCell(pc, o, now); }});
    }
  } else {
    for (Column& c : BuiltinColumns(info)) columns.push_back(std::move(c));
    auto now = options.now;
    columns.push_back({"Age", "string", "",
                       "CreationTimestamp is a timestamp representing the server time when this "
                       "object was created.",
                       0, [now](const nlohmann::json& o) -> nlohmann::json {
                         return Age(At(o, {"metadata", "creationTimestamp"}), now);
                       }});
  }
  nlohmann::json defs = nlohmann::json::array();
  for (const Column& c : columns) {
    defs.push_back({{"name", c.name},
                    {"type", c.type},
                    {"format", c.format},
                    {"description", c.description},
                    {"priority", c.priority}});
  }
  nlohmann::json rows = nlohmann::json::array();
  for (const nlohmann::json* obj : objects) {
    nlohmann::json cells = nlohmann::json::array();
    for (const Column& c : columns) cells.push_back(c.cell(*obj));
    nlohmann::json row = {{"cells", cells}};
    switch (options.include_object) {
      case IncludeObject::kNone:
        break;
      case IncludeObject::kMetadata:
        row["object"] = {{"kind", "PartialObjectMetadata"},
                         {"apiVersion", "meta.k8s.io/v1"},
                         {"metadata", obj->value("metadata", nlohmann::json::object())}};
        break;
      case IncludeObject::kObject:
        row["object"] = *obj;
        break;
    }
    rows.push_back(std::move(row));
  }
  nlohmann::json table = {{"kind", "Table"},
                          {"apiVersion", "meta.k8s.io/v1"},
                          {"metadata", list_metadata},
                          {"rows", rows}};
  if (!options.no_headers) table["columnDefinitions"] = defs;
  else table["columnDefinitions"] = nullptr;
  return table;
}

}  // namespace upkeep::apiserver
