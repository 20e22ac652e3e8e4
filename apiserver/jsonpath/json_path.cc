#include "apiserver/jsonpath/json_path.h"

#include <deque>

#include <absl/status/status.h>

#include "apiserver/jsonpath/json_path_template.h"
#include "apiserver/jsonpath/value_text.h"

namespace upkeep::apiserver {
namespace {

using Kind = JsonPathStep::Kind;
using nlohmann::json;

// Results point into the evaluated object; literals from the expression live in `literals`,
// which a deque keeps at stable addresses.
class Evaluator {
 public:
  using Values = std::vector<const json*>;

  absl::StatusOr<Values> EvalSteps(Values input, const JsonPathSteps& steps) {
    for (const JsonPathStep& step : steps) {
      absl::StatusOr<Values> next = EvalStep(input, step);
      if (!next.ok()) return next.status();
      input = *std::move(next);
    }
    return input;
  }

 private:
  const json* Literal(json value) {
    literals_.push_back(std::move(value));
    return &literals_.back();
  }

  absl::StatusOr<Values> EvalStep(const Values& input, const JsonPathStep& step) {
    switch (step.kind) {
      case Kind::kText:
        return Values{Literal(step.text)};
      case Kind::kInteger:
        return Values(input.size(), Literal(step.integer));
      case Kind::kFloat:
        return Values(input.size(), Literal(step.number));
      case Kind::kBoolean:
        return Values(input.size(), Literal(step.boolean));
      case Kind::kField:
        return Field(input, step.text);
      case Kind::kSlice:
        return Slice(input, step);
      case Kind::kWildcard:
        return Children(input);
      case Kind::kRecursive:
        return Recursive(input);
      case Kind::kFilter:
        return Filter(input, step);
      case Kind::kUnion: {
        Values out;
        for (const JsonPathSteps& branch : step.operands) {
          absl::StatusOr<Values> part = EvalSteps(input, branch);
          if (!part.ok()) return part.status();
          out.insert(out.end(), part->begin(), part->end());
        }
        return out;
      }
    }
    return absl::InternalError("unknown JSONPath step");
  }

  // Missing keys give nothing (AllowMissingKeys); an empty name is the value itself, so
  // `{.}` prints the whole object.
  static Values Field(const Values& input, const std::string& name) {
    Values out;
    for (const json* v : input) {
      if (name.empty()) {
        out.push_back(v);
        continue;
      }
      if (!v->is_object()) continue;
      auto it = v->find(name);
      if (it != v->end()) out.push_back(&*it);
    }
    return out;
  }

  static absl::StatusOr<Values> Slice(const Values& input, const JsonPathStep& step) {
    Values out;
    for (const json* v : input) {
      if (v->is_null()) continue;
      if (!v->is_array()) {
        return absl::InvalidArgumentError(std::string(v->type_name()) +
                                          " is not array or slice");
      }
      int64_t length = static_cast<int64_t>(v->size());
      int64_t start = step.start.value_or(0);
      if (start < 0) start += length;
      int64_t end = step.end.value_or(length);
      // [-1] is stored as start -1, end 0; that end means "one past start", not index 0.
      if (end < 0 || (end == 0 && step.end_follows_start)) end += length;
      if (end != start) {
        if (start < 0 || start >= length) {
          return absl::OutOfRangeError("array index out of bounds: index " +
                                       std::to_string(start) + ", length " +
                                       std::to_string(length));
        }
        if (end > length) {
          return absl::OutOfRangeError("array index out of bounds: index " +
                                       std::to_string(end - 1) + ", length " +
                                       std::to_string(length));
        }
      }
      int64_t stride = step.step.value_or(1);
      for (int64_t i = start; i < end; i += stride) out.push_back(&(*v)[i]);
    }
    return out;
  }

  // Object values in key order, or list items.
  static Values Children(const Values& input) {
    Values out;
    for (const json* v : input) {
      if (v->is_object() || v->is_array()) {
        for (const json& child : *v) out.push_back(&child);
      }
    }
    return out;
  }

  // Every object and list at or below the inputs, parents before children.
  static Values Recursive(const Values& input) {
    Values out;
    for (const json* v : input) {
      if ((!v->is_object() && !v->is_array()) || v->empty()) continue;
      out.push_back(v);
      Values below = Recursive(Children({v}));
      out.insert(out.end(), below.begin(), below.end());
    }
    return out;
  }

  absl::StatusOr<Values> Filter(const Values& input, const JsonPathStep& step) {
    Values out;
    for (const json* v : input) {
      if (!v->is_array()) {
        return absl::InvalidArgumentError(v->dump() + " is not array or slice and cannot be "
                                          "filtered");
      }
      for (const json& item : *v) {
        absl::StatusOr<Values> lefts = EvalSteps({&item}, step.operands[0]);
        if (!lefts.ok()) return lefts.status();
        if (step.filter_operator == "exists") {
          if (!lefts->empty()) out.push_back(&item);
          continue;
        }
        absl::StatusOr<Values> rights = EvalSteps({&item}, step.operands[1]);
        if (!rights.ok()) return rights.status();
        // client-go fails the whole evaluation when an item lacks the compared field; skipping
        // that item instead keeps `[?(@.reason=="X")]` usable on lists where reason is
        // optional.
        if (lefts->size() != 1 || rights->size() != 1) continue;
        if (Compare(*(*lefts)[0], step.filter_operator, *(*rights)[0])) out.push_back(&item);
      }
    }
    return out;
  }

  // Numbers compare as numbers, strings as bytes, booleans only for (in)equality; values of
  // different types never pass.
  static bool Compare(const json& left, const std::string& op, const json& right) {
    int order;
    if (left.is_number() && right.is_number()) {
      if (left.is_number_float() || right.is_number_float()) {
        double l = left.get<double>(), r = right.get<double>();
        order = l < r ? -1 : (l > r ? 1 : 0);
      } else if (left.is_number_unsigned() || right.is_number_unsigned()) {
        // Only reached for values above INT64_MAX; compare as doubles.
        double l = left.get<double>(), r = right.get<double>();
        order = l < r ? -1 : (l > r ? 1 : 0);
      } else {
        int64_t l = left.get<int64_t>(), r = right.get<int64_t>();
        order = l < r ? -1 : (l > r ? 1 : 0);
      }
    } else if (left.is_string() && right.is_string()) {
      int c = left.get_ref<const std::string&>().compare(right.get_ref<const std::string&>());
      order = c < 0 ? -1 : (c > 0 ? 1 : 0);
    } else if (left.is_boolean() && right.is_boolean()) {
      if (op == "==") return left == right;
      if (op == "!=") return left != right;
      return false;
    } else {
      return false;
    }
    if (op == "==") return order == 0;
    if (op == "!=") return order != 0;
    if (op == "<") return order < 0;
    if (op == "<=") return order <= 0;
    if (op == ">") return order > 0;
    if (op == ">=") return order >= 0;
    return false;
  }

  std::deque<json> literals_;
};

}  // namespace

absl::StatusOr<JsonPath> JsonPath::Parse(std::string_view expr) {
  // Printer columns are written without braces; kube-apiserver wraps them the same way.
  std::string text(expr);
  if (text.find('{') == std::string::npos && !text.empty()) text = "{" + text + "}";
  absl::StatusOr<JsonPathTemplate> parsed = ParseJsonPathTemplate(text);
  if (!parsed.ok()) return parsed.status();
  return JsonPath(std::string(expr),
                  std::make_shared<const JsonPathTemplate>(*std::move(parsed)));
}

std::vector<json> JsonPath::Evaluate(const json& object) const {
  Evaluator evaluator;
  std::vector<json> out;
  for (const JsonPathSegment& segment : parsed_->segments) {
    if (!segment.is_action) continue;
    absl::StatusOr<Evaluator::Values> values = evaluator.EvalSteps({&object}, segment.steps);
    if (!values.ok()) return {};
    for (const json* v : *values) out.push_back(*v);
  }
  return out;
}

std::string JsonPath::Render(const json& object) const {
  Evaluator evaluator;
  std::string out;
  for (const JsonPathSegment& segment : parsed_->segments) {
    if (!segment.is_action) {
      out += segment.text;
      continue;
    }
    absl::StatusOr<Evaluator::Values> values = evaluator.EvalSteps({&object}, segment.steps);
    if (!values.ok()) return "";
    for (size_t i = 0; i < values->size(); ++i) {
      if (i > 0) out += ' ';
      out += JsonPathValueText(*(*values)[i]);
    }
  }
  return out;
}

}  // namespace upkeep::apiserver
