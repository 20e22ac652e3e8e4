#include "apiserver/patch/list_element_order.h"

#include <algorithm>
#include <string>
#include <vector>

namespace upkeep::apiserver::patch {
namespace {

using nlohmann::json;

json Identity(const json& element, std::string_view merge_key) {
  if (merge_key.empty()) return element;
  if (!element.is_object()) return nullptr;
  auto it = element.find(std::string(merge_key));
  return it == element.end() ? json(nullptr) : *it;
}

// Position of `element` in `list`, or -1.
long IndexIn(const json& list, const json& element, std::string_view merge_key) {
  json identity = Identity(element, merge_key);
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (Identity(list[i], merge_key) == identity) return static_cast<long>(i);
  }
  return -1;
}

void SortByIndexIn(std::vector<json>& elements, const json& order, std::string_view merge_key) {
  auto rank = [&](const json& element) {
    long index = IndexIn(order, element, merge_key);
    return index < 0 ? static_cast<long>(order.size()) : index;
  };
  std::stable_sort(elements.begin(), elements.end(),
                   [&](const json& a, const json& b) { return rank(a) < rank(b); });
}

}  // namespace

json OrderMergedList(const json& merged, const json& wanted_order, const json& live,
                     std::string_view merge_key) {
  std::vector<json> patched;
  std::vector<json> live_only;
  for (const json& element : merged) {
    (IndexIn(wanted_order, element, merge_key) >= 0 ? patched : live_only).push_back(element);
  }
  SortByIndexIn(patched, wanted_order, merge_key);
  SortByIndexIn(live_only, live, merge_key);

  json ordered = json::array();
  std::size_t l = 0;
  std::size_t p = 0;
  while (l < live_only.size() || p < patched.size()) {
    bool take_live = false;
    if (p == patched.size()) {
      take_live = true;
    } else if (l < live_only.size()) {
      long live_index = IndexIn(live, live_only[l], merge_key);
      long patched_index = IndexIn(live, patched[p], merge_key);
      take_live = live_index >= 0 && patched_index >= 0 && live_index < patched_index;
    }
    ordered.push_back(take_live ? live_only[l++] : patched[p++]);
  }
  return ordered;
}

}  // namespace upkeep::apiserver::patch
