// The constructors of k8s.io/apimachinery/pkg/util/validation/field (Required, Invalid,
// NotSupported, ...) and its path syntax, used by the CRD schema checks so every error carries
// the reason and the wording a real kube-apiserver sends.
// Free functions; thread-safe.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver::schema {

// field.Path: Child appends ".name" (just "name" at the root), Key appends "[key]" and Index
// appends "[i]".
std::string ChildPath(const std::string& path, std::string_view name);
std::string KeyPath(const std::string& path, std::string_view key);
std::string IndexPath(const std::string& path, size_t index);

// Each returns the FieldError whose detail reads as field.Error.ErrorBody() does.
FieldError RequiredError(std::string path, std::string_view detail);
FieldError ForbiddenError(std::string path, std::string_view detail);
FieldError InvalidError(std::string path, const nlohmann::json& value, std::string_view detail);
FieldError TypeInvalidError(std::string path, const nlohmann::json& value, std::string_view detail);
FieldError NotSupportedError(std::string path, const nlohmann::json& value,
                             const std::vector<std::string>& supported);
FieldError DuplicateError(std::string path, const nlohmann::json& value);
// "Too long: may not be more than N bytes", the wording since Kubernetes 1.32.
FieldError TooLongError(std::string path, int64_t max_length);
// "Too many: 3: must have at most 2 items".
FieldError TooManyError(std::string path, int64_t actual, int64_t max_items);

}  // namespace upkeep::apiserver::schema
