#include "apiserver/apply/list_item_element.h"

#include <absl/status/status.h>

namespace upkeep::apiserver {

absl::StatusOr<PathElement> ListItemElement(const ListSemantics& semantics,
                                            const nlohmann::json& item) {
  if (semantics.type == ListSemantics::Type::kMap) {
    if (!item.is_object()) {
      return absl::InvalidArgumentError("associative list with keys may not have non-map elements");
    }
    nlohmann::json key = nlohmann::json::object();
    for (const std::string& name : semantics.keys) {
      auto it = item.find(name);
      if (it != item.end() && !it->is_null()) {
        key[name] = *it;
        continue;
      }
      auto fallback = semantics.key_defaults.find(name);
      if (fallback == semantics.key_defaults.end()) {
        return absl::InvalidArgumentError(
            "associative list with keys has an element that omits key field \"" + name +
            "\" (and doesn't have default value)");
      }
      key[name] = fallback->second;
    }
    return KeyElement(key);
  }
  if (item.is_object()) {
    return absl::InvalidArgumentError(
        "associative list without keys has an element that's a map type");
  }
  if (item.is_array()) {
    return absl::InvalidArgumentError(
        "associative list without keys has an element that's a list type");
  }
  return ValueElement(item);
}

}  // namespace upkeep::apiserver
