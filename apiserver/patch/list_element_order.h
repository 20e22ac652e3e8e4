// The order of a merged list in strategic merge patch, as kube-apiserver produces it.
//
// Elements the patch names come in the order the patch asks for ($setElementOrder, else the
// order of the patch list itself); elements only the live object has keep their live order;
// the two groups are then interleaved: a live-only element goes before a patched one only
// when both are in the live list and it came first there. So a brand-new element lands in
// front of the live-only elements unless $setElementOrder places it.
// Pure function; thread-safe.
#pragma once

#include <nlohmann/json.hpp>
#include <string_view>

namespace upkeep::apiserver::patch {

// Reorders `merged` (a JSON array). Elements are identified by their `merge_key` value, or by
// themselves when `merge_key` is empty (lists of scalars). `wanted_order` and `live` are JSON
// arrays identified the same way.
nlohmann::json OrderMergedList(const nlohmann::json& merged, const nlohmann::json& wanted_order,
                               const nlohmann::json& live, std::string_view merge_key);

}  // namespace upkeep::apiserver::patch
