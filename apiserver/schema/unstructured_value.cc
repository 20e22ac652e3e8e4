#include "apiserver/schema/unstructured_value.h"

#include <cmath>
#include <cstdint>
#include <limits>

namespace upkeep::apiserver::schema {

bool IsGoInteger(const nlohmann::json& value) {
  if (value.is_number_integer() && !value.is_number_unsigned()) return true;
  return value.is_number_unsigned() &&
         value.get<uint64_t>() <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
}

bool IsGoFloat(const nlohmann::json& value) { return value.is_number() && !IsGoInteger(value); }

double AsDouble(const nlohmann::json& value) {
  if (value.is_number_unsigned()) return static_cast<double>(value.get<uint64_t>());
  if (value.is_number_integer()) return static_cast<double>(value.get<int64_t>());
  return value.get<double>();
}

bool IsFloatAJsonInteger(double value) {
  constexpr double kMaxJsonFloat = 9007199254740992.0;  // 2^53
  if (std::isnan(value) || std::isinf(value) || value < -kMaxJsonFloat || value > kMaxJsonFloat) {
    return false;
  }
  return value == std::trunc(value);
}

bool GoDeepEqual(const nlohmann::json& a, const nlohmann::json& b) {
  if (a.is_number() && b.is_number()) {
    if (IsGoInteger(a) != IsGoInteger(b)) return false;
    if (IsGoInteger(a)) return AsDouble(a) == AsDouble(b) && a == b;
    return AsDouble(a) == AsDouble(b);
  }
  if (a.type() != b.type()) return false;
  if (a.is_array()) {
    if (a.size() != b.size()) return false;
    for (size_t i = 0; i < a.size(); ++i) {
      if (!GoDeepEqual(a[i], b[i])) return false;
    }
    return true;
  }
  if (a.is_object()) {
    if (a.size() != b.size()) return false;
    for (const auto& [key, item] : a.items()) {
      auto other = b.find(key);
      if (other == b.end() || !GoDeepEqual(item, *other)) return false;
    }
    return true;
  }
  return a == b;
}

}  // namespace upkeep::apiserver::schema
