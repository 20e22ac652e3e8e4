// Table cells for CRD additionalPrinterColumns, as kube-apiserver's table convertor
// (apiextensions-apiserver .../customresource/tableconvertor) fills them from a column's
// JSONPath results. Only the first matched value is shown, even when the path matches
// several (`.status.conditions[*].type` shows the first type): that is what a real cluster
// prints, and kubectl users see the same column either way.
// Free functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace upkeep::apiserver {

// The text of a `type: string` cell: the first value printed by JsonPathValueText (JSON for
// objects and lists), "<no value>" for an explicit null, "" when nothing matched (the caller
// puts a null cell there; see CellForColumn).
std::string FormatForColumn(const std::vector<nlohmann::json>& values);

// The cell for a column of `column_type` (integer | number | boolean | string | date): null
// when nothing matched or the first value has the wrong type; integers are truncated from
// floats and numbers widened from integers, as the table convertor does. For "date" the
// RFC 3339 string is returned unchanged; turning it into an age ("5m") needs the caller's
// clock.
nlohmann::json CellForColumn(const std::vector<nlohmann::json>& values,
                             std::string_view column_type);

}  // namespace upkeep::apiserver
