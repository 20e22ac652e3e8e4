#include "controller/object/owner_references.h"

#include <absl/strings/str_cat.h>

#include "controller/object/json_fields.h"

namespace upkeep::controller {
namespace {

using nlohmann::json;
using object_internal::FieldOrNull;
using object_internal::MutableArrayField;
using object_internal::MutableObjectField;
using object_internal::StringField;

const json& MetadataOf(const json& object) {
  static const json kEmpty = json::object();
  const json* metadata = FieldOrNull(object, "metadata");
  return metadata != nullptr ? *metadata : kEmpty;
}

const json* OwnerReferencesOrNull(const json& object) {
  const json* refs = FieldOrNull(MetadataOf(object), "ownerReferences");
  return refs != nullptr && refs->is_array() ? refs : nullptr;
}

bool BoolField(const json& obj, std::string_view key) {
  const json* v = FieldOrNull(obj, key);
  return v != nullptr && v->is_boolean() && v->get<bool>();
}

OwnerReference ParseReference(const json& entry) {
  return OwnerReference{StringField(entry, "apiVersion"), StringField(entry, "kind"),
                        StringField(entry, "name"),       StringField(entry, "uid"),
                        BoolField(entry, "controller"),   BoolField(entry, "blockOwnerDeletion")};
}

// "apps/v1" -> "apps"; "v1" -> "" (the core group).
std::string_view GroupOf(std::string_view api_version) {
  size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

// controller-runtime's referSameObject: the version may differ, the uid is not compared.
bool ReferSameObject(const OwnerReference& a, const OwnerReference& b) {
  return GroupOf(a.api_version) == GroupOf(b.api_version) && a.kind == b.kind && a.name == b.name;
}

json ToJson(const OwnerReference& ref) {
  json out = {
      {"apiVersion", ref.api_version}, {"kind", ref.kind}, {"name", ref.name}, {"uid", ref.uid}};
  if (ref.controller) out["controller"] = true;
  if (ref.block_owner_deletion) out["blockOwnerDeletion"] = true;
  return out;
}

std::string NamespacedName(const json& object) {
  const json& metadata = MetadataOf(object);
  std::string ns = StringField(metadata, "namespace");
  std::string name = StringField(metadata, "name");
  return ns.empty() ? name : absl::StrCat(ns, "/", name);
}

// The reference to `owner`, after checking it may own `object`.
absl::Status BuildReference(const json& owner, const json& object, bool controller,
                            OwnerReference& ref) {
  const json& owner_meta = MetadataOf(owner);
  ref = OwnerReference{StringField(owner, "apiVersion"),
                       StringField(owner, "kind"),
                       StringField(owner_meta, "name"),
                       StringField(owner_meta, "uid"),
                       controller,
                       controller};
  if (ref.api_version.empty() || ref.kind.empty() || ref.name.empty() || ref.uid.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "owner ", ref.kind.empty() ? "<no kind>" : ref.kind, " \"", NamespacedName(owner),
        "\" needs apiVersion, kind, metadata.name and ", "metadata.uid to be referenced"));
  }
  const std::string owner_ns = StringField(owner_meta, "namespace");
  if (owner_ns.empty()) return absl::OkStatus();  // cluster-scoped owners may own anything
  const std::string object_ns = StringField(MetadataOf(object), "namespace");
  if (object_ns.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "cluster-scoped resource must not have a namespace-scoped owner, owner's namespace ",
        owner_ns));
  }
  if (object_ns != owner_ns) {
    return absl::InvalidArgumentError(
        absl::StrCat("cross-namespace owner references are disallowed, owner's namespace ",
                     owner_ns, ", obj's namespace ", object_ns));
  }
  return absl::OkStatus();
}

// Replaces the reference to the same owner, or appends.
void UpsertReference(const OwnerReference& ref, json& object) {
  if (!object.is_object()) object = json::object();
  json& refs = MutableArrayField(MutableObjectField(object, "metadata"), "ownerReferences");
  for (json& entry : refs) {
    if (entry.is_object() && ReferSameObject(ParseReference(entry), ref)) {
      entry = ToJson(ref);
      return;
    }
  }
  refs.push_back(ToJson(ref));
}

}  // namespace

absl::Status SetControllerReference(const json& owner, json& object) {
  OwnerReference ref;
  if (absl::Status s = BuildReference(owner, object, /*controller=*/true, ref); !s.ok()) {
    return s;
  }
  std::optional<OwnerReference> existing = ControllerOf(object);
  if (existing.has_value() && !ReferSameObject(*existing, ref)) {
    return absl::FailedPreconditionError(
        absl::StrCat("Object ", NamespacedName(object), " is already owned by another ",
                     existing->kind, " controller ", existing->name, "; cannot make ", ref.kind,
                     " ", ref.name, " its controller"));
  }
  UpsertReference(ref, object);
  return absl::OkStatus();
}

absl::Status SetOwnerReference(const json& owner, json& object) {
  OwnerReference ref;
  if (absl::Status s = BuildReference(owner, object, /*controller=*/false, ref); !s.ok()) {
    return s;
  }
  UpsertReference(ref, object);
  return absl::OkStatus();
}

std::optional<OwnerReference> ControllerOf(const json& object) {
  const json* refs = OwnerReferencesOrNull(object);
  if (refs == nullptr) return std::nullopt;
  for (const json& entry : *refs) {
    if (entry.is_object() && BoolField(entry, "controller")) return ParseReference(entry);
  }
  return std::nullopt;
}

bool IsOwnedBy(const json& object, std::string_view owner_uid) {
  const json* refs = OwnerReferencesOrNull(object);
  if (refs == nullptr || owner_uid.empty()) return false;
  for (const json& entry : *refs) {
    if (StringField(entry, "uid") == owner_uid) return true;
  }
  return false;
}

}  // namespace upkeep::controller
