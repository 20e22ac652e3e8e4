#include "apiserver/apply/field_set.h"

#include <absl/status/status.h>

namespace upkeep::apiserver {
namespace {

constexpr char kMemberMarker[] = ".";

// structured-merge-diff's value.ToString: strings quoted, numbers and bools bare, lists in
// brackets.
std::string ValueString(const nlohmann::json& value) {
  if (value.is_array()) {
    std::string out = "[";
    for (size_t i = 0; i < value.size(); ++i) {
      if (i > 0) out += ",";
      out += ValueString(value[i]);
    }
    return out + "]";
  }
  if (value.is_object()) {
    std::string out;
    for (const auto& [k, v] : value.items()) out += k + "=" + ValueString(v);
    return out;
  }
  return value.dump();
}

std::string ElementString(const PathElement& element) {
  std::string_view body = std::string_view(element).substr(2);
  switch (element[0]) {
    case 'f':
      return "." + std::string(body);
    case 'k': {
      nlohmann::json key = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      std::string out = "[";
      bool first = true;
      for (const auto& [name, v] : key.items()) {
        if (!first) out += ",";
        first = false;
        out += name + "=" + ValueString(v);
      }
      return out + "]";
    }
    case 'v': {
      nlohmann::json value = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      return "[=" + ValueString(value) + "]";
    }
    default:
      return "[" + std::string(body) + "]";
  }
}

// Validates one FieldsV1 key and returns it in canonical spelling (JSON re-serialised, so
// that {"b":1,"a":2} and {"a":2,"b":1} are the same element).
absl::StatusOr<PathElement> CanonicalElement(const std::string& key) {
  if (key.size() < 2 || key[1] != ':') {
    return absl::InvalidArgumentError("invalid FieldsV1 path element \"" + key + "\"");
  }
  std::string body = key.substr(2);
  switch (key[0]) {
    case 'f':
      return key;
    case 'i': {
      if (body.empty() || body.find_first_not_of("0123456789") != std::string::npos) {
        return absl::InvalidArgumentError("invalid FieldsV1 index \"" + key + "\"");
      }
      return key;
    }
    case 'k':
    case 'v': {
      nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
      if (parsed.is_discarded() || (key[0] == 'k' && !parsed.is_object())) {
        return absl::InvalidArgumentError("invalid FieldsV1 path element \"" + key + "\"");
      }
      return std::string(1, key[0]) + ":" + parsed.dump();
    }
    default:
      return absl::InvalidArgumentError("invalid FieldsV1 path element \"" + key + "\"");
  }
}

}  // namespace

PathElement FieldElement(std::string_view name) { return "f:" + std::string(name); }

PathElement KeyElement(const nlohmann::json& key_fields) { return "k:" + key_fields.dump(); }

PathElement ValueElement(const nlohmann::json& value) { return "v:" + value.dump(); }

std::string FieldPathString(const FieldPath& path) {
  std::string out;
  for (const PathElement& e : path) out += ElementString(e);
  return out;
}

absl::StatusOr<FieldSet> FieldSet::FromFieldsV1(const nlohmann::json& fields_v1) {
  FieldSet set;
  if (fields_v1.is_null()) return set;
  if (!fields_v1.is_object()) {
    return absl::InvalidArgumentError("FieldsV1 must be a JSON object");
  }
  for (const auto& [key, value] : fields_v1.items()) {
    if (key == kMemberMarker) continue;  // Read by the parent level.
    absl::StatusOr<PathElement> element = CanonicalElement(key);
    if (!element.ok()) return element.status();
    if (!value.is_object()) {
      return absl::InvalidArgumentError("FieldsV1 value of \"" + key + "\" must be an object");
    }
    absl::StatusOr<FieldSet> child = FromFieldsV1(value);
    if (!child.ok()) return child.status();
    if (value.empty() || value.contains(kMemberMarker)) set.members_.insert(*element);
    if (!child->Empty()) set.children_[*element] = *std::move(child);
  }
  return set;
}

nlohmann::json FieldSet::ToFieldsV1() const {
  nlohmann::json out = nlohmann::json::object();
  for (const PathElement& m : members_) out[m] = nlohmann::json::object();
  for (const auto& [element, child] : children_) {
    nlohmann::json nested = child.ToFieldsV1();
    if (members_.count(element)) nested[kMemberMarker] = nlohmann::json::object();
    out[element] = std::move(nested);
  }
  return out;
}

void FieldSet::Insert(const FieldPath& path) {
  if (path.empty()) return;
  FieldSet* level = this;
  for (size_t i = 0; i + 1 < path.size(); ++i) level = &level->children_[path[i]];
  level->members_.insert(path.back());
}

bool FieldSet::Has(const FieldPath& path) const {
  if (path.empty()) return false;
  const FieldSet* level = this;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    level = level->Child(path[i]);
    if (level == nullptr) return false;
  }
  return level->HasMember(path.back());
}

const FieldSet* FieldSet::Child(const PathElement& element) const {
  auto it = children_.find(element);
  return it == children_.end() ? nullptr : &it->second;
}

FieldSet FieldSet::Union(const FieldSet& other) const {
  FieldSet out = *this;
  out.members_.insert(other.members_.begin(), other.members_.end());
  for (const auto& [element, child] : other.children_) {
    auto it = out.children_.find(element);
    if (it == out.children_.end()) {
      out.children_.emplace(element, child);
    } else {
      it->second = it->second.Union(child);
    }
  }
  return out;
}

FieldSet FieldSet::Intersection(const FieldSet& other) const {
  FieldSet out;
  for (const PathElement& m : members_) {
    if (other.members_.count(m)) out.members_.insert(m);
  }
  for (const auto& [element, child] : children_) {
    const FieldSet* theirs = other.Child(element);
    if (theirs == nullptr) continue;
    FieldSet both = child.Intersection(*theirs);
    if (!both.Empty()) out.children_.emplace(element, std::move(both));
  }
  return out;
}

FieldSet FieldSet::Difference(const FieldSet& other) const {
  FieldSet out;
  for (const PathElement& m : members_) {
    if (!other.members_.count(m)) out.members_.insert(m);
  }
  for (const auto& [element, child] : children_) {
    const FieldSet* theirs = other.Child(element);
    FieldSet rest = theirs == nullptr ? child : child.Difference(*theirs);
    if (!rest.Empty()) out.children_.emplace(element, std::move(rest));
  }
  return out;
}

FieldSet FieldSet::RecursiveDifference(const FieldSet& prefixes) const {
  FieldSet out;
  for (const PathElement& m : members_) {
    if (!prefixes.members_.count(m)) out.members_.insert(m);
  }
  for (const auto& [element, child] : children_) {
    if (prefixes.members_.count(element)) continue;
    const FieldSet* theirs = prefixes.Child(element);
    FieldSet rest = theirs == nullptr ? child : child.RecursiveDifference(*theirs);
    if (!rest.Empty()) out.children_.emplace(element, std::move(rest));
  }
  return out;
}

FieldSet FieldSet::WithFieldParentsAsMembers() const {
  FieldSet out;
  out.members_ = members_;
  for (const auto& [element, child] : children_) {
    if (element.rfind("f:", 0) == 0) out.members_.insert(element);
    out.children_.emplace(element, child.WithFieldParentsAsMembers());
  }
  return out;
}

std::vector<FieldPath> FieldSet::Paths() const {
  std::vector<FieldPath> out;
  FieldPath prefix;
  CollectPaths(prefix, out);
  return out;
}

void FieldSet::CollectPaths(FieldPath& prefix, std::vector<FieldPath>& out) const {
  for (const PathElement& m : members_) {
    prefix.push_back(m);
    out.push_back(prefix);
    prefix.pop_back();
  }
  for (const auto& [element, child] : children_) {
    prefix.push_back(element);
    child.CollectPaths(prefix, out);
    prefix.pop_back();
  }
}

}  // namespace upkeep::apiserver
