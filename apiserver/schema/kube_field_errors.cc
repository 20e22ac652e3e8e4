#include "apiserver/schema/kube_field_errors.h"

#include "apiserver/schema/go_value_format.h"

namespace upkeep::apiserver::schema {
namespace {

std::string WithDetail(std::string body, std::string_view detail) {
  if (!detail.empty()) {
    body += ": ";
    body += detail;
  }
  return body;
}

}  // namespace

std::string ChildPath(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}

std::string KeyPath(const std::string& path, std::string_view key) {
  return path + "[" + std::string(key) + "]";
}

std::string IndexPath(const std::string& path, size_t index) {
  return path + "[" + std::to_string(index) + "]";
}

FieldError RequiredError(std::string path, std::string_view detail) {
  return {"FieldValueRequired", std::move(path), WithDetail("Required value", detail)};
}

FieldError ForbiddenError(std::string path, std::string_view detail) {
  return {"FieldValueForbidden", std::move(path), WithDetail("Forbidden", detail)};
}

FieldError InvalidError(std::string path, const nlohmann::json& value, std::string_view detail) {
  return {"FieldValueInvalid", std::move(path),
          WithDetail("Invalid value: " + FormatBadValue(value), detail)};
}

FieldError TypeInvalidError(std::string path, const nlohmann::json& value,
                            std::string_view detail) {
  return {"FieldValueTypeInvalid", std::move(path),
          WithDetail("Invalid value: " + FormatBadValue(value), detail)};
}

FieldError NotSupportedError(std::string path, const nlohmann::json& value,
                             const std::vector<std::string>& supported) {
  std::string detail;
  if (!supported.empty()) {
    detail = "supported values: ";
    for (size_t i = 0; i < supported.size(); ++i) {
      if (i > 0) detail += ", ";
      detail += GoQuote(supported[i]);
    }
  }
  return {"FieldValueNotSupported", std::move(path),
          WithDetail("Unsupported value: " + FormatBadValue(value), detail)};
}

FieldError DuplicateError(std::string path, const nlohmann::json& value) {
  return {"FieldValueDuplicate", std::move(path), "Duplicate value: " + FormatBadValue(value)};
}

FieldError TooLongError(std::string path, int64_t max_length) {
  std::string detail = max_length >= 0 ? "may not be more than " + std::to_string(max_length) +
                                             (max_length == 1 ? " byte" : " bytes")
                                       : "value is too long";
  return {"FieldValueTooLong", std::move(path), WithDetail("Too long", detail)};
}

FieldError TooManyError(std::string path, int64_t actual, int64_t max_items) {
  std::string detail = max_items >= 0 ? "must have at most " + std::to_string(max_items) +
                                            (max_items == 1 ? " item" : " items")
                                      : "has too many items";
  std::string body = actual >= 0 ? "Too many: " + std::to_string(actual) : "Too many";
  return {"FieldValueTooMany", std::move(path), WithDetail(body, detail)};
}

}  // namespace upkeep::apiserver::schema
