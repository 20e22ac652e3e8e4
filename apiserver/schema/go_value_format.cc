#include "apiserver/schema/go_value_format.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace upkeep::apiserver::schema {
namespace {

// Shortest decimal digits that round-trip `value` (> 0), with the decimal exponent of the
// first digit: value == 0.d1d2d3... * 10^(exponent + 1).
void ShortestDigits(double value, std::string* digits, int* exponent) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof(buf), "%.*e", precision - 1, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  std::string text(buf);
  size_t e = text.find('e');
  *exponent = std::atoi(text.c_str() + e + 1);
  digits->clear();
  for (size_t i = 0; i < e; ++i) {
    if (text[i] != '.') digits->push_back(text[i]);
  }
  while (digits->size() > 1 && digits->back() == '0') digits->pop_back();
}

std::string ExponentForm(const std::string& digits, int exponent, bool pad_exponent) {
  std::string out(1, digits[0]);
  if (digits.size() > 1) out += "." + digits.substr(1);
  out += exponent < 0 ? "e-" : "e+";
  std::string exp_digits = std::to_string(std::abs(exponent));
  if (pad_exponent && exp_digits.size() < 2) exp_digits = "0" + exp_digits;
  return out + exp_digits;
}

std::string PlainForm(const std::string& digits, int exponent) {
  if (exponent < 0) return "0." + std::string(-exponent - 1, '0') + digits;
  std::string integer_part = digits.substr(0, std::min<size_t>(digits.size(), exponent + 1));
  if (integer_part.size() < static_cast<size_t>(exponent + 1)) {
    integer_part += std::string(exponent + 1 - integer_part.size(), '0');
  }
  std::string fraction = digits.size() > static_cast<size_t>(exponent + 1)
                             ? digits.substr(exponent + 1)
                             : std::string();
  return fraction.empty() ? integer_part : integer_part + "." + fraction;
}

// Both fmt's %v and encoding/json pick between plain and exponent notation by the decimal
// exponent; they differ only in the thresholds and in exponent padding.
std::string FormatFloat(double value, int min_exponent, int max_exponent, bool pad_exponent) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  std::string sign = value < 0 ? "-" : "";
  std::string digits;
  int exponent = 0;
  ShortestDigits(std::fabs(value), &digits, &exponent);
  if (exponent < min_exponent || exponent >= max_exponent) {
    return sign + ExponentForm(digits, exponent, pad_exponent);
  }
  return sign + PlainForm(digits, exponent);
}

}  // namespace

std::string GoQuote(std::string_view value) {
  static const char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (char c : value) {
    unsigned char u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\a':
        out += "\\a";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\v':
        out += "\\v";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\x";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;  // printable ASCII and UTF-8 sequences are kept as they are
        }
    }
  }
  return out + "\"";
}

std::string FormatGoFloat(double value) { return FormatFloat(value, -4, 6, true); }

std::string FormatGoScalar(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::number_integer:
      return std::to_string(value.get<int64_t>());
    case nlohmann::json::value_t::number_unsigned:
      return std::to_string(value.get<uint64_t>());
    case nlohmann::json::value_t::number_float:
      return FormatGoFloat(value.get<double>());
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    default:
      return FormatGoJson(value);
  }
}

std::string FormatGoJson(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::number_float:
      return FormatFloat(value.get<double>(), -6, 21, false);
    case nlohmann::json::value_t::array: {
      std::string out = "[";
      for (size_t i = 0; i < value.size(); ++i) {
        if (i > 0) out += ",";
        out += FormatGoJson(value[i]);
      }
      return out + "]";
    }
    case nlohmann::json::value_t::object: {
      std::string out = "{";
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) out += ",";
        first = false;
        out += nlohmann::json(key).dump() + ":" + FormatGoJson(item);
      }
      return out + "}";
    }
    default:
      return value.dump();
  }
}

std::string FormatBadValue(const nlohmann::json& value) {
  if (value.is_string()) return GoQuote(value.get<std::string>());
  if (value.is_number() || value.is_boolean()) return FormatGoScalar(value);
  return FormatGoJson(value);
}

}  // namespace upkeep::apiserver::schema
