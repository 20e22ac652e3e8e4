#include "apiserver/meta/label_selector.h"

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <set>
#include <tuple>
#include <utility>

#include "apiserver/api/api_status.h"
#include "apiserver/meta/field_errors.h"
#include "apiserver/meta/name_formats.h"

namespace upkeep::apiserver {
namespace {

using Operator = LabelSelector::Operator;
using Requirement = LabelSelector::Requirement;

// ---- Lexer (mirrors labels.Lexer token for token, so error messages name the same text).

enum class Token {
  kError,
  kEndOfString,
  kClosedPar,
  kComma,
  kDoesNotExist,
  kDoubleEquals,
  kEquals,
  kGreaterThan,
  kIdentifier,
  kIn,
  kLessThan,
  kNotEquals,
  kNotIn,
  kOpenPar,
};

struct ScannedItem {
  Token tok;
  std::string literal;
};

bool LiteralToken(std::string_view s, Token* tok) {
  static const std::pair<std::string_view, Token> kTokens[] = {
      {")", Token::kClosedPar},     {",", Token::kComma},     {"!", Token::kDoesNotExist},
      {"==", Token::kDoubleEquals}, {"=", Token::kEquals},    {">", Token::kGreaterThan},
      {"in", Token::kIn},           {"<", Token::kLessThan},  {"!=", Token::kNotEquals},
      {"notin", Token::kNotIn},     {"(", Token::kOpenPar},
  };
  for (const auto& [text, token] : kTokens) {
    if (s == text) {
      *tok = token;
      return true;
    }
  }
  return false;
}

bool IsWhitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

bool IsSpecialSymbol(char c) {
  switch (c) {
    case '=': case '!': case '(': case ')': case ',': case '>': case '<':
      return true;
    default:
      return false;
  }
}

std::vector<ScannedItem> Scan(std::string_view s) {
  std::vector<ScannedItem> items;
  size_t pos = 0;
  while (true) {
    while (pos < s.size() && IsWhitespace(s[pos])) ++pos;
    if (pos >= s.size()) {
      items.push_back({Token::kEndOfString, ""});
      return items;
    }
    if (IsSpecialSymbol(s[pos])) {
      // Longest run of symbols that still forms a known operator ("!=" rather than "!").
      std::string buffer;
      ScannedItem last{Token::kError, ""};
      while (pos < s.size() && IsSpecialSymbol(s[pos])) {
        buffer += s[pos];
        Token tok;
        if (LiteralToken(buffer, &tok)) {
          last = {tok, buffer};
        } else if (last.tok != Token::kError) {
          break;
        }
        ++pos;
      }
      if (last.tok == Token::kError) {
        last.literal = "error expected: keyword found '" + buffer + "'";
      }
      items.push_back(std::move(last));
      continue;
    }
    size_t start = pos;
    while (pos < s.size() && !IsSpecialSymbol(s[pos]) && !IsWhitespace(s[pos])) ++pos;
    std::string literal(s.substr(start, pos - start));
    Token tok;
    if (LiteralToken(literal, &tok)) {
      items.push_back({tok, literal});
    } else {
      items.push_back({Token::kIdentifier, literal});
    }
  }
}

// ---- Requirement validation (labels.NewRequirement with a nil field path).

bool ParseGoInt64(std::string_view s, int64_t* out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  if (s.empty()) return false;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && ptr == s.data() + s.size();
}

std::string JoinMessages(const std::vector<std::string>& msgs, std::string_view sep) {
  std::string out;
  for (const std::string& m : msgs) {
    if (!out.empty()) out += sep;
    out += m;
  }
  return out;
}

// utilerrors.NewAggregate(...).Error(): one message as is, several de-duplicated in "[a, b]".
std::string AggregateMessage(const std::vector<std::string>& msgs) {
  if (msgs.size() == 1) return msgs[0];
  std::set<std::string> seen;
  std::string out;
  for (const std::string& m : msgs) {
    if (!seen.insert(m).second) continue;
    if (seen.size() > 1) out += ", ";
    out += m;
  }
  return seen.size() == 1 ? out : "[" + out + "]";
}

std::string KeyError(std::string field, std::string_view key) {
  std::vector<std::string> msgs = IsQualifiedName(key);
  if (msgs.empty()) return "";
  return FieldInvalid(std::move(field), key, JoinMessages(msgs, "; ")).ToString();
}

nlohmann::ordered_json ValuesJson(const std::vector<std::string>& values) {
  // Go marshals a nil []string as null; requirements built without values carry nil.
  if (values.empty()) return nullptr;
  return nlohmann::ordered_json(values);
}

// Empty string when the requirement is valid, else the aggregated message.
std::string RequirementError(const std::string& key, Operator op,
                             const std::vector<std::string>& values) {
  std::vector<std::string> errs;
  if (std::string e = KeyError("key", key); !e.empty()) errs.push_back(e);
  switch (op) {
    case Operator::kIn:
    case Operator::kNotIn:
      if (values.empty()) {
        errs.push_back(FieldInvalidJson("values", ValuesJson(values),
                                        "for 'in', 'notin' operators, values set can't be "
                                        "empty")
                           .ToString());
      }
      break;
    case Operator::kEquals:
    case Operator::kDoubleEquals:
    case Operator::kNotEquals:
      if (values.size() != 1) {
        errs.push_back(FieldInvalidJson("values", ValuesJson(values),
                                        "exact-match compatibility requires one single value")
                           .ToString());
      }
      break;
    case Operator::kExists:
    case Operator::kDoesNotExist:
      if (!values.empty()) {
        errs.push_back(FieldInvalidJson("values", ValuesJson(values),
                                        "values set must be empty for exists and does not "
                                        "exist")
                           .ToString());
      }
      break;
    case Operator::kGreaterThan:
    case Operator::kLessThan:
      if (values.size() != 1) {
        errs.push_back(FieldInvalidJson("values", ValuesJson(values),
                                        "for 'Gt', 'Lt' operators, exactly one value is "
                                        "required")
                           .ToString());
      }
      for (size_t i = 0; i < values.size(); ++i) {
        int64_t ignored;
        if (!ParseGoInt64(values[i], &ignored)) {
          errs.push_back(FieldInvalid("values[" + std::to_string(i) + "]", values[i],
                                      "for 'Gt', 'Lt' operators, the value must be an integer")
                             .ToString());
        }
      }
      break;
  }
  for (size_t i = 0; i < values.size(); ++i) {
    std::vector<std::string> msgs = IsValidLabelValue(values[i]);
    if (!msgs.empty()) {
      errs.push_back(FieldInvalid("values[" + std::to_string(i) + "][" + key + "]", values[i],
                                  JoinMessages(msgs, "; "))
                         .ToString());
    }
  }
  return errs.empty() ? "" : AggregateMessage(errs);
}

// Sorted and de-duplicated, like the sets.String Kubernetes collects values in.
std::vector<std::string> SortedUnique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

// ---- Parser (labels.Parser): recursive descent over the scanned items.

enum class Context { kKeyAndOperator, kValues };

class Parser {
 public:
  explicit Parser(std::string_view text) : items_(Scan(text)) {}

  // Fills `out` or returns the error message.
  std::string Parse(std::vector<Requirement>* out) {
    while (true) {
      auto [tok, lit] = Lookahead(Context::kValues);
      switch (tok) {
        case Token::kIdentifier:
        case Token::kDoesNotExist: {
          Requirement r;
          if (std::string err = ParseRequirement(&r); !err.empty()) {
            return "unable to parse requirement: " + err;
          }
          out->push_back(std::move(r));
          auto [t, l] = Consume(Context::kValues);
          if (t == Token::kEndOfString) return "";
          if (t == Token::kComma) {
            auto [t2, l2] = Lookahead(Context::kValues);
            if (t2 != Token::kIdentifier && t2 != Token::kDoesNotExist) {
              return "found '" + l2 + "', expected: identifier after ','";
            }
            break;
          }
          return "found '" + l + "', expected: ',' or 'end of string'";
        }
        case Token::kEndOfString:
          return "";
        default:
          return "found '" + lit + "', expected: !, identifier, or 'end of string'";
      }
    }
  }

 private:
  std::pair<Token, std::string> Lookahead(Context context) const {
    const ScannedItem& item = items_[std::min(position_, items_.size() - 1)];
    return {Adjust(item.tok, context), item.literal};
  }

  std::pair<Token, std::string> Consume(Context context) {
    auto result = Lookahead(context);
    if (position_ < items_.size() - 1) ++position_;
    return result;
  }

  // "in" and "notin" are ordinary words where values are expected: `x in (in)`.
  static Token Adjust(Token tok, Context context) {
    if (context == Context::kValues && (tok == Token::kIn || tok == Token::kNotIn)) {
      return Token::kIdentifier;
    }
    return tok;
  }

  std::string ParseRequirement(Requirement* r) {
    bool does_not_exist = false;
    auto [tok, literal] = Consume(Context::kValues);
    if (tok == Token::kDoesNotExist) {
      does_not_exist = true;
      std::tie(tok, literal) = Consume(Context::kValues);
    }
    if (tok != Token::kIdentifier) return "found '" + literal + "', expected: identifier";
    // The parser's own field path is nil, which Go prints as "<nil>".
    if (std::string err = KeyError("<nil>", literal); !err.empty()) return err;
    r->key = literal;
    auto [next, unused] = Lookahead(Context::kValues);
    if (does_not_exist || next == Token::kEndOfString || next == Token::kComma) {
      r->op = does_not_exist ? Operator::kDoesNotExist : Operator::kExists;
      return RequirementError(r->key, r->op, r->values);
    }
    if (std::string err = ParseOperator(&r->op); !err.empty()) return err;
    std::string err = (r->op == Operator::kIn || r->op == Operator::kNotIn)
                          ? ParseValues(&r->values)
                          : ParseExactValue(&r->values);
    if (!err.empty()) return err;
    r->values = SortedUnique(std::move(r->values));
    return RequirementError(r->key, r->op, r->values);
  }

  std::string ParseOperator(Operator* op) {
    auto [tok, lit] = Consume(Context::kKeyAndOperator);
    switch (tok) {
      case Token::kIn: *op = Operator::kIn; return "";
      case Token::kEquals: *op = Operator::kEquals; return "";
      case Token::kDoubleEquals: *op = Operator::kDoubleEquals; return "";
      case Token::kGreaterThan: *op = Operator::kGreaterThan; return "";
      case Token::kLessThan: *op = Operator::kLessThan; return "";
      case Token::kNotIn: *op = Operator::kNotIn; return "";
      case Token::kNotEquals: *op = Operator::kNotEquals; return "";
      default:
        return "found '" + lit + "', expected: in, notin, =, ==, !=, gt, lt";
    }
  }

  std::string ParseValues(std::vector<std::string>* values) {
    auto [tok, lit] = Consume(Context::kValues);
    if (tok != Token::kOpenPar) return "found '" + lit + "' expected: '('";
    std::tie(tok, lit) = Lookahead(Context::kValues);
    switch (tok) {
      case Token::kIdentifier:
      case Token::kComma: {
        if (std::string err = ParseIdentifiersList(values); !err.empty()) return err;
        // Kubernetes reports the token seen before the list here, not the one at fault.
        if (Consume(Context::kValues).first != Token::kClosedPar) {
          return "found '" + lit + "', expected: ')'";
        }
        return "";
      }
      case Token::kClosedPar:
        Consume(Context::kValues);
        values->push_back("");
        return "";
      default:
        return "found '" + lit + "', expected: ',', ')' or identifier";
    }
  }

  // A possibly empty list of possibly empty values: "(a,,b)", "(,a)", "(a,)".
  std::string ParseIdentifiersList(std::vector<std::string>* values) {
    while (true) {
      auto [tok, lit] = Consume(Context::kValues);
      switch (tok) {
        case Token::kIdentifier: {
          values->push_back(lit);
          auto [tok2, lit2] = Lookahead(Context::kValues);
          if (tok2 == Token::kComma) continue;
          if (tok2 == Token::kClosedPar) return "";
          return "found '" + lit2 + "', expected: ',' or ')'";
        }
        case Token::kComma: {
          if (values->empty()) values->push_back("");
          auto [tok2, unused] = Lookahead(Context::kValues);
          if (tok2 == Token::kClosedPar) {
            values->push_back("");
            return "";
          }
          if (tok2 == Token::kComma) {
            Consume(Context::kValues);
            values->push_back("");
          }
          break;
        }
        default:
          return "found '" + lit + "', expected: ',', or identifier";
      }
    }
  }

  std::string ParseExactValue(std::vector<std::string>* values) {
    auto [tok, unused] = Lookahead(Context::kValues);
    if (tok == Token::kEndOfString || tok == Token::kComma) {
      values->push_back("");
      return "";
    }
    auto [tok2, lit] = Consume(Context::kValues);
    if (tok2 == Token::kIdentifier) {
      values->push_back(lit);
      return "";
    }
    return "found '" + lit + "', expected: identifier";
  }

  std::vector<ScannedItem> items_;
  size_t position_ = 0;
};

bool HasValue(const Requirement& r, const std::string& value) {
  return std::binary_search(r.values.begin(), r.values.end(), value);
}

bool RequirementMatches(const Requirement& r, const nlohmann::json& labels) {
  const std::string* value = nullptr;
  if (labels.is_object()) {
    auto it = labels.find(r.key);
    if (it != labels.end() && it->is_string()) value = &it->get_ref<const std::string&>();
  }
  switch (r.op) {
    case Operator::kIn:
    case Operator::kEquals:
    case Operator::kDoubleEquals:
      return value != nullptr && HasValue(r, *value);
    case Operator::kNotIn:
    case Operator::kNotEquals:
      return value == nullptr || !HasValue(r, *value);
    case Operator::kExists:
      return value != nullptr;
    case Operator::kDoesNotExist:
      return value == nullptr;
    case Operator::kGreaterThan:
    case Operator::kLessThan: {
      int64_t have, want;
      if (value == nullptr || r.values.size() != 1 || !ParseGoInt64(*value, &have) ||
          !ParseGoInt64(r.values[0], &want)) {
        return false;
      }
      return r.op == Operator::kGreaterThan ? have > want : have < want;
    }
  }
  return false;
}

std::string RequirementString(const Requirement& r) {
  std::string out = r.op == Operator::kDoesNotExist ? "!" + r.key : r.key;
  switch (r.op) {
    case Operator::kExists:
    case Operator::kDoesNotExist:
      return out;
    case Operator::kEquals: out += "="; break;
    case Operator::kDoubleEquals: out += "=="; break;
    case Operator::kNotEquals: out += "!="; break;
    case Operator::kIn: out += " in ("; break;
    case Operator::kNotIn: out += " notin ("; break;
    case Operator::kGreaterThan: out += ">"; break;
    case Operator::kLessThan: out += "<"; break;
  }
  out += JoinMessages(r.values, ",");
  if (r.op == Operator::kIn || r.op == Operator::kNotIn) out += ")";
  return out;
}

void SortByKey(std::vector<Requirement>* requirements) {
  std::stable_sort(requirements->begin(), requirements->end(),
                   [](const Requirement& a, const Requirement& b) { return a.key < b.key; });
}

}  // namespace

LabelSelector LabelSelector::Everything() { return LabelSelector(); }

LabelSelector LabelSelector::Nothing() {
  LabelSelector s;
  s.matches_nothing_ = true;
  return s;
}

absl::StatusOr<LabelSelector> LabelSelector::Parse(std::string_view text) {
  LabelSelector s;
  Parser parser(text);
  if (std::string err = parser.Parse(&s.requirements_); !err.empty()) {
    return BadRequestError(err);
  }
  SortByKey(&s.requirements_);
  return s;
}

absl::StatusOr<LabelSelector> LabelSelector::FromJson(const nlohmann::json& selector) {
  if (selector.is_null()) return Nothing();
  if (!selector.is_object()) {
    return BadRequestError("invalid label selector: expected an object, got " +
                           selector.dump());
  }
  LabelSelector s;
  auto match_labels = selector.find("matchLabels");
  if (match_labels != selector.end() && !match_labels->is_null()) {
    if (!match_labels->is_object()) {
      return BadRequestError("invalid label selector: matchLabels must be an object");
    }
    for (const auto& [key, value] : match_labels->items()) {
      if (!value.is_string()) {
        return BadRequestError("invalid label selector: matchLabels[" + key +
                               "] must be a string");
      }
      Requirement r{key, Operator::kEquals, {value.get<std::string>()}};
      if (std::string err = RequirementError(r.key, r.op, r.values); !err.empty()) {
        return BadRequestError(err);
      }
      s.requirements_.push_back(std::move(r));
    }
  }
  auto expressions = selector.find("matchExpressions");
  if (expressions != selector.end() && !expressions->is_null()) {
    if (!expressions->is_array()) {
      return BadRequestError("invalid label selector: matchExpressions must be a list");
    }
    for (const nlohmann::json& expr : *expressions) {
      if (!expr.is_object()) {
        return BadRequestError("invalid label selector: matchExpressions items must be objects");
      }
      Requirement r;
      r.key = expr.value("key", "");
      std::string op = expr.value("operator", "");
      if (op == "In") {
        r.op = Operator::kIn;
      } else if (op == "NotIn") {
        r.op = Operator::kNotIn;
      } else if (op == "Exists") {
        r.op = Operator::kExists;
      } else if (op == "DoesNotExist") {
        r.op = Operator::kDoesNotExist;
      } else {
        return BadRequestError("\"" + op + "\" is not a valid label selector operator");
      }
      auto values = expr.find("values");
      if (values != expr.end() && values->is_array()) {
        for (const nlohmann::json& v : *values) {
          if (!v.is_string()) {
            return BadRequestError("invalid label selector: values must be strings");
          }
          r.values.push_back(v.get<std::string>());
        }
      }
      if (std::string err = RequirementError(r.key, r.op, r.values); !err.empty()) {
        return BadRequestError(err);
      }
      r.values = SortedUnique(std::move(r.values));
      s.requirements_.push_back(std::move(r));
    }
  }
  SortByKey(&s.requirements_);
  return s;
}

bool LabelSelector::Matches(const nlohmann::json& labels) const {
  if (matches_nothing_) return false;
  for (const Requirement& r : requirements_) {
    if (!RequirementMatches(r, labels)) return false;
  }
  return true;
}

bool LabelSelector::Empty() const { return !matches_nothing_ && requirements_.empty(); }

std::string LabelSelector::ToString() const {
  std::string out;
  for (const Requirement& r : requirements_) {
    if (!out.empty()) out += ",";
    out += RequirementString(r);
  }
  return out;
}

}  // namespace upkeep::apiserver
