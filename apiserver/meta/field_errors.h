// Builders for FieldError in the exact wording of k8s.io/apimachinery/pkg/util/validation/field
// ("Invalid value: \"x\": ...", "Required value", "Too long: ..."), so a validation failure
// reads the same as one from a real kube-apiserver. Bad values are rendered the way Go's
// field.Error does: strings with %q, numbers as digits, lists and structs as compact JSON.
// Free functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "apiserver/api/field_error.h"

namespace upkeep::apiserver {

// Go's strconv.Quote (the %q verb): double quotes, with \" \\ \n \t ... and \x.. escapes.
std::string GoQuote(std::string_view value);

// field.Invalid with a string bad value: `Invalid value: "value": detail`.
FieldError FieldInvalid(std::string field, std::string_view value, std::string_view detail);
// field.Invalid with an integer bad value: `Invalid value: -1: detail`.
FieldError FieldInvalidInteger(std::string field, int64_t value, std::string_view detail);
// field.Invalid with a list or struct bad value, rendered as compact JSON in the order the
// caller built it (ordered_json keeps Go's struct field order).
FieldError FieldInvalidJson(std::string field, const nlohmann::ordered_json& value,
                            std::string_view detail);
// field.Required: `Required value` or `Required value: detail`.
FieldError FieldRequired(std::string field, std::string_view detail);
// field.Forbidden: `Forbidden: detail`.
FieldError FieldForbidden(std::string field, std::string_view detail);
// field.TooLong: `Too long: must have at most N bytes`.
FieldError FieldTooLong(std::string field, int64_t max_bytes);
// field.TypeInvalid: `Invalid value: "value": detail`, for values of the wrong JSON type.
FieldError FieldTypeInvalid(std::string field, const nlohmann::json& value,
                            std::string_view detail);

}  // namespace upkeep::apiserver
