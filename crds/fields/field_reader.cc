#include "crds/fields/field_reader.h"

#include <utility>

#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <absl/time/time.h>

#include "controller/object/kube_time.h"
#include "crds/fields/duration.h"

namespace upkeep::api {
namespace {

using nlohmann::json;

const char* JsonTypeName(const json& v) {
  if (v.is_string()) return "string";
  if (v.is_boolean()) return "boolean";
  if (v.is_number_integer() || v.is_number_unsigned()) return "integer";
  if (v.is_number()) return "number";
  if (v.is_array()) return "array";
  if (v.is_object()) return "object";
  return "null";
}

std::string Join(std::string_view base, std::string_view key) {
  if (key.empty()) return std::string(base);
  if (base.empty()) return std::string(key);
  return std::string(base) + "." + std::string(key);
}

}  // namespace

absl::Status ParseReport::ToStatus() const {
  if (errors.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(
      errors, "; ", [](std::string* out, const FieldError& e) { out->append(e.ToString()); }));
}

std::string QuoteValue(const json& value) {
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

FieldReader::FieldReader(const json* value, std::string path, ParseReport& report)
    : object_(nullptr), path_(std::move(path)), report_(&report) {
  // Indexes become "[]" in the schema path the drift check compares.
  for (size_t i = 0; i < path_.size(); ++i) {
    if (path_[i] == '[') {
      size_t close = path_.find(']', i);
      schema_path_ += "[]";
      i = close == std::string::npos ? path_.size() : close;
    } else {
      schema_path_ += path_[i];
    }
  }
  if (value == nullptr || value->is_null()) return;
  if (!value->is_object()) {
    TypeError("", *value, "object");
    return;
  }
  object_ = value;
}

FieldReader::FieldReader(FieldReader&& other) noexcept
    : object_(other.object_),
      path_(std::move(other.path_)),
      schema_path_(std::move(other.schema_path_)),
      report_(other.report_),
      read_(std::move(other.read_)) {
  other.object_ = nullptr;
}

FieldReader::~FieldReader() {
  if (object_ == nullptr) return;
  for (const auto& [key, value] : object_->items()) {
    if (read_.count(key) == 0) report_->unknown_fields.push_back(PathOf(key));
  }
}

bool FieldReader::Has(std::string_view key) const {
  if (object_ == nullptr) return false;
  auto it = object_->find(key);
  return it != object_->end() && !it->is_null();
}

std::string FieldReader::PathOf(std::string_view key) const { return Join(path_, key); }

const json* FieldReader::Field(std::string_view key) {
  read_.emplace(key);
  report_->known_paths.insert(Join(schema_path_, key));
  if (object_ == nullptr) return nullptr;
  auto it = object_->find(key);
  if (it == object_->end() || it->is_null()) return nullptr;
  return &*it;
}

void FieldReader::Add(std::string reason, std::string field, std::string detail) {
  report_->errors.push_back(FieldError{std::move(reason), std::move(field), std::move(detail)});
}

void FieldReader::TypeError(std::string_view key, const json& value, const char* type) {
  Add("FieldValueTypeInvalid", PathOf(key),
      absl::StrCat("Invalid value: \"", JsonTypeName(value), "\": ", PathOf(key),
                   " in body must be of type ", type, ": \"", JsonTypeName(value), "\""));
}

void FieldReader::Invalid(std::string_view key, const json& value, std::string_view detail) {
  Add("FieldValueInvalid", PathOf(key),
      absl::StrCat("Invalid value: ", QuoteValue(value), ": ", std::string(detail)));
}

void FieldReader::Required(std::string_view key, std::string_view detail) {
  Add("FieldValueRequired", PathOf(key),
      detail.empty() ? "Required value" : "Required value: " + std::string(detail));
}

void FieldReader::Forbidden(std::string_view key, std::string_view detail) {
  Add("FieldValueForbidden", PathOf(key), "Forbidden: " + std::string(detail));
}

std::optional<std::string> FieldReader::String(std::string_view key, Need need) {
  const json* v = Field(key);
  if (v == nullptr) {
    if (need == Need::kRequired && present()) Required(key);
    return std::nullopt;
  }
  if (!v->is_string()) {
    TypeError(key, *v, "string");
    return std::nullopt;
  }
  if (need == Need::kRequired && v->get_ref<const std::string&>().empty()) {
    Required(key);
    return std::nullopt;
  }
  return v->get<std::string>();
}

std::optional<int64_t> FieldReader::Integer(std::string_view key, Need need) {
  const json* v = Field(key);
  if (v == nullptr) {
    if (need == Need::kRequired && present()) Required(key);
    return std::nullopt;
  }
  if (v->is_number_integer() || v->is_number_unsigned()) return v->get<int64_t>();
  if (v->is_number_float()) {
    double d = v->get<double>();
    if (d == static_cast<double>(static_cast<int64_t>(d))) return static_cast<int64_t>(d);
  }
  TypeError(key, *v, "integer");
  return std::nullopt;
}

std::optional<bool> FieldReader::Bool(std::string_view key, Need need) {
  const json* v = Field(key);
  if (v == nullptr) {
    if (need == Need::kRequired && present()) Required(key);
    return std::nullopt;
  }
  if (!v->is_boolean()) {
    TypeError(key, *v, "boolean");
    return std::nullopt;
  }
  return v->get<bool>();
}

std::vector<std::string> FieldReader::StringList(std::string_view key, Need need) {
  std::vector<std::string> out;
  const json* v = Field(key);
  if (v == nullptr) {
    if (need == Need::kRequired && present()) Required(key);
    return out;
  }
  if (!v->is_array()) {
    TypeError(key, *v, "array");
    return out;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    const json& item = (*v)[i];
    if (!item.is_string()) {
      TypeError(absl::StrCat(std::string(key), "[", i, "]"), item, "string");
      continue;
    }
    out.push_back(item.get<std::string>());
  }
  if (need == Need::kRequired && out.empty() && v->empty()) Required(key);
  return out;
}

std::map<std::string, std::string> FieldReader::StringMap(std::string_view key) {
  std::map<std::string, std::string> out;
  const json* v = Field(key);
  if (v == nullptr) return out;
  if (!v->is_object()) {
    TypeError(key, *v, "object");
    return out;
  }
  for (const auto& [k, item] : v->items()) {
    if (!item.is_string()) {
      TypeError(std::string(key) + "[" + k + "]", item, "string");
      continue;
    }
    out.emplace(k, item.get<std::string>());
  }
  return out;
}

std::optional<json> FieldReader::Raw(std::string_view key) {
  const json* v = Field(key);
  if (v == nullptr) return std::nullopt;
  return *v;
}

std::optional<std::string> FieldReader::Enum(std::string_view key,
                                             std::initializer_list<const char*> allowed,
                                             Need need) {
  std::optional<std::string> v = String(key, need);
  if (!v) return std::nullopt;
  for (const char* a : allowed) {
    if (*v == a) return v;
  }
  std::vector<std::string> quoted;
  for (const char* a : allowed) quoted.push_back(absl::StrCat("\"", a, "\""));
  Add("FieldValueNotSupported", PathOf(key),
      absl::StrCat("Unsupported value: ", QuoteValue(*v),
                   ": supported values: ", absl::StrJoin(quoted, ", ")));
  return std::nullopt;
}

std::optional<std::chrono::nanoseconds> FieldReader::Duration(std::string_view key, Need need) {
  std::optional<std::string> text = String(key, need);
  if (!text) return std::nullopt;
  absl::StatusOr<std::chrono::nanoseconds> d = ParseDuration(*text);
  if (!d.ok()) {
    Invalid(key, *text,
            "must be a duration such as \"90s\", \"1h30m\", \"720h\" or \"90d\"");
    return std::nullopt;
  }
  return *d;
}

std::optional<int64_t> FieldReader::ByteQuantity(std::string_view key, Need need) {
  const json* v = Field(key);
  if (v == nullptr) {
    if (need == Need::kRequired && present()) Required(key);
    return std::nullopt;
  }
  if (v->is_number_integer() || v->is_number_unsigned()) {
    int64_t n = v->get<int64_t>();
    if (n < 0) {
      Invalid(key, *v, "must not be negative");
      return std::nullopt;
    }
    return n;
  }
  if (!v->is_string()) {
    TypeError(key, *v, "string");
    return std::nullopt;
  }
  absl::StatusOr<int64_t> bytes = ParseByteQuantity(v->get<std::string>());
  if (!bytes.ok()) {
    Invalid(key, *v, "must be a quantity of bytes such as \"50Mi\", \"1G\" or \"1048576\"");
    return std::nullopt;
  }
  return *bytes;
}

std::optional<std::string> FieldReader::TimeZone(std::string_view key,
                                                std::string_view fallback) {
  std::optional<std::string> name = String(key);
  if (!name) return std::string(fallback);
  absl::TimeZone zone;
  // "Local" is a real zone to Go and absl but means "wherever the controller runs": refused.
  if (*name == "Local" || !absl::LoadTimeZone(*name, &zone)) {
    Invalid(key, *name,
            "must be an IANA time zone name such as \"UTC\" or \"Europe/Amsterdam\"");
    return std::nullopt;
  }
  return name;
}

std::optional<std::chrono::system_clock::time_point> FieldReader::Timestamp(
    std::string_view key) {
  std::optional<std::string> text = String(key);
  if (!text) return std::nullopt;
  auto t = controller::ParseRfc3339(*text);
  if (!t.ok()) {
    Invalid(key, *text, "must be an RFC 3339 timestamp such as \"2026-11-30T03:00:00Z\"");
    return std::nullopt;
  }
  return *t;
}

FieldReader FieldReader::Object(std::string_view key, Need need) {
  const json* v = Field(key);
  if (v == nullptr && need == Need::kRequired && present()) Required(key);
  return FieldReader(v, PathOf(key), *report_);
}

void FieldReader::ObjectList(std::string_view key, const std::function<void(FieldReader&)>& each,
                             Need need) {
  const json* v = Field(key);
  if (v == nullptr || (v->is_array() && v->empty())) {
    if (need == Need::kRequired && present()) Required(key);
    return;
  }
  if (!v->is_array()) {
    TypeError(key, *v, "array");
    return;
  }
  for (size_t i = 0; i < v->size(); ++i) {
    FieldReader item(&(*v)[i], absl::StrCat(PathOf(key), "[", i, "]"), *report_);
    each(item);
  }
}

std::optional<std::string> FieldReader::AtMostOneOf(std::initializer_list<const char*> keys) {
  std::vector<std::string> set;
  for (const char* k : keys) {
    if (Has(k)) set.push_back(k);
  }
  if (set.size() > 1) {
    Forbidden("", absl::StrCat("only one of ", absl::StrJoin(keys, ", "),
                               " may be set; found ", absl::StrJoin(set, " and ")));
    return std::nullopt;
  }
  if (set.empty()) return std::nullopt;
  return set.front();
}

std::optional<std::string> FieldReader::ExactlyOneOf(std::initializer_list<const char*> keys) {
  if (!present()) return std::nullopt;
  std::optional<std::string> one = AtMostOneOf(keys);
  if (one) return one;
  bool none = true;
  for (const char* k : keys) none = none && !Has(k);
  if (none) Required("", absl::StrCat("exactly one of ", absl::StrJoin(keys, ", "), " must be set"));
  return std::nullopt;
}

}  // namespace upkeep::api
