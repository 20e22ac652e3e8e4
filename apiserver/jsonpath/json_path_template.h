// The parsed form of a JsonPath: literal text and actions, each action a list of steps.
// Internal to the jsonpath component (shared by its parser and evaluator).
// Value types; immutable once parsed.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <absl/status/statusor.h>

namespace upkeep::apiserver {

struct JsonPathStep;
using JsonPathSteps = std::vector<JsonPathStep>;

struct JsonPathStep {
  enum class Kind {
    kText,       // a quoted string literal
    kField,      // .name or ['name']
    kSlice,      // [n], [a:b], [a:b:c], [*]
    kWildcard,   // .*
    kRecursive,  // ..
    kFilter,     // [?(left op right)] or [?(left)]
    kUnion,      // [a,b]
    kInteger,    // literal number in a filter
    kFloat,
    kBoolean,
  };

  explicit JsonPathStep(Kind step_kind) : kind(step_kind) {}

  Kind kind;
  std::string text;  // kText value; kField name
  // kSlice bounds; nullopt means "from the start", "to the end", "step 1".
  std::optional<int64_t> start, end, step;
  bool end_follows_start = false;  // kSlice written as [n]: end is n+1
  int64_t integer = 0;
  double number = 0;
  bool boolean = false;
  std::string filter_operator;            // kFilter: "==", "!=", "<", "<=", ">", ">=", "exists"
  std::vector<JsonPathSteps> operands;    // kFilter: {left, right}; kUnion: branches
};

struct JsonPathSegment {
  bool is_action;
  std::string text;     // literal text when !is_action
  JsonPathSteps steps;  // when is_action
};

struct JsonPathTemplate {
  std::vector<JsonPathSegment> segments;
};

// Parses a template in client-go's syntax (actions inside `{}`).
absl::StatusOr<JsonPathTemplate> ParseJsonPathTemplate(std::string_view text);

}  // namespace upkeep::apiserver
