// The drift check: compares a CRD's openAPIV3Schema with the C++ parser and writer of the
// same kind, so a field added to one place only fails a test.
//
//   paths(schema)  == fields the parser asks about   (parser reads a sample with every field)
//   keys of sample  ⊆ fields the parser asks about   (no field the parser leaves unread)
//   paths(writer output) ⊆ paths(schema)             (status written is status the CRD keeps)
//
// Paths are dotted with list items written "[]" ("spec.checks[].http.url"); a map
// (additionalProperties) or a preserve-unknown-fields object is one leaf.
#pragma once

#include <functional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "crds/fields/field_reader.h"

namespace upkeep::api::testing {

// The schema of `version` in the CRD file at `crd_path` (openAPIV3Schema). Fails the calling
// test (ADD_FAILURE) and returns null when the file cannot be read.
nlohmann::json LoadCrdSchema(const std::string& crd_path, const std::string& version = "v1alpha1");

// Every field path below `schema`, prefixed by `path`.
std::set<std::string> SchemaPaths(const nlohmann::json& schema, const std::string& path);

// A value with every field of `schema` set (one item per list, one key per map): enums take
// their first value, defaults their default, strings "x", integers their minimum or 1.
nlohmann::json SampleFromSchema(const nlohmann::json& schema);

// The paths in `value` (walked along `schema`) that the schema does not have.
std::vector<std::string> PathsNotInSchema(const nlohmann::json& value, const nlohmann::json& schema,
                                          const std::string& path);

struct DriftReport {
  std::vector<std::string> only_in_schema;  // the parser never asks about these
  std::vector<std::string> only_in_code;    // the parser asks about these; the CRD lacks them
  std::vector<std::string> unread;          // present in the sample, not read by the parser
  bool ok() const { return only_in_schema.empty() && only_in_code.empty() && unread.empty(); }
  std::string ToString() const;
};

// Runs `parse` on a full sample of `schema` (the schema of the object at `path`, e.g. the
// "spec" property) and compares what it read with the schema.
DriftReport CompareParserWithSchema(const nlohmann::json& schema, const std::string& path,
                                    const std::function<void(FieldReader&)>& parse);

// <source dir>/`relative`.
std::string SourcePath(const std::string& relative);

}  // namespace upkeep::api::testing
