// FieldReader: reads one object of a custom resource (spec, status or a nested object) from
// JSON and reports every problem with its Kubernetes field path ("spec.checks[1].http.url:
// Required value"), the way the API server words them, so a message from the controller
// reads like one from kubectl.
//
// A reader never throws and never stops at the first problem: each accessor returns the
// value or nullopt and records an error in the shared ParseReport. A reader over an absent
// object (nullptr) returns nullopt everywhere and reports nothing, so optional sections need
// no special case. Every field a parser asks about is recorded as known (the drift check
// compares that set with the CRD's schema), and when a reader is destroyed, keys of its
// object that nobody asked about are recorded as unknown fields.
//
// Thread-compatible; a reader borrows its JSON and report, which must outlive it.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

#include "apiserver/api/field_error.h"

namespace upkeep::api {

using FieldError = apiserver::FieldError;
using FieldErrors = apiserver::FieldErrors;

struct ParseReport {
  FieldErrors errors;
  // Keys present in the JSON that the parser does not know ("spec.colour"). The API server
  // prunes these from stored objects, so here they mean the CRD and the code disagree.
  std::vector<std::string> unknown_fields;
  // Every field path the parser asked about, indexes written "[]": "spec.checks[].name".
  std::set<std::string> known_paths;

  bool ok() const { return errors.empty(); }
  // OK, or InvalidArgument with every error ("spec.schedule: Required value; ...").
  absl::Status ToStatus() const;
};

enum class Need { kOptional, kRequired };

class FieldReader {
 public:
  // Reads `value` found at `path` ("spec"); nullptr means the object is absent. A value that
  // is present but not an object is reported as a type error at `path`.
  FieldReader(const nlohmann::json* value, std::string path, ParseReport& report);
  ~FieldReader();
  FieldReader(FieldReader&&) noexcept;
  FieldReader(const FieldReader&) = delete;
  FieldReader& operator=(const FieldReader&) = delete;
  FieldReader& operator=(FieldReader&&) = delete;

  // True when the object itself is present (and is an object).
  bool present() const { return object_ != nullptr; }
  // True when `key` is present and not null.
  bool Has(std::string_view key) const;
  // "spec.source" + "postgres" -> "spec.source.postgres".
  std::string PathOf(std::string_view key) const;
  const std::string& path() const { return path_; }

  std::optional<std::string> String(std::string_view key, Need need = Need::kOptional);
  std::optional<int64_t> Integer(std::string_view key, Need need = Need::kOptional);
  std::optional<bool> Bool(std::string_view key, Need need = Need::kOptional);
  std::vector<std::string> StringList(std::string_view key, Need need = Need::kOptional);
  std::map<std::string, std::string> StringMap(std::string_view key);
  // The raw JSON of a field whose shape upkeep passes through (resource requirements).
  std::optional<nlohmann::json> Raw(std::string_view key);

  // One of `allowed`; anything else is "Unsupported value" listing them.
  std::optional<std::string> Enum(std::string_view key, std::initializer_list<const char*> allowed,
                                  Need need = Need::kOptional);
  // Go-style duration with days ("90s", "1h30m", "720h", "90d"), >= 0.
  std::optional<std::chrono::nanoseconds> Duration(std::string_view key, Need need = Need::kOptional);
  // Kubernetes quantity of bytes ("50Mi", "1G", "1024"), >= 0.
  std::optional<int64_t> ByteQuantity(std::string_view key, Need need = Need::kOptional);
  // An IANA time zone name that exists in the system's tz database ("Europe/Amsterdam");
  // absent means `fallback` (API.md: "UTC").
  std::optional<std::string> TimeZone(std::string_view key, std::string_view fallback = "UTC");
  // RFC 3339 timestamp (metav1.Time).
  std::optional<std::chrono::system_clock::time_point> Timestamp(std::string_view key);

  // A nested object; a reader over nullptr when absent (and "Required value" if required).
  FieldReader Object(std::string_view key, Need need = Need::kOptional);
  // Calls `each` with a reader for every element of a list of objects.
  void ObjectList(std::string_view key, const std::function<void(FieldReader&)>& each,
                  Need need = Need::kOptional);

  // Checks that exactly one of `keys` is set (Kubernetes' "one of" rule); reports at this
  // object's path and returns the key that is set, or nullopt.
  std::optional<std::string> ExactlyOneOf(std::initializer_list<const char*> keys);
  // At most one of `keys`; returns the key that is set, if any.
  std::optional<std::string> AtMostOneOf(std::initializer_list<const char*> keys);

  // Problems found by the caller's own rules, at PathOf(key) (key "" = this object).
  void Invalid(std::string_view key, const nlohmann::json& value, std::string_view detail);
  void Required(std::string_view key, std::string_view detail = "");
  void Forbidden(std::string_view key, std::string_view detail);

 private:
  const nlohmann::json* Field(std::string_view key);
  void TypeError(std::string_view key, const nlohmann::json& value, const char* type);
  void Add(std::string reason, std::string field, std::string detail);

  const nlohmann::json* object_;
  std::string path_;
  std::string schema_path_;  // path_ with list indexes written "[]"
  ParseReport* report_;
  std::set<std::string, std::less<>> read_;
};

// Formats a JSON value the way Kubernetes quotes invalid values: strings in quotes, others
// as JSON.
std::string QuoteValue(const nlohmann::json& value);

}  // namespace upkeep::api
