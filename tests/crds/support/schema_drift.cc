#include "tests/crds/support/schema_drift.h"

#include <gtest/gtest.h>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>

#include "controller/manifests/manifests.h"

namespace upkeep::api::testing {
namespace {

using nlohmann::json;

const json* Keyword(const json& schema, const char* key) {
  if (!schema.is_object()) return nullptr;
  auto it = schema.find(key);
  return it == schema.end() ? nullptr : &*it;
}

bool IsLeafObject(const json& schema) {
  const json* props = Keyword(schema, "properties");
  return props == nullptr || props->empty();
}

std::string Dotted(const std::string& base, const std::string& key) {
  return base.empty() ? key : base + "." + key;
}

}  // namespace

std::string SourcePath(const std::string& relative) {
  return std::string(UPKEEP_SOURCE_DIR) + "/" + relative;
}

json LoadCrdSchema(const std::string& crd_path, const std::string& version) {
  auto docs = controller::ReadManifests(crd_path);
  if (!docs.ok() || docs->empty()) {
    ADD_FAILURE() << "cannot read " << crd_path << ": " << docs.status();
    return nullptr;
  }
  for (const json& v : (*docs)[0]["spec"]["versions"]) {
    if (v.value("name", "") == version) return v["schema"]["openAPIV3Schema"];
  }
  ADD_FAILURE() << crd_path << " has no version " << version;
  return nullptr;
}

std::set<std::string> SchemaPaths(const json& schema, const std::string& path) {
  std::set<std::string> out;
  if (const json* props = Keyword(schema, "properties")) {
    for (const auto& [key, child] : props->items()) {
      std::string p = Dotted(path, key);
      out.insert(p);
      for (const std::string& sub : SchemaPaths(child, p)) out.insert(sub);
    }
  }
  if (const json* items = Keyword(schema, "items"); items != nullptr && !IsLeafObject(*items)) {
    for (const std::string& sub : SchemaPaths(*items, path + "[]")) out.insert(sub);
  }
  return out;
}

json SampleFromSchema(const json& schema) {
  if (const json* d = Keyword(schema, "default")) return *d;
  if (const json* e = Keyword(schema, "enum"); e != nullptr && !e->empty()) return (*e)[0];
  std::string type = schema.value("type", "");
  if (schema.value("x-kubernetes-int-or-string", false)) return "1";
  if (type == "string") return "x";
  if (type == "integer") return schema.value("minimum", 1);
  if (type == "number") return 1.5;
  if (type == "boolean") return true;
  if (type == "array") {
    const json* items = Keyword(schema, "items");
    return json::array({items ? SampleFromSchema(*items) : json("x")});
  }
  json out = json::object();
  if (const json* props = Keyword(schema, "properties")) {
    for (const auto& [key, child] : props->items()) out[key] = SampleFromSchema(child);
  } else if (const json* extra = Keyword(schema, "additionalProperties");
             extra != nullptr && extra->is_object()) {
    out["k"] = SampleFromSchema(*extra);
  }
  return out;
}

std::vector<std::string> PathsNotInSchema(const json& value, const json& schema,
                                          const std::string& path) {
  std::vector<std::string> out;
  if (value.is_object()) {
    const json* props = Keyword(schema, "properties");
    if (props == nullptr) return out;  // a map or free-form object: one leaf
    for (const auto& [key, child] : value.items()) {
      std::string p = Dotted(path, key);
      auto it = props->find(key);
      if (it == props->end()) {
        out.push_back(p);
        continue;
      }
      for (std::string& sub : PathsNotInSchema(child, *it, p)) out.push_back(std::move(sub));
    }
  } else if (value.is_array()) {
    const json* items = Keyword(schema, "items");
    for (const json& item : value) {
      for (std::string& sub :
           PathsNotInSchema(item, items ? *items : json::object(), path + "[]")) {
        out.push_back(std::move(sub));
      }
    }
  }
  return out;
}

DriftReport CompareParserWithSchema(const json& schema, const std::string& path,
                                    const std::function<void(FieldReader&)>& parse) {
  json sample = SampleFromSchema(schema);
  ParseReport report;
  {
    FieldReader reader(&sample, path, report);
    parse(reader);
  }
  std::set<std::string> schema_paths = SchemaPaths(schema, path);
  DriftReport drift;
  for (const std::string& p : schema_paths) {
    if (report.known_paths.count(p) == 0) drift.only_in_schema.push_back(p);
  }
  for (const std::string& p : report.known_paths) {
    if (schema_paths.count(p) == 0) drift.only_in_code.push_back(p);
  }
  drift.unread = report.unknown_fields;
  return drift;
}

std::string DriftReport::ToString() const {
  return absl::StrCat("in the CRD but not read by the C++ parser: [",
                      absl::StrJoin(only_in_schema, ", "),
                      "]; read by the C++ parser but not in the CRD: [",
                      absl::StrJoin(only_in_code, ", "), "]; present but unread: [",
                      absl::StrJoin(unread, ", "), "]");
}

}  // namespace upkeep::api::testing
