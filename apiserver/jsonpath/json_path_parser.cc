// A parser for client-go's JSONPath templates, following util/jsonpath/parser.go closely so
// the same inputs are accepted and rejected with the same messages.
#include "apiserver/jsonpath/json_path_template.h"

#include <cctype>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include <absl/status/status.h>

namespace upkeep::apiserver {
namespace {

using Kind = JsonPathStep::Kind;

absl::Status SyntaxError(std::string message) {
  return absl::InvalidArgumentError(std::move(message));
}

bool IsTerminator(int c) {
  switch (c) {
    case -1: case ' ': case '\t': case '\r': case '\n':
    case '.': case ',': case '[': case ']': case '$': case '@': case '{': case '}':
      return true;
    default:
      return false;
  }
}

bool IsAlphaNumeric(int c) {
  // Non-ASCII bytes are letters of some UTF-8 encoded name.
  return c == '_' || (c >= 0x80) || std::isalnum(c);
}

// Go's %#U for the offending character, e.g. "U+0023 '#'".
std::string DescribeCharacter(unsigned char c) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "U+%04X '%c'", c, c);
  return buf;
}

bool ParseInt(std::string_view s, int64_t* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

void AppendUtf8(uint32_t code_point, std::string* out) {
  if (code_point < 0x80) {
    *out += static_cast<char>(code_point);
  } else if (code_point < 0x800) {
    *out += static_cast<char>(0xC0 | (code_point >> 6));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    *out += static_cast<char>(0xE0 | (code_point >> 12));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  } else {
    *out += static_cast<char>(0xF0 | (code_point >> 18));
    *out += static_cast<char>(0x80 | ((code_point >> 12) & 0x3F));
    *out += static_cast<char>(0x80 | ((code_point >> 6) & 0x3F));
    *out += static_cast<char>(0x80 | (code_point & 0x3F));
  }
}

// The body of a quoted literal with Go escapes resolved (UnquoteExtend); false on a bad escape.
bool Unquote(std::string_view body, std::string* out) {
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c != '\\') {
      *out += c;
      continue;
    }
    if (++i >= body.size()) return false;
    switch (body[i]) {
      case 'a': *out += '\a'; break;
      case 'b': *out += '\b'; break;
      case 'f': *out += '\f'; break;
      case 'n': *out += '\n'; break;
      case 'r': *out += '\r'; break;
      case 't': *out += '\t'; break;
      case 'v': *out += '\v'; break;
      case '\\': *out += '\\'; break;
      case '\'': *out += '\''; break;
      case '"': *out += '"'; break;
      case 'x':
      case 'u':
      case 'U': {
        size_t digits = body[i] == 'x' ? 2 : body[i] == 'u' ? 4 : 8;
        std::string_view hex = body.substr(i + 1, digits);
        if (hex.size() != digits) return false;
        uint32_t value = 0;
        auto [ptr, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), value, 16);
        if (ec != std::errc() || ptr != hex.data() + hex.size()) return false;
        if (digits == 2) {
          *out += static_cast<char>(value);
        } else {
          AppendUtf8(value, out);
        }
        i += digits;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

class TemplateParser {
 public:
  explicit TemplateParser(std::string_view input) : input_(input) {}

  absl::StatusOr<JsonPathTemplate> Parse() {
    JsonPathTemplate parsed;
    while (pos_ < input_.size()) {
      size_t open = input_.find('{', pos_);
      if (open == std::string_view::npos) {
        parsed.segments.push_back({false, std::string(input_.substr(pos_)), {}});
        break;
      }
      if (open > pos_) {
        parsed.segments.push_back({false, std::string(input_.substr(pos_, open - pos_)), {}});
      }
      pos_ = open + 1;
      JsonPathSegment action{true, "", {}};
      if (absl::Status st = ParseAction(&action.steps); !st.ok()) return st;
      parsed.segments.push_back(std::move(action));
    }
    return parsed;
  }

 private:
  int Next() { return pos_ < input_.size() ? static_cast<unsigned char>(input_[pos_++]) : -1; }
  int Peek() const { return pos_ < input_.size() ? static_cast<unsigned char>(input_[pos_]) : -1; }
  bool StartsWith(std::string_view prefix) const {
    return input_.substr(pos_, prefix.size()) == prefix;
  }

  // Steps up to and including the closing '}'.
  absl::Status ParseAction(JsonPathSteps* steps) {
    while (true) {
      if (StartsWith("}")) {
        ++pos_;
        return absl::OkStatus();
      }
      if (StartsWith("[?(")) {
        if (absl::Status st = ParseFilter(steps); !st.ok()) return st;
        continue;
      }
      if (StartsWith("..")) {
        if (!steps->empty() && steps->back().kind == Kind::kRecursive) {
          return SyntaxError("invalid multiple recursive descent");
        }
        pos_ += 2;
        steps->emplace_back(Kind::kRecursive);
        if (IsAlphaNumeric(Peek())) ParseField(steps);
        continue;
      }
      int c = Next();
      if (c == -1 || c == '\r' || c == '\n') return SyntaxError("unclosed action");
      if (c == ' ' || c == '@' || c == '$') continue;  // '@' and '$' name the current object
      absl::Status st = absl::OkStatus();
      if (c == '[') {
        st = ParseArray(steps);
      } else if (c == '"' || c == '\'') {
        st = ParseQuote(steps, static_cast<char>(c));
      } else if (c == '.') {
        ParseField(steps);
      } else if (c == '+' || c == '-' || std::isdigit(c)) {
        --pos_;
        st = ParseNumber(steps);
      } else if (IsAlphaNumeric(c)) {
        --pos_;
        st = ParseIdentifier(steps);
      } else {
        return SyntaxError("unrecognized character in action: " +
                           DescribeCharacter(static_cast<unsigned char>(c)));
      }
      if (!st.ok()) return st;
    }
  }

  // A field name after '.', up to the next unescaped terminator; backslashes are dropped so
  // `.kubernetes\.io/name` names the key "kubernetes.io/name".
  void ParseField(JsonPathSteps* steps) {
    std::string name;
    while (true) {
      int c = Peek();
      if (c == '\\') {
        ++pos_;
        int escaped = Next();
        if (escaped != -1) name += static_cast<char>(escaped);
        continue;
      }
      if (IsTerminator(c)) break;
      name += static_cast<char>(c);
      ++pos_;
    }
    if (name == "*") {
      steps->emplace_back(Kind::kWildcard);
    } else {
      JsonPathStep step{Kind::kField};
      step.text = std::move(name);
      steps->push_back(std::move(step));
    }
  }

  absl::Status ParseIdentifier(JsonPathSteps* steps) {
    size_t start = pos_;
    while (!IsTerminator(Peek())) ++pos_;
    std::string word(input_.substr(start, pos_ - start));
    if (word == "true" || word == "false") {
      JsonPathStep step{Kind::kBoolean};
      step.boolean = word == "true";
      steps->push_back(std::move(step));
      return absl::OkStatus();
    }
    return SyntaxError("unrecognized identifier " + word);
  }

  absl::Status ParseNumber(JsonPathSteps* steps) {
    size_t start = pos_;
    if (Peek() == '+' || Peek() == '-') ++pos_;
    while (Peek() == '.' || (Peek() >= '0' && Peek() <= '9')) ++pos_;
    std::string text(input_.substr(start, pos_ - start));
    int64_t integer;
    if (ParseInt(text, &integer)) {
      JsonPathStep step{Kind::kInteger};
      step.integer = integer;
      steps->push_back(std::move(step));
      return absl::OkStatus();
    }
    char* end = nullptr;
    double number = std::strtod(text.c_str(), &end);
    if (!text.empty() && end == text.c_str() + text.size()) {
      JsonPathStep step{Kind::kFloat};
      step.number = number;
      steps->push_back(std::move(step));
      return absl::OkStatus();
    }
    return SyntaxError("cannot parse number " + text);
  }

  absl::Status ParseQuote(JsonPathSteps* steps, char quote) {
    size_t start = pos_;
    while (true) {
      int c = Next();
      if (c == -1 || c == '\n') return SyntaxError("unterminated quoted string");
      if (c == quote && input_[pos_ - 2] != '\\') break;
    }
    std::string_view body = input_.substr(start, pos_ - start - 1);
    JsonPathStep step{Kind::kText};
    if (!Unquote(body, &step.text)) {
      return SyntaxError("unquote string " + std::string(quote + std::string(body) + quote) +
                         " error invalid syntax");
    }
    steps->push_back(std::move(step));
    return absl::OkStatus();
  }

  // After '[': an index, slice, quoted key or union, up to ']'.
  absl::Status ParseArray(JsonPathSteps* steps) {
    size_t start = pos_;
    while (true) {
      int c = Next();
      if (c == -1 || c == '\n') return SyntaxError("unterminated array");
      if (c == ']') break;
    }
    std::string text(input_.substr(start, pos_ - start - 1));
    if (text == "*") text = ":";

    if (text.find(',') != std::string::npos) {
      JsonPathStep union_step{Kind::kUnion};
      size_t from = 0;
      while (true) {
        size_t comma = text.find(',', from);
        std::string part = text.substr(from, comma == std::string::npos ? comma : comma - from);
        size_t first = part.find_first_not_of(' ');
        size_t last = part.find_last_not_of(' ');
        part = first == std::string::npos ? "" : part.substr(first, last - first + 1);
        absl::StatusOr<JsonPathSteps> branch = ParseExpression("[" + part + "]");
        if (!branch.ok()) return branch.status();
        union_step.operands.push_back(*std::move(branch));
        if (comma == std::string::npos) break;
        from = comma + 1;
      }
      steps->push_back(std::move(union_step));
      return absl::OkStatus();
    }

    // ['key'] names one key, dots and all. client-go splits such a key at its dots, which
    // makes `['app.kubernetes.io/name']` find nothing; taking it literally is what users
    // mean, and `\.` escapes are still removed for expressions written for kubectl.
    if (text.size() >= 2 && (text.front() == '\'' || text.front() == '"') &&
        text.back() == text.front() &&
        text.find(text.front(), 1) == text.size() - 1) {
      JsonPathStep step{Kind::kField};
      for (size_t i = 1; i + 1 < text.size(); ++i) {
        if (text[i] != '\\') step.text += text[i];
      }
      steps->push_back(std::move(step));
      return absl::OkStatus();
    }

    return ParseSlice(text, steps);
  }

  // [start:end:step] with every part optional, or a single index [n].
  absl::Status ParseSlice(const std::string& text, JsonPathSteps* steps) {
    std::vector<std::string> parts;
    size_t from = 0;
    while (true) {
      size_t colon = text.find(':', from);
      parts.push_back(text.substr(from, colon == std::string::npos ? colon : colon - from));
      if (colon == std::string::npos) break;
      from = colon + 1;
    }
    auto well_formed = [](const std::string& p) {
      size_t i = !p.empty() && p[0] == '-' ? 1 : 0;
      for (; i < p.size(); ++i) {
        if (!std::isdigit(static_cast<unsigned char>(p[i]))) return false;
      }
      return true;
    };
    if (parts.size() > 3) return SyntaxError("invalid array index " + text);
    for (const std::string& p : parts) {
      if (!well_formed(p)) return SyntaxError("invalid array index " + text);
    }
    JsonPathStep step{Kind::kSlice};
    std::optional<int64_t>* bounds[3] = {&step.start, &step.end, &step.step};
    for (size_t i = 0; i < parts.size(); ++i) {
      if (parts[i].empty()) continue;
      int64_t value;
      if (!ParseInt(parts[i], &value)) {
        return SyntaxError("array index " + parts[i] + " is not a number");
      }
      *bounds[i] = value;
    }
    if (parts.size() == 1) {
      step.end = step.start.value_or(0) + 1;
      step.end_follows_start = true;
    }
    if (step.step.has_value() && *step.step <= 0) {
      return SyntaxError("invalid array index " + text);
    }
    steps->push_back(std::move(step));
    return absl::OkStatus();
  }

  // After "[?(": the condition up to the ')' outside quotes, then ']'.
  absl::Status ParseFilter(JsonPathSteps* steps) {
    pos_ += 3;
    size_t start = pos_;
    bool begin = false;
    bool end = false;
    char pair = 0;
    while (true) {
      int c = Next();
      if (c == -1 || c == '\n') return SyntaxError("unterminated filter");
      if (c == '"' || c == '\'') {
        if (!begin) {
          begin = true;
          pair = static_cast<char>(c);
          continue;
        }
        if (input_[pos_ - 2] != '\\' && c == pair) end = true;
      } else if (c == ')' && begin == end) {
        break;
      }
    }
    if (Next() != ']') return SyntaxError("unclosed array expect ]");
    std::string condition(input_.substr(start, pos_ - start - 2));

    JsonPathStep filter{Kind::kFilter};
    auto is_operator_char = [](char c) { return c == '!' || c == '<' || c == '>' || c == '='; };
    size_t op_start = 0;
    while (op_start < condition.size() && !is_operator_char(condition[op_start])) ++op_start;
    size_t op_end = op_start;
    while (op_end < condition.size() && is_operator_char(condition[op_end])) ++op_end;
    if (op_start == 0 || op_start == condition.size() || op_end == condition.size()) {
      absl::StatusOr<JsonPathSteps> operand = ParseExpression(condition);
      if (!operand.ok()) return operand.status();
      filter.filter_operator = "exists";
      filter.operands.push_back(*std::move(operand));
    } else {
      filter.filter_operator = condition.substr(op_start, op_end - op_start);
      static constexpr std::string_view kOperators[] = {"==", "!=", "<", "<=", ">", ">="};
      bool known = false;
      for (std::string_view op : kOperators) known = known || filter.filter_operator == op;
      if (!known) return SyntaxError("unrecognized filter operator " + filter.filter_operator);
      for (const std::string& side :
           {condition.substr(0, op_start), condition.substr(op_end)}) {
        absl::StatusOr<JsonPathSteps> operand = ParseExpression(side);
        if (!operand.ok()) return operand.status();
        filter.operands.push_back(*std::move(operand));
      }
    }
    steps->push_back(std::move(filter));
    return absl::OkStatus();
  }

  // One action's steps from text that has no braces of its own (parseAction in client-go).
  static absl::StatusOr<JsonPathSteps> ParseExpression(const std::string& text) {
    absl::StatusOr<JsonPathTemplate> parsed = TemplateParser("{" + text + "}").Parse();
    if (!parsed.ok()) return parsed.status();
    for (JsonPathSegment& segment : parsed->segments) {
      if (segment.is_action) return std::move(segment.steps);
    }
    return JsonPathSteps{};
  }

  std::string_view input_;
  size_t pos_ = 0;
};

}  // namespace

absl::StatusOr<JsonPathTemplate> ParseJsonPathTemplate(std::string_view text) {
  return TemplateParser(text).Parse();
}

}  // namespace upkeep::apiserver
