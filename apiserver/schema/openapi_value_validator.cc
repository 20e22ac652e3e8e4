// ValidateValueAgainstSchema: a port of the behaviour of k8s.io/kube-openapi's SchemaValidator
// (validators applied in its order: type, allOf/anyOf/oneOf/not, string, format, number, array,
// enum, object) and of apiextensions-apiserver's kubeOpenAPIResultToFieldErrors.
#include <cmath>
#include <cstdint>
#include <optional>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "apiserver/schema/go_value_format.h"
#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"
#include "apiserver/schema/schema_validator.h"
#include "apiserver/schema/string_formats.h"
#include "apiserver/schema/unstructured_value.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;
using schema::GoQuote;

// kube-openapi's error codes, as far as the conversion to field errors distinguishes them.
enum class Code {
  kInvalidType,
  kRequired,
  kTooLong,
  kEnum,
  kMaxItems,
  kTooManyProperties,
  kOtherValidation,  // becomes field.Invalid
  kComposite,        // anyOf/oneOf/allOf/not: not tied to a field
};

struct OpenApiError {
  Code code;
  std::string name;  // kube-openapi's path, e.g. "spec.replicas" or ".spec" for required
  std::optional<json> value;
  int64_t valid = -1;  // the limit for kTooLong, kMaxItems, kTooManyProperties
  std::vector<json> enum_values;
  std::string message;
};

// validate.Result: errors plus the match count kube-openapi uses to pick which failing
// anyOf/oneOf branch to report.
struct Result {
  std::vector<OpenApiError> errors;
  int match_count = 0;

  bool IsValid() const { return errors.empty(); }
  void Inc() { ++match_count; }
  void Add(OpenApiError error) { errors.push_back(std::move(error)); }
  void Merge(const Result& other) {
    errors.insert(errors.end(), other.errors.begin(), other.errors.end());
    match_count += other.match_count;
  }
};

std::string Quoted(const std::string& s) { return GoQuote(s); }

OpenApiError InvalidType(const std::string& path, const std::string& type_name,
                         const std::string& value) {
  return {Code::kInvalidType,
          path,
          json(value),
          -1,
          {},
          path + " in body must be of type " + type_name + ": " + GoQuote(value)};
}

OpenApiError Validation(const std::string& path, const json& value, std::string message) {
  return {Code::kOtherValidation, path, value, -1, {}, std::move(message)};
}

OpenApiError Composite(std::string message) {
  return {Code::kComposite, "", std::nullopt, -1, {}, std::move(message)};
}

std::optional<int64_t> IntKeyword(const json& schema, const char* keyword) {
  const json* value = schema::SchemaKeyword(schema, keyword);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return static_cast<int64_t>(schema::AsDouble(*value));
}

std::optional<double> NumberKeyword(const json& schema, const char* keyword) {
  const json* value = schema::SchemaKeyword(schema, keyword);
  if (value == nullptr || !value->is_number()) return std::nullopt;
  return schema::AsDouble(*value);
}

std::vector<std::string> SchemaTypes(const json& schema) {
  if (schema::SchemaFlag(schema, "x-kubernetes-int-or-string")) return {"integer", "string"};
  std::string type = schema::SchemaString(schema, "type");
  if (type.empty()) return {};
  return {type};
}

bool Contains(const std::vector<std::string>& types, const std::string& type) {
  for (const auto& t : types) {
    if (t == type) return true;
  }
  return false;
}

std::string JoinTypes(const std::vector<std::string>& types) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i > 0) out += ",";
    out += types[i];
  }
  return out;
}

// The (type, format) kube-openapi infers for a decoded Go value.
std::pair<std::string, std::string> ValueTypeAndFormat(const json& value) {
  if (value.is_boolean()) return {"boolean", ""};
  if (value.is_string()) return {"string", ""};
  if (schema::IsGoInteger(value)) return {"integer", "int64"};
  if (value.is_number()) return {"number", "float64"};
  if (value.is_array()) return {"array", ""};
  return {"object", ""};
}

size_t RuneCount(const std::string& s) {
  size_t count = 0;
  for (char c : s) {
    if ((static_cast<unsigned char>(c) & 0xC0) != 0x80) ++count;
  }
  return count;
}

class OpenApiValidator {
 public:
  Result Validate(const json& schema, const json& data, const std::string& path) const {
    Result result;
    if (!schema.is_object()) return result;
    std::vector<std::string> types = SchemaTypes(schema);
    bool int_or_string = schema::SchemaFlag(schema, "x-kubernetes-int-or-string");
    std::string format =
        schema::EffectiveFormat(int_or_string ? "" : schema::SchemaString(schema, "type"),
                                schema::SchemaString(schema, "format"));

    if (data.is_null()) {
      result.Merge(ValidateType(schema, types, format, data, path));
      result.Merge(ValidateEnum(schema, data, path));
      return result;
    }
    auto apply = [&result](const Result& r) {
      result.Merge(r);
      result.Inc();
    };
    if (!types.empty() || !format.empty()) apply(ValidateType(schema, types, format, data, path));
    apply(ValidateSchemaProps(schema, data, path));
    if (data.is_string()) apply(ValidateString(schema, data.get<std::string>(), path));
    if (data.is_string() && schema::IsCheckedStringFormat(format)) {
      apply(ValidateFormat(format, data.get<std::string>(), path));
    }
    if (data.is_number()) apply(ValidateNumber(schema, data, path));
    if (data.is_array()) apply(ValidateArray(schema, data, path));
    apply(ValidateEnum(schema, data, path));
    if (data.is_object()) apply(ValidateObject(schema, data, path));
    result.Inc();
    return result;
  }

 private:
  Result ValidateType(const json& schema, const std::vector<std::string>& types,
                      const std::string& format, const json& data, const std::string& path) const {
    Result result;
    result.Inc();
    if (data.is_null()) {
      if (!types.empty() && !Contains(types, "null") && !schema::SchemaFlag(schema, "nullable")) {
        result.Add(InvalidType(path, JoinTypes(types), "null"));
      }
      return result;
    }
    auto [value_type, value_format] = ValueTypeAndFormat(data);
    bool float_as_int = value_type == "number" &&
                        schema::IsFloatAJsonInteger(schema::AsDouble(data)) &&
                        Contains(types, "integer");
    bool int_as_float = value_type == "integer" && Contains(types, "number");
    bool stringish = data.is_string() || data.is_array();
    if (!stringish && !format.empty() &&
        !(Contains(types, value_type) || value_format == format || float_as_int || int_as_float)) {
      result.Add(InvalidType(path, format, value_format));
      return result;
    }
    if (!(Contains(types, "number") || Contains(types, "integer")) && !format.empty() &&
        stringish) {
      return result;
    }
    if (!(Contains(types, value_type) || float_as_int || int_as_float)) {
      result.Add(InvalidType(path, JoinTypes(types), value_type));
    }
    return result;
  }

  Result ValidateSchemaProps(const json& schema, const json& data, const std::string& path) const {
    Result main;
    const json* any_of = schema::SchemaKeyword(schema, "anyOf");
    if (any_of != nullptr && any_of->is_array() && !any_of->empty()) {
      std::optional<Result> best_failures;
      std::optional<Result> first_success;
      for (const json& branch : *any_of) {
        Result r = Validate(branch, data, path);
        if (r.IsValid()) {
          best_failures.reset();
          first_success = r;
          break;
        }
        if (!best_failures || r.match_count > best_failures->match_count) best_failures = r;
      }
      if (!first_success) {
        main.Add(Composite(Quoted(path) + " must validate at least one schema (anyOf)"));
      }
      if (best_failures) {
        main.Merge(*best_failures);
      } else if (first_success) {
        main.Merge(*first_success);
      }
    }

    const json* one_of = schema::SchemaKeyword(schema, "oneOf");
    if (one_of != nullptr && one_of->is_array() && !one_of->empty()) {
      std::optional<Result> best_failures;
      std::optional<Result> first_success;
      int validated = 0;
      for (const json& branch : *one_of) {
        Result r = Validate(branch, data, path);
        if (r.IsValid()) {
          ++validated;
          best_failures.reset();
          if (!first_success) first_success = r;
          continue;
        }
        if (validated == 0 && (!best_failures || r.match_count > best_failures->match_count)) {
          best_failures = r;
        }
      }
      if (validated != 1) {
        std::string detail = validated == 0
                                 ? "Found none valid"
                                 : "Found " + std::to_string(validated) + " valid alternatives";
        main.Add(
            Composite(Quoted(path) + " must validate one and only one schema (oneOf). " + detail));
        if (best_failures) main.Merge(*best_failures);
      } else if (first_success) {
        main.Merge(*first_success);
      }
    }

    const json* all_of = schema::SchemaKeyword(schema, "allOf");
    if (all_of != nullptr && all_of->is_array() && !all_of->empty()) {
      size_t validated = 0;
      for (const json& branch : *all_of) {
        Result r = Validate(branch, data, path);
        if (r.IsValid()) ++validated;
        main.Merge(r);
      }
      if (validated != all_of->size()) {
        main.Add(Composite(Quoted(path) + " must validate all the schemas (allOf)" +
                           (validated == 0 ? ". None validated" : "")));
      }
    }

    if (const json* not_schema = schema::SubSchema(schema, "not")) {
      if (Validate(*not_schema, data, path).IsValid()) {
        main.Add(Composite(Quoted(path) + " must not validate the schema (not)"));
      }
    }
    main.Inc();
    return main;
  }

  // kube-openapi's string validator stops at the first failing keyword.
  Result ValidateString(const json& schema, const std::string& data,
                        const std::string& path) const {
    Result result;
    if (auto max = IntKeyword(schema, "maxLength");
        max && static_cast<int64_t>(RuneCount(data)) > *max) {
      result.Add({Code::kTooLong,
                  path,
                  json(data),
                  *max,
                  {},
                  path + " in body should be at most " + std::to_string(*max) + " chars long"});
      return result;
    }
    if (auto min = IntKeyword(schema, "minLength");
        min && static_cast<int64_t>(RuneCount(data)) < *min) {
      result.Add(
          Validation(path, json(data),
                     path + " in body should be at least " + std::to_string(*min) + " chars long"));
      return result;
    }
    std::string pattern = schema::SchemaString(schema, "pattern");
    if (!pattern.empty()) {
      try {
        std::regex re(pattern, std::regex::ECMAScript);
        if (!std::regex_search(data, re)) {
          result.Add(
              Validation(path, json(data), path + " in body should match '" + pattern + "'"));
        }
      } catch (const std::regex_error& e) {
        result.Add(Validation(path, json(data),
                              path + " in body should match '" + pattern +
                                  ", but pattern is invalid: " + e.what() + "'"));
      }
    }
    return result;
  }

  Result ValidateFormat(const std::string& format, const std::string& data,
                        const std::string& path) const {
    Result result;
    if (!schema::MatchesStringFormat(format, data)) {
      OpenApiError error = InvalidType(path, format, data);
      result.Add(std::move(error));
    }
    return result;
  }

  Result ValidateNumber(const json& schema, const json& data, const std::string& path) const {
    Result multiple, minimum, maximum;
    bool is_int = schema::IsGoInteger(data);
    double value = schema::AsDouble(data);
    if (auto factor = NumberKeyword(schema, "multipleOf")) {
      int64_t int_factor = static_cast<int64_t>(*factor);
      if (is_int && int_factor != 0) {
        int64_t int_value = data.get<int64_t>();
        if (int_factor < 0) {
          multiple.Add(Validation(path, json(int_factor),
                                  "factor MultipleOf declared for " + path +
                                      " must be positive: " + std::to_string(int_factor)));
        } else if (int_value % int_factor != 0) {
          multiple.Add(Validation(
              path, data, path + " in body should be a multiple of " + std::to_string(int_factor)));
        }
      } else if (*factor < 0) {
        multiple.Add(Validation(path, json(*factor),
                                "factor MultipleOf declared for " + path +
                                    " must be positive: " + schema::FormatGoFloat(*factor)));
      } else {
        double ratio = *factor < 1 ? 1 / *factor * value : value / *factor;
        if (!schema::IsFloatAJsonInteger(ratio)) {
          multiple.Add(Validation(
              path, data,
              path + " in body should be a multiple of " + schema::FormatGoFloat(*factor)));
        }
      }
    }
    auto bound_check = [&](const char* keyword, const char* exclusive_keyword, bool upper,
                           Result* out) {
      auto bound = NumberKeyword(schema, keyword);
      if (!bound) return;
      bool exclusive = schema::SchemaFlag(schema, exclusive_keyword);
      bool failed;
      std::string bound_text;
      if (is_int) {
        // kube-openapi compares integers against the bound truncated to int64.
        int64_t b = static_cast<int64_t>(*bound);
        int64_t v = data.get<int64_t>();
        failed = upper ? (exclusive ? v >= b : v > b) : (exclusive ? v <= b : v < b);
        bound_text = std::to_string(b);
      } else {
        failed = upper ? (exclusive ? value >= *bound : value > *bound)
                       : (exclusive ? value <= *bound : value < *bound);
        bound_text = schema::FormatGoFloat(*bound);
      }
      if (!failed) return;
      std::string relation = upper ? (exclusive ? "less than " : "less than or equal to ")
                                   : (exclusive ? "greater than " : "greater than or equal to ");
      out->Add(Validation(path, data, path + " in body should be " + relation + bound_text));
    };
    bound_check("minimum", "exclusiveMinimum", false, &minimum);
    bound_check("maximum", "exclusiveMaximum", true, &maximum);
    Result result;
    result.Merge(multiple);
    result.Merge(minimum);
    result.Merge(maximum);
    result.Inc();
    return result;
  }

  Result ValidateArray(const json& schema, const json& data, const std::string& path) const {
    Result result;
    if (const json* items = schema::SubSchema(schema, "items")) {
      for (size_t i = 0; i < data.size(); ++i) {
        result.Merge(Validate(*items, data[i], path + "[" + std::to_string(i) + "]"));
      }
    }
    int64_t size = static_cast<int64_t>(data.size());
    if (auto min = IntKeyword(schema, "minItems"); min && size < *min) {
      result.Add(
          Validation(path, json(size),
                     path + " in body should have at least " + std::to_string(*min) + " items"));
    }
    if (auto max = IntKeyword(schema, "maxItems"); max && size > *max) {
      result.Add({Code::kMaxItems,
                  path,
                  json(size),
                  *max,
                  {},
                  path + " in body should have at most " + std::to_string(*max) + " items"});
    }
    if (schema::SchemaFlag(schema, "uniqueItems")) {
      bool duplicate = false;
      for (size_t i = 1; i < data.size() && !duplicate; ++i) {
        for (size_t j = 0; j < i && !duplicate; ++j) {
          duplicate = schema::GoDeepEqual(data[i], data[j]);
        }
      }
      if (duplicate) {
        result.Add({Code::kOtherValidation,
                    path,
                    std::nullopt,
                    -1,
                    {},
                    path + " in body shouldn't contain duplicates"});
      }
    }
    result.Inc();
    return result;
  }

  // reflect.Value.Convert to the enum value's type, then DeepEqual: numbers of either kind
  // compare after conversion (floats truncate to integers), other kinds must match exactly.
  static bool EnumMatches(const json& data, const json& enum_value) {
    if (data.is_null()) return false;
    if (data.is_number() && enum_value.is_number()) {
      if (schema::IsGoInteger(enum_value)) {
        int64_t converted = schema::IsGoInteger(data)
                                ? data.get<int64_t>()
                                : static_cast<int64_t>(schema::AsDouble(data));
        return converted == enum_value.get<int64_t>();
      }
      return schema::AsDouble(data) == schema::AsDouble(enum_value);
    }
    return schema::GoDeepEqual(data, enum_value);
  }

  Result ValidateEnum(const json& schema, const json& data, const std::string& path) const {
    Result result;
    const json* values = schema::SchemaKeyword(schema, "enum");
    if (values == nullptr || !values->is_array() || values->empty()) return result;
    for (const json& v : *values) {
      if (EnumMatches(data, v)) return result;
    }
    OpenApiError error{Code::kEnum, path, data, -1, {}, path + " in body should be one of "};
    for (const json& v : *values) error.enum_values.push_back(v);
    result.Add(std::move(error));
    return result;
  }

  Result ValidateObject(const json& schema, const json& data, const std::string& path) const {
    Result result;
    int64_t keys = static_cast<int64_t>(data.size());
    if (auto min = IntKeyword(schema, "minProperties"); min && keys < *min) {
      result.Add(Validation(
          path, json(keys),
          path + " in body should have at least " + std::to_string(*min) + " properties"));
      return result;
    }
    if (auto max = IntKeyword(schema, "maxProperties"); max && keys > *max) {
      result.Add({Code::kTooManyProperties,
                  path,
                  json(keys),
                  *max,
                  {},
                  path + " in body should have at most " + std::to_string(*max) + " properties"});
      return result;
    }
    const json* additional = schema::SchemaKeyword(schema, "additionalProperties");
    if (additional != nullptr && additional->is_boolean() && !additional->get<bool>()) {
      for (const auto& [key, value] : data.items()) {
        if (schema::PropertySchema(schema, key) == nullptr) {
          result.Add(
              Validation(path, json(key), path + "." + key + " in body is a forbidden property"));
        }
      }
    } else if (additional != nullptr && additional->is_object()) {
      for (const auto& [key, value] : data.items()) {
        if (schema::PropertySchema(schema, key) == nullptr) {
          result.Merge(Validate(*additional, value, path + "." + key));
        }
      }
    }
    if (const json* properties = schema::SubSchema(schema, "properties")) {
      for (const auto& [name, property_schema] : properties->items()) {
        auto it = data.find(name);
        if (it == data.end()) continue;
        result.Merge(Validate(property_schema, *it, path.empty() ? name : path + "." + name));
      }
    }
    if (const json* required = schema::SchemaKeyword(schema, "required");
        required != nullptr && required->is_array()) {
      for (const json& name : *required) {
        if (!name.is_string() || data.contains(name.get<std::string>())) continue;
        std::string field = path + "." + name.get<std::string>();
        result.Add({Code::kRequired, field, std::nullopt, -1, {}, field + " in body is required"});
      }
    }
    return result;
  }
};

// apiextensions-apiserver's kubeOpenAPIResultToFieldErrors.
FieldError ToFieldError(const OpenApiError& error, const std::string& base_path) {
  std::string path = base_path;
  std::string name = error.name;
  if (error.code != Code::kComposite && !name.empty() && name != ".") {
    if (name.front() == '.') name.erase(0, 1);
    path = schema::ChildPath(base_path, name);
  }
  if (path.empty()) path = "<nil>";  // a nil *field.Path prints as "<nil>"
  json value = error.value.value_or(json(""));
  switch (error.code) {
    case Code::kRequired:
      return schema::RequiredError(path, "");
    case Code::kEnum: {
      std::vector<std::string> supported;
      for (const json& v : error.enum_values) {
        supported.push_back(v.is_string() ? v.get<std::string>() : schema::FormatGoJson(v));
      }
      return schema::NotSupportedError(path, value, supported);
    }
    case Code::kTooLong:
      return schema::TooLongError(path, error.valid);
    case Code::kMaxItems:
    case Code::kTooManyProperties:
      return schema::TooManyError(path, value.is_number() ? value.get<int64_t>() : -1, error.valid);
    case Code::kInvalidType:
      return schema::TypeInvalidError(path, value, error.message);
    case Code::kComposite:
      return schema::InvalidError(path, json(""), error.message);
    case Code::kOtherValidation:
      break;
  }
  return schema::InvalidError(path, value, error.message);
}

}  // namespace

FieldErrors ValidateValueAgainstSchema(const nlohmann::json& schema, const nlohmann::json& value,
                                       const std::string& field_path) {
  Result result = OpenApiValidator().Validate(schema, value, "");
  FieldErrors errors;
  // kube-openapi's Result drops repeated messages.
  std::set<std::string> seen;
  for (const OpenApiError& error : result.errors) {
    if (!seen.insert(error.message).second) continue;
    errors.push_back(ToFieldError(error, field_path));
  }
  return errors;
}

}  // namespace upkeep::apiserver
