#include "apiserver/rest/field_ownership.h"

#include "apiserver/patch/builtin_merge_keys.h"

namespace upkeep::apiserver {
namespace {

std::string Dotted(const std::vector<std::string>& path) {
  std::string out;
  for (const std::string& p : path) out += (out.empty() ? "" : ".") + p;
  return out;
}

}  // namespace

MergeRules MergeRulesFor(const ResourceInfo& info) {
  if (info.custom) {
    if (!info.schema.is_object()) return {};
    return {ListSemanticsFromSchema(info.schema), MapTypesFromSchema(info.schema)};
  }
  std::string kind = info.kind;
  return {[kind](const std::vector<std::string>& path) {
            ListMergeStrategy s = BuiltinListMergeStrategy(kind, Dotted(path));
            ListSemantics out;
            switch (s.mode) {
              case ListMergeStrategy::Mode::kReplace:
                break;
              case ListMergeStrategy::Mode::kMergeSet:
                out.type = ListSemantics::Type::kSet;
                break;
              case ListMergeStrategy::Mode::kMergeByKey:
                out.type = ListSemantics::Type::kMap;
                out.keys = {s.merge_key};
                // Ports are keyed by number and protocol for apply, as in k8s.io/api.
                if (s.merge_key == "containerPort" || s.merge_key == "port") {
                  out.keys.push_back("protocol");
                  out.key_defaults["protocol"] = "TCP";
                }
                break;
            }
            return out;
          },
          nullptr};
}

FieldSet IgnoredFieldsFor(const ResourceInfo& info, const std::string& subresource) {
  FieldSet ignored;
  if (!info.has_status) return ignored;
  if (subresource == "status") {
    for (const char* f : {"spec", "metadata"}) ignored.Insert({FieldElement(f)});
  } else {
    ignored.Insert({FieldElement("status")});
  }
  return ignored;
}

std::string FieldManagerOf(const HttpRequest& request) {
  std::string manager = request.Query("fieldManager");
  if (manager.empty()) {
    const std::string& agent = request.Header("user-agent");
    manager = agent.substr(0, agent.find('/'));
  }
  if (manager.size() > 128) manager.resize(128);
  return manager;
}

}  // namespace upkeep::apiserver
