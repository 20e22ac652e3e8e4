// The checks apiextensions-apiserver applies to objects marked
// x-kubernetes-embedded-resource (pkg/apiserver/schema/objectmeta): apiVersion and kind are
// required strings, apiVersion parses as group/version and kind is a DNS-1035 label in mixed
// case. Validating the embedded ObjectMeta itself is left to the meta component.
// Free functions; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver::schema {

// Walks `value` at `path` along `schema` and validates every embedded resource found. The
// value itself is treated as a resource root only if `is_resource_root`.
FieldErrors ValidateEmbeddedResources(const nlohmann::json& schema, const nlohmann::json& value,
                                      const std::string& path, bool is_resource_root);

}  // namespace upkeep::apiserver::schema
