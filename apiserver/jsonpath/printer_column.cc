#include "apiserver/jsonpath/printer_column.h"

#include <cstdint>

#include "apiserver/jsonpath/value_text.h"

namespace upkeep::apiserver {

std::string FormatForColumn(const std::vector<nlohmann::json>& values) {
  if (values.empty()) return "";
  // The table convertor prints a nil interface, which Go's template printer calls
  // "<no value>" (unlike kubectl's "<nil>" for a null inside a result list).
  if (values.front().is_null()) return "<no value>";
  return JsonPathValueText(values.front());
}

nlohmann::json CellForColumn(const std::vector<nlohmann::json>& values,
                             std::string_view column_type) {
  if (values.empty()) return nullptr;
  const nlohmann::json& value = values.front();
  if (column_type == "string") return FormatForColumn(values);
  if (value.is_null()) return nullptr;
  if (column_type == "integer") {
    if (value.is_number_float()) return static_cast<int64_t>(value.get<double>());
    if (value.is_number()) return value;
    return nullptr;
  }
  if (column_type == "number") {
    if (value.is_number()) return value.get<double>();
    return nullptr;
  }
  if (column_type == "boolean") {
    return value.is_boolean() ? value : nlohmann::json(nullptr);
  }
  if (column_type == "date") {
    return value.is_string() ? value : nlohmann::json(nullptr);
  }
  return nullptr;
}

}  // namespace upkeep::apiserver
