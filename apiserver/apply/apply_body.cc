#include "apiserver/apply/apply_body.h"

#include <yaml-cpp/yaml.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "apiserver/api/api_status.h"

namespace upkeep::apiserver {
namespace {

constexpr int kMaxDepth = 1000;

constexpr char kTagInt[] = "tag:yaml.org,2002:int";
constexpr char kTagFloat[] = "tag:yaml.org,2002:float";
constexpr char kTagBool[] = "tag:yaml.org,2002:bool";
constexpr char kTagNull[] = "tag:yaml.org,2002:null";
// yaml-cpp's tags for a scalar without an explicit tag: "?" when plain (to be resolved),
// "!" when quoted or a block scalar (always a string).
constexpr char kTagPlain[] = "?";

absl::Status DecodeError(const std::string& why) {
  return BadRequestError("error decoding YAML: " + why);
}

// Go's strconv.ParseInt/ParseUint with base 0: optional sign, then 0x, 0o, 0b or a leading
// 0 (octal) prefix, or decimal. Out-of-range values fail, as in Go.
std::optional<nlohmann::json> ParseGoInteger(const std::string& text) {
  size_t i = 0;
  bool negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) negative = text[i++] == '-';
  std::string digits = text.substr(i);
  int base = 10;
  if (digits.size() > 1 && digits[0] == '0') {
    char p = static_cast<char>(std::tolower(static_cast<unsigned char>(digits[1])));
    if (p == 'x') {
      base = 16;
      digits = digits.substr(2);
    } else if (p == 'o') {
      base = 8;
      digits = digits.substr(2);
    } else if (p == 'b') {
      base = 2;
      digits = digits.substr(2);
    } else {
      base = 8;
      digits = digits.substr(1);
    }
  }
  if (digits.empty()) return std::nullopt;
  uint64_t value = 0;
  for (char c : digits) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else if (c >= 'A' && c <= 'F') {
      d = c - 'A' + 10;
    } else {
      return std::nullopt;
    }
    if (d >= base) return std::nullopt;
    if (value > (UINT64_MAX - static_cast<uint64_t>(d)) / static_cast<uint64_t>(base)) {
      return std::nullopt;
    }
    value = value * static_cast<uint64_t>(base) + static_cast<uint64_t>(d);
  }
  constexpr uint64_t kInt64Max = static_cast<uint64_t>(INT64_MAX);
  if (negative) {
    if (value > kInt64Max + 1) return std::nullopt;
    if (value == kInt64Max + 1) return nlohmann::json(INT64_MIN);
    return nlohmann::json(-static_cast<int64_t>(value));
  }
  if (value <= kInt64Max) return nlohmann::json(static_cast<int64_t>(value));
  return nlohmann::json(value);
}

// Kubernetes reads apply bodies through JSON, where 3.0 and 3 are the same number.
absl::StatusOr<nlohmann::json> JsonNumber(double value) {
  if (std::isinf(value)) {
    return DecodeError(std::string("json: unsupported value: ") + (value > 0 ? "+Inf" : "-Inf"));
  }
  if (std::isnan(value)) return DecodeError("json: unsupported value: NaN");
  if (value == std::trunc(value) && std::fabs(value) < 9.2e18) {
    return nlohmann::json(static_cast<int64_t>(value));
  }
  return nlohmann::json(value);
}

// Whether `text` is a YAML 1.1 float as go-yaml accepts it:
// [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?
bool IsYamlFloat(const std::string& text) {
  size_t i = 0;
  auto digits = [&text, &i]() {
    size_t from = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    return i - from;
  };
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  } else {
    if (digits() == 0) return false;
    if (i < text.size() && text[i] == '.') {
      ++i;
      digits();
    }
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits() == 0) return false;
  }
  return i == text.size();
}

std::optional<double> ParseFloat(const std::string& text) {
  if (!IsYamlFloat(text)) return std::nullopt;
  try {
    return std::stod(text);
  } catch (const std::out_of_range&) {
    return text[0] == '-' ? -HUGE_VAL : HUGE_VAL;
  } catch (const std::invalid_argument&) {
    return std::nullopt;
  }
}

std::optional<bool> ParseYamlBool(const std::string& text) {
  static const std::set<std::string>* const kTrue = new std::set<std::string>{
      "y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"};
  static const std::set<std::string>* const kFalse = new std::set<std::string>{
      "n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"};
  if (kTrue->count(text)) return true;
  if (kFalse->count(text)) return false;
  return std::nullopt;
}

bool IsYamlNull(const std::string& text) {
  return text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL";
}

// YAML 1.1 resolution of an untagged plain scalar, as go-yaml v2 does it.
absl::StatusOr<nlohmann::json> ResolvePlain(const std::string& text) {
  if (IsYamlNull(text)) return nlohmann::json(nullptr);
  if (std::optional<bool> b = ParseYamlBool(text)) return nlohmann::json(*b);
  static const std::set<std::string>* const kSpecialFloats =
      new std::set<std::string>{".inf",  ".Inf",  ".INF",  "+.inf", "+.Inf", "+.INF",
                                "-.inf", "-.Inf", "-.INF", ".nan",  ".NaN",  ".NAN"};
  if (kSpecialFloats->count(text)) {
    bool nan = text.back() == 'n' || text.back() == 'N';  // .nan .NaN .NAN, not .inf
    return JsonNumber(nan ? NAN : text[0] == '-' ? -HUGE_VAL : HUGE_VAL);
  }
  if (std::string("+-.0123456789").find(text[0]) != std::string::npos) {
    std::string plain;
    for (char c : text) {
      if (c != '_') plain += c;
    }
    if (std::optional<nlohmann::json> integer = ParseGoInteger(plain)) return *integer;
    if (std::optional<double> real = ParseFloat(plain)) return JsonNumber(*real);
  }
  return nlohmann::json(text);
}

absl::StatusOr<nlohmann::json> ResolveScalar(const YAML::Node& node) {
  const std::string& tag = node.Tag();
  const std::string& text = node.Scalar();
  if (tag == kTagPlain) return ResolvePlain(text);
  if (tag == kTagNull) return nlohmann::json(nullptr);
  if (tag == kTagBool) {
    if (std::optional<bool> b = ParseYamlBool(text)) return nlohmann::json(*b);
    return DecodeError("cannot decode !!str `" + text + "` as a !!bool");
  }
  if (tag == kTagInt) {
    std::string plain;
    for (char c : text) {
      if (c != '_') plain += c;
    }
    if (std::optional<nlohmann::json> integer = ParseGoInteger(plain)) return *integer;
    return DecodeError("cannot decode !!str `" + text + "` as a !!int");
  }
  if (tag == kTagFloat) {
    absl::StatusOr<nlohmann::json> resolved = ResolvePlain(text);
    if (resolved.ok() && resolved->is_number()) return resolved;
    return DecodeError("cannot decode !!str `" + text + "` as a !!float");
  }
  // Quoted and block scalars, !!str, and tags Kubernetes does not know are strings.
  return nlohmann::json(text);
}

// How Kubernetes turns a non-string YAML key into a JSON object key.
absl::StatusOr<std::string> MapKey(const YAML::Node& key) {
  if (!key.IsScalar()) {
    return DecodeError("error converting YAML to JSON: unsupported map key of non-scalar type");
  }
  absl::StatusOr<nlohmann::json> resolved = ResolveScalar(key);
  if (!resolved.ok()) return resolved.status();
  if (resolved->is_string()) return resolved->get<std::string>();
  if (resolved->is_null()) {
    return DecodeError("error converting YAML to JSON: unsupported map key of type: <nil>");
  }
  return resolved->dump();
}

class YamlToJson {
 public:
  absl::StatusOr<nlohmann::json> Convert(const YAML::Node& node, int depth) {
    if (depth > kMaxDepth) return DecodeError("error converting YAML to JSON: nesting too deep");
    switch (node.Type()) {
      case YAML::NodeType::Undefined:
      case YAML::NodeType::Null:
        return nlohmann::json(nullptr);
      case YAML::NodeType::Scalar:
        return ResolveScalar(node);
      case YAML::NodeType::Sequence: {
        nlohmann::json out = nlohmann::json::array();
        for (const YAML::Node& item : node) {
          absl::StatusOr<nlohmann::json> value = Convert(item, depth + 1);
          if (!value.ok()) return value.status();
          out.push_back(*std::move(value));
        }
        return out;
      }
      case YAML::NodeType::Map:
        return ConvertMap(node, depth);
    }
    return nlohmann::json(nullptr);
  }

 private:
  static bool IsMergeKey(const YAML::Node& key) {
    return key.IsScalar() && key.Tag() == kTagPlain && key.Scalar() == "<<";
  }

  absl::StatusOr<nlohmann::json> ConvertMap(const YAML::Node& node, int depth) {
    nlohmann::json out = nlohmann::json::object();
    std::vector<nlohmann::json> merged;  // `<<` sources; explicit keys win over them
    for (const auto& entry : node) {
      absl::StatusOr<nlohmann::json> value = Convert(entry.second, depth + 1);
      if (!value.ok()) return value.status();
      if (IsMergeKey(entry.first)) {
        std::vector<nlohmann::json> sources = value->is_array()
                                                  ? value->get<std::vector<nlohmann::json>>()
                                                  : std::vector<nlohmann::json>{*value};
        for (nlohmann::json& source : sources) {
          if (!source.is_object()) {
            return DecodeError("map merge requires map or sequence of maps as the value");
          }
          merged.push_back(std::move(source));
        }
        continue;
      }
      absl::StatusOr<std::string> key = MapKey(entry.first);
      if (!key.ok()) return key.status();
      out[*key] = *std::move(value);
    }
    for (const nlohmann::json& source : merged) {
      for (const auto& [key, value] : source.items()) {
        if (!out.contains(key)) out[key] = value;
      }
    }
    return out;
  }
};

// A JSON body parses as JSON directly: exact, and tolerant of JSON layouts (tabs) that YAML
// is not.
std::optional<nlohmann::json> ParseAsJson(std::string_view body) {
  size_t start = body.find_first_not_of(" \t\r\n");
  if (start == std::string_view::npos || body[start] != '{') return std::nullopt;
  nlohmann::json parsed = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded()) return std::nullopt;
  return parsed;
}

absl::StatusOr<nlohmann::json> NormalizeNumbers(const nlohmann::json& value) {
  if (value.is_number_float()) return JsonNumber(value.get<double>());
  if (value.is_object() || value.is_array()) {
    nlohmann::json out = value;
    for (auto& child : out) {
      absl::StatusOr<nlohmann::json> normalized = NormalizeNumbers(child);
      if (!normalized.ok()) return normalized.status();
      child = *std::move(normalized);
    }
    return out;
  }
  return value;
}

// Go's name for the JSON type that failed to decode into map[string]interface{}.
std::string GoJsonTypeName(const nlohmann::json& value) {
  if (value.is_array()) return "array";
  if (value.is_string()) return "string";
  if (value.is_boolean()) return "bool";
  return "number";
}

}  // namespace

absl::StatusOr<nlohmann::json> ParseApplyBody(std::string_view yaml_or_json) {
  absl::StatusOr<nlohmann::json> parsed;
  if (std::optional<nlohmann::json> json = ParseAsJson(yaml_or_json)) {
    parsed = NormalizeNumbers(*json);
  } else {
    try {
      parsed = YamlToJson().Convert(YAML::Load(std::string(yaml_or_json)), 0);
    } catch (const YAML::Exception& e) {
      return DecodeError("error converting YAML to JSON: yaml: line " +
                         std::to_string(e.mark.line + 1) + ": " + e.msg);
    }
  }
  if (!parsed.ok()) return parsed.status();
  // An empty document decodes to an empty object, as in Go.
  if (parsed->is_null()) return nlohmann::json::object();
  if (!parsed->is_object()) {
    return DecodeError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal " +
                       GoJsonTypeName(*parsed) + " into Go value of type map[string]interface {}");
  }
  return parsed;
}

}  // namespace upkeep::apiserver
