#include "apiserver/schema/embedded_resource_validation.h"

#include <algorithm>
#include <cctype>
#include <regex>

#include "apiserver/schema/kube_field_errors.h"
#include "apiserver/schema/schema_node.h"

namespace upkeep::apiserver::schema {
namespace {

using nlohmann::json;

// k8s.io/apimachinery IsDNS1035Label, with its exact messages.
std::vector<std::string> Dns1035LabelErrors(const std::string& value) {
  std::vector<std::string> errors;
  if (value.size() > 63) errors.push_back("must be no more than 63 characters");
  static const std::regex kLabel("^[a-z]([-a-z0-9]*[a-z0-9])?$");
  if (!std::regex_match(value, kLabel)) {
    errors.push_back(
        "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start "
        "with an alphabetic character, and end with an alphanumeric character (e.g. "
        "'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
  }
  return errors;
}

FieldErrors ValidateEmbeddedResource(const json& object, const std::string& path) {
  FieldErrors errors;
  if (!object.contains("apiVersion"))
    errors.push_back(RequiredError(ChildPath(path, "apiVersion"), ""));
  if (!object.contains("kind")) errors.push_back(RequiredError(ChildPath(path, "kind"), ""));
  if (auto it = object.find("apiVersion"); it != object.end()) {
    std::string field = ChildPath(path, "apiVersion");
    if (!it->is_string()) {
      errors.push_back(InvalidError(field, *it, "must be a string"));
    } else if (it->get<std::string>().empty()) {
      errors.push_back(RequiredError(field, ""));
    } else {
      const std::string api_version = it->get<std::string>();
      if (api_version != "/" && std::count(api_version.begin(), api_version.end(), '/') > 1) {
        errors.push_back(
            InvalidError(field, *it, "unexpected GroupVersion string: " + api_version));
      }
    }
  }
  if (auto it = object.find("kind"); it != object.end()) {
    std::string field = ChildPath(path, "kind");
    if (!it->is_string()) {
      errors.push_back(InvalidError(field, *it, "must be a string"));
    } else if (it->get<std::string>().empty()) {
      errors.push_back(RequiredError(field, ""));
    } else {
      std::string lower = it->get<std::string>();
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return std::tolower(c); });
      std::vector<std::string> label_errors = Dns1035LabelErrors(lower);
      if (!label_errors.empty()) {
        std::string joined;
        for (size_t i = 0; i < label_errors.size(); ++i) {
          if (i > 0) joined += ",";
          joined += label_errors[i];
        }
        errors.push_back(
            InvalidError(field, *it, "may have mixed case, but should otherwise match: " + joined));
      }
    }
  }
  return errors;
}

FieldErrors Walk(const json& schema, const json& value, const std::string& path, bool embedded) {
  FieldErrors errors;
  if (!schema.is_object()) return errors;
  if (value.is_object()) {
    if (embedded) errors = ValidateEmbeddedResource(value, path);
    const json* additional = AdditionalPropertiesSchema(schema);
    for (const auto& [key, item] : value.items()) {
      FieldErrors nested;
      if (const json* property = PropertySchema(schema, key)) {
        nested = Walk(*property, item, ChildPath(path, key),
                      SchemaFlag(*property, "x-kubernetes-embedded-resource"));
      } else if (additional != nullptr) {
        nested = Walk(*additional, item, KeyPath(path, key),
                      SchemaFlag(*additional, "x-kubernetes-embedded-resource"));
      }
      errors.insert(errors.end(), nested.begin(), nested.end());
    }
  } else if (value.is_array()) {
    if (const json* items = SubSchema(schema, "items")) {
      for (size_t i = 0; i < value.size(); ++i) {
        FieldErrors nested = Walk(*items, value[i], IndexPath(path, i),
                                  SchemaFlag(*items, "x-kubernetes-embedded-resource"));
        errors.insert(errors.end(), nested.begin(), nested.end());
      }
    }
  }
  return errors;
}

}  // namespace

FieldErrors ValidateEmbeddedResources(const json& schema, const json& value,
                                      const std::string& path, bool is_resource_root) {
  return Walk(schema, value, path,
              is_resource_root || SchemaFlag(schema, "x-kubernetes-embedded-resource"));
}

}  // namespace upkeep::apiserver::schema
