#include "apiserver/meta/field_selector.h"

#include <algorithm>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

constexpr std::string_view kDefaultFields[] = {"metadata.name", "metadata.namespace"};

// Splits on commas that are not escaped; escapes stay in the terms for UnescapeValue.
std::vector<std::string> SplitTerms(std::string_view selector) {
  std::vector<std::string> terms;
  if (selector.empty()) return terms;
  size_t start = 0;
  bool in_slash = false;
  for (size_t i = 0; i < selector.size(); ++i) {
    char c = selector[i];
    if (in_slash) {
      in_slash = false;
    } else if (c == '\\') {
      in_slash = true;
    } else if (c == ',') {
      terms.emplace_back(selector.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.emplace_back(selector.substr(start));
  return terms;
}

// The first operator found left to right splits the term; "!=" and "==" win over "=" at the
// same position. The left side has no escapes.
bool SplitTerm(std::string_view term, std::string* lhs, std::string* op, std::string* rhs) {
  for (size_t i = 0; i < term.size(); ++i) {
    std::string_view remaining = term.substr(i);
    for (std::string_view candidate : {"!=", "==", "="}) {
      if (remaining.substr(0, candidate.size()) == candidate) {
        *lhs = std::string(term.substr(0, i));
        *op = std::string(candidate);
        *rhs = std::string(term.substr(i + candidate.size()));
        return true;
      }
    }
  }
  return false;
}

absl::Status UnescapeValue(std::string_view s, std::string* out) {
  out->clear();
  bool in_slash = false;
  for (char c : s) {
    if (in_slash) {
      if (c != '\\' && c != ',' && c != '=') {
        return BadRequestError(std::string("invalid field selector: invalid escape sequence: \\") +
                               c);
      }
      *out += c;
      in_slash = false;
      continue;
    }
    if (c == '\\') {
      in_slash = true;
    } else if (c == ',' || c == '=') {
      // Go prints the rune with %v, which is its code point number.
      return BadRequestError("invalid field selector: unescaped character in value: " +
                             std::to_string(static_cast<int>(c)));
    } else {
      *out += c;
    }
  }
  if (in_slash) {
    return BadRequestError("invalid field selector: invalid escape sequence: \\");
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<FieldSelector> FieldSelector::Parse(std::string_view text) {
  std::vector<std::string> parts = SplitTerms(text);
  std::sort(parts.begin(), parts.end());
  FieldSelector selector;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    std::string lhs, op, rhs;
    if (!SplitTerm(part, &lhs, &op, &rhs)) {
      return BadRequestError("invalid selector: '" + std::string(text) + "'; can't understand '" +
                             part + "'");
    }
    Requirement r{std::move(lhs), op != "!=", ""};
    if (absl::Status st = UnescapeValue(rhs, &r.value); !st.ok()) return st;
    selector.requirements_.push_back(std::move(r));
  }
  return selector;
}

absl::Status FieldSelector::CheckSupported(const std::vector<std::string>& extra_fields) const {
  for (const Requirement& r : requirements_) {
    bool known = std::find(std::begin(kDefaultFields), std::end(kDefaultFields), r.field) !=
                     std::end(kDefaultFields) ||
                 std::find(extra_fields.begin(), extra_fields.end(), r.field) !=
                     extra_fields.end();
    if (!known) return BadRequestError("field label not supported: " + r.field);
  }
  return absl::OkStatus();
}

bool FieldSelector::Matches(const nlohmann::json& object) const {
  for (const Requirement& r : requirements_) {
    bool equal = SelectableFieldValue(object, r.field) == r.value;
    if (equal != r.equals) return false;
  }
  return true;
}

std::optional<std::string> FieldSelector::RequiresExactMatch(std::string_view field) const {
  for (const Requirement& r : requirements_) {
    if (r.equals && r.field == field) return r.value;
  }
  return std::nullopt;
}

std::string SelectableFieldValue(const nlohmann::json& object, std::string_view dotted_path) {
  const nlohmann::json* current = &object;
  size_t start = 0;
  while (true) {
    size_t dot = dotted_path.find('.', start);
    std::string key(dotted_path.substr(
        start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (!current->is_object()) return "";
    auto it = current->find(key);
    if (it == current->end()) return "";
    current = &*it;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (current->is_string()) return current->get<std::string>();
  if (current->is_boolean()) return current->get<bool>() ? "true" : "false";
  if (current->is_number_integer()) return current->dump();
  if (current->is_null()) return "";
  return current->dump();
}

}  // namespace upkeep::apiserver
