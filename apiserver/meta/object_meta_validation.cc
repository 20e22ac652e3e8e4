#include "apiserver/meta/object_meta_validation.h"

#include <cctype>

#include "apiserver/meta/field_errors.h"
#include "apiserver/meta/name_formats.h"

namespace upkeep::apiserver {
namespace {

constexpr size_t kFieldManagerMaxLength = 128;

// Kubernetes' maskTrailingDash: a generateName may end in '-' because random characters
// follow, so the last two characters are replaced by one safe character before checking.
std::string MaskTrailingDash(std::string_view name) {
  if (name.empty() || name.back() != '-') return std::string(name);
  if (name.size() < 2) return "a";
  return std::string(name.substr(0, name.size() - 2)) + "a";
}

void Append(FieldErrors* to, FieldErrors from) {
  for (FieldError& e : from) to->push_back(std::move(e));
}

// The string at `key`, or "" when absent or null; a value of another type is reported.
std::string StringMember(const nlohmann::json& object, const char* key, const std::string& field,
                         FieldErrors* errs) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return "";
  if (!it->is_string()) {
    errs->push_back(FieldTypeInvalid(field, *it, "must be a string"));
    return "";
  }
  return it->get<std::string>();
}

// A JSON object whose values must all be strings, as labels and annotations are.
bool IsStringMap(const nlohmann::json& value, const std::string& field, FieldErrors* errs) {
  if (value.is_null()) return false;
  if (!value.is_object()) {
    errs->push_back(FieldTypeInvalid(field, value, "must be an object of strings"));
    return false;
  }
  bool ok = true;
  for (const auto& [key, v] : value.items()) {
    if (!v.is_string()) {
      errs->push_back(FieldTypeInvalid(field + "[" + key + "]", v, "must be a string"));
      ok = false;
    }
  }
  return ok;
}

// schema.ParseGroupVersion, reduced to "is there a version".
bool HasVersion(std::string_view api_version) {
  if (api_version.empty() || api_version == "/") return false;
  size_t slash = api_version.find('/');
  if (slash == std::string_view::npos) return true;
  if (api_version.find('/', slash + 1) != std::string_view::npos) return false;
  return slash + 1 < api_version.size();
}

// The owner reference as Go marshals the struct, for "Invalid value" renderings.
nlohmann::ordered_json OwnerReferenceJson(const nlohmann::json& ref) {
  nlohmann::ordered_json out;
  for (const char* key : {"apiVersion", "kind", "name", "uid"}) {
    out[key] = ref.value(key, "");
  }
  for (const char* key : {"controller", "blockOwnerDeletion"}) {
    auto it = ref.find(key);
    if (it != ref.end() && it->is_boolean()) out[key] = it->get<bool>();
  }
  return out;
}

FieldErrors ValidateOwnerReferences(const nlohmann::json& refs, const std::string& field) {
  FieldErrors errs;
  if (refs.is_null()) return errs;
  if (!refs.is_array()) {
    errs.push_back(FieldTypeInvalid(field, refs, "must be a list"));
    return errs;
  }
  std::string first_controller;
  for (const nlohmann::json& ref : refs) {
    if (!ref.is_object()) {
      errs.push_back(FieldTypeInvalid(field, ref, "must be an object"));
      continue;
    }
    // Kubernetes reports these without the list index: "metadata.ownerReferences.uid".
    std::string api_version = StringMember(ref, "apiVersion", field + ".apiVersion", &errs);
    std::string kind = StringMember(ref, "kind", field + ".kind", &errs);
    std::string name = StringMember(ref, "name", field + ".name", &errs);
    std::string uid = StringMember(ref, "uid", field + ".uid", &errs);
    if (!HasVersion(api_version)) {
      errs.push_back(FieldInvalid(field + ".apiVersion", api_version, "version must not be empty"));
    }
    if (kind.empty()) errs.push_back(FieldInvalid(field + ".kind", kind, "must not be empty"));
    if (name.empty()) errs.push_back(FieldInvalid(field + ".name", name, "must not be empty"));
    if (uid.empty()) errs.push_back(FieldInvalid(field + ".uid", uid, "must not be empty"));
    if (api_version == "v1" && kind == "Event") {
      errs.push_back(FieldInvalidJson(field, OwnerReferenceJson(ref),
                                      "/v1, Kind=Event is disallowed from being an owner"));
    }
    auto controller = ref.find("controller");
    if (controller != ref.end() && controller->is_boolean() && controller->get<bool>()) {
      std::string this_controller = kind + "/" + name;
      if (!first_controller.empty()) {
        nlohmann::ordered_json all = nlohmann::ordered_json::array();
        for (const nlohmann::json& r : refs) {
          if (r.is_object()) all.push_back(OwnerReferenceJson(r));
        }
        errs.push_back(FieldInvalidJson(
            field, all,
            "Only one reference can have Controller set to true. Found \"true\" in references "
            "for " + first_controller + " and " + this_controller));
      } else {
        first_controller = this_controller;
      }
    }
  }
  return errs;
}

FieldErrors ValidateFinalizers(const nlohmann::json& finalizers, const std::string& field) {
  FieldErrors errs;
  if (finalizers.is_null()) return errs;
  if (!finalizers.is_array()) {
    errs.push_back(FieldTypeInvalid(field, finalizers, "must be a list of strings"));
    return errs;
  }
  bool orphan = false;
  bool foreground = false;
  std::vector<std::string> names;
  for (const nlohmann::json& f : finalizers) {
    if (!f.is_string()) {
      errs.push_back(FieldTypeInvalid(field, f, "must be a string"));
      continue;
    }
    const std::string& name = f.get_ref<const std::string&>();
    names.push_back(name);
    for (const std::string& msg : IsQualifiedName(name)) {
      errs.push_back(FieldInvalid(field, name, msg));
    }
    orphan = orphan || name == "orphan";
    foreground = foreground || name == "foregroundDeletion";
  }
  if (orphan && foreground) {
    errs.push_back(FieldInvalidJson(field, nlohmann::ordered_json(names),
                                    "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

FieldErrors ValidateManagedFields(const nlohmann::json& entries, const std::string& field) {
  FieldErrors errs;
  if (entries.is_null()) return errs;
  if (!entries.is_array()) {
    errs.push_back(FieldTypeInvalid(field, entries, "must be a list"));
    return errs;
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    const nlohmann::json& entry = entries[i];
    std::string path = field + "[" + std::to_string(i) + "]";
    if (!entry.is_object()) {
      errs.push_back(FieldTypeInvalid(path, entry, "must be an object"));
      continue;
    }
    std::string operation = StringMember(entry, "operation", path + ".operation", &errs);
    if (operation != "Apply" && operation != "Update") {
      errs.push_back(
          FieldInvalid(path + ".operation", operation, "must be `Apply` or `Update`"));
    }
    std::string fields_type = StringMember(entry, "fieldsType", path + ".fieldsType", &errs);
    if (!fields_type.empty() && fields_type != "FieldsV1") {
      errs.push_back(FieldInvalid(path + ".fieldsType", fields_type, "must be `FieldsV1`"));
    }
    std::string manager = StringMember(entry, "manager", path + ".manager", &errs);
    if (manager.size() > kFieldManagerMaxLength) {
      errs.push_back(FieldTooLong(path + ".manager", kFieldManagerMaxLength));
    }
  }
  return errs;
}

}  // namespace

std::vector<std::string> ValidateName(std::string_view name, NameRule rule, bool prefix) {
  std::string checked = prefix && rule != NameRule::kPathSegment ? MaskTrailingDash(name)
                                                                  : std::string(name);
  switch (rule) {
    case NameRule::kDnsSubdomain: return IsDns1123Subdomain(checked);
    case NameRule::kDnsLabel: return IsDns1123Label(checked);
    case NameRule::kDns1035Label: return IsDns1035Label(checked);
    case NameRule::kPathSegment: return IsValidPathSegmentName(checked, prefix);
  }
  return {};
}

FieldErrors ValidateLabels(const nlohmann::json& labels, const std::string& field) {
  FieldErrors errs;
  if (!IsStringMap(labels, field, &errs)) return errs;
  for (const auto& [key, value] : labels.items()) {
    for (const std::string& msg : IsQualifiedName(key)) {
      errs.push_back(FieldInvalid(field, key, msg));
    }
    const std::string& v = value.get_ref<const std::string&>();
    for (const std::string& msg : IsValidLabelValue(v)) {
      errs.push_back(FieldInvalid(field, v, msg));
    }
  }
  return errs;
}

FieldErrors ValidateAnnotations(const nlohmann::json& annotations, const std::string& field) {
  FieldErrors errs;
  if (!IsStringMap(annotations, field, &errs)) return errs;
  int64_t total = 0;
  for (const auto& [key, value] : annotations.items()) {
    // Annotation keys are qualified names except that case does not matter.
    std::string lower = key;
    for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    for (const std::string& msg : IsQualifiedName(lower)) {
      errs.push_back(FieldInvalid(field, key, msg));
    }
    total += static_cast<int64_t>(key.size() + value.get_ref<const std::string&>().size());
  }
  if (total > kTotalAnnotationSizeLimitBytes) {
    errs.push_back(FieldTooLong(field, kTotalAnnotationSizeLimitBytes));
  }
  return errs;
}

FieldErrors ValidateObjectMeta(const nlohmann::json& metadata, bool namespaced, NameRule rule) {
  FieldErrors errs;
  if (!metadata.is_object()) {
    errs.push_back(FieldRequired("metadata.name", "name or generateName is required"));
    return errs;
  }
  std::string generate_name =
      StringMember(metadata, "generateName", "metadata.generateName", &errs);
  if (!generate_name.empty()) {
    for (const std::string& msg : ValidateName(generate_name, rule, /*prefix=*/true)) {
      errs.push_back(FieldInvalid("metadata.generateName", generate_name, msg));
    }
  }
  std::string name = StringMember(metadata, "name", "metadata.name", &errs);
  if (name.empty()) {
    errs.push_back(FieldRequired("metadata.name", "name or generateName is required"));
  } else {
    for (const std::string& msg : ValidateName(name, rule, /*prefix=*/false)) {
      errs.push_back(FieldInvalid("metadata.name", name, msg));
    }
  }

  std::string ns = StringMember(metadata, "namespace", "metadata.namespace", &errs);
  if (namespaced) {
    if (ns.empty()) {
      errs.push_back(FieldRequired("metadata.namespace", ""));
    } else {
      for (const std::string& msg : ValidateName(ns, NameRule::kDnsLabel, false)) {
        errs.push_back(FieldInvalid("metadata.namespace", ns, msg));
      }
    }
  } else if (!ns.empty()) {
    errs.push_back(FieldForbidden("metadata.namespace", "not allowed on this type"));
  }

  auto generation = metadata.find("generation");
  if (generation != metadata.end() && generation->is_number_integer() &&
      generation->get<int64_t>() < 0) {
    errs.push_back(FieldInvalidInteger("metadata.generation", generation->get<int64_t>(),
                                       "must be greater than or equal to 0"));
  }

  auto member = [&](const char* key) -> const nlohmann::json& {
    static const nlohmann::json kNull;
    auto it = metadata.find(key);
    return it == metadata.end() ? kNull : *it;
  };
  Append(&errs, ValidateLabels(member("labels"), "metadata.labels"));
  Append(&errs, ValidateAnnotations(member("annotations"), "metadata.annotations"));
  Append(&errs, ValidateOwnerReferences(member("ownerReferences"), "metadata.ownerReferences"));
  Append(&errs, ValidateFinalizers(member("finalizers"), "metadata.finalizers"));
  Append(&errs, ValidateManagedFields(member("managedFields"), "metadata.managedFields"));
  return errs;
}

}  // namespace upkeep::apiserver
