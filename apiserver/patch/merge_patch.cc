#include "apiserver/patch/merge_patch.h"

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

using nlohmann::json;

// A value that is added rather than merged carries no deletions, so its nulls go.
json WithoutNulls(const json& value) {
  if (value.is_object()) {
    json out = json::object();
    for (const auto& [key, member] : value.items()) {
      if (!member.is_null()) out[key] = WithoutNulls(member);
    }
    return out;
  }
  if (value.is_array()) {
    json out = json::array();
    for (const json& element : value) {
      if (!element.is_null()) out.push_back(WithoutNulls(element));
    }
    return out;
  }
  return value;
}

void MergeObjectInto(json& target, const json& patch) {
  for (const auto& [key, patch_value] : patch.items()) {
    if (patch_value.is_null()) {
      target.erase(key);
      continue;
    }
    auto existing = target.find(key);
    if (existing == target.end() || !existing->is_object()) {
      target[key] = WithoutNulls(patch_value);
    } else if (!patch_value.is_object()) {
      // evanphx keeps such a value as sent when it replaces an object.
      *existing = patch_value;
    } else {
      MergeObjectInto(*existing, patch_value);
    }
  }
}

}  // namespace

absl::StatusOr<json> ApplyMergePatch(const json& document, const json& patch) {
  if (patch.is_array()) return WithoutNulls(patch);
  if (!patch.is_object()) return BadRequestError("Invalid JSON Patch");
  if (!document.is_object()) return WithoutNulls(patch);
  json result = document;
  MergeObjectInto(result, patch);
  return result;
}

}  // namespace upkeep::apiserver
