#include "apiserver/jsonpath/value_text.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace upkeep::apiserver {
namespace {

std::string ToChars(double value, std::chars_format format) {
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof(buf), value, format);
  return ec == std::errc() ? std::string(buf, ptr) : std::string();
}

// The decimal exponent of the shortest representation of a finite, non-zero `value`.
int DecimalExponent(double value) {
  std::string scientific = ToChars(value, std::chars_format::scientific);
  size_t e = scientific.find('e');
  return e == std::string::npos ? 0 : std::atoi(scientific.c_str() + e + 1);
}

std::string NonFiniteText(double value) {
  if (std::isnan(value)) return "NaN";
  return value > 0 ? "+Inf" : "-Inf";
}

// encoding/json's float64 encoding: fixed notation between 1e-6 and 1e21, else exponent
// form with a one-digit negative exponent written without padding ("1e-7").
std::string GoJsonFloat(double value) {
  if (!std::isfinite(value)) return NonFiniteText(value);
  double abs = std::fabs(value);
  if (abs != 0 && (abs < 1e-6 || abs >= 1e21)) {
    std::string out = ToChars(value, std::chars_format::scientific);
    size_t n = out.size();
    if (n >= 4 && out[n - 4] == 'e' && out[n - 3] == '-' && out[n - 2] == '0') {
      out.erase(n - 2, 1);
    }
    return out;
  }
  return ToChars(value, std::chars_format::fixed);
}

void AppendGoJsonString(const std::string& s, std::string* out) {
  *out += '"';
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '"': *out += "\\\""; continue;
      case '\\': *out += "\\\\"; continue;
      case '\n': *out += "\\n"; continue;
      case '\r': *out += "\\r"; continue;
      case '\t': *out += "\\t"; continue;
      case '\b': *out += "\\b"; continue;
      case '\f': *out += "\\f"; continue;
      case '<': case '>': case '&': {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", c);
        *out += buf;
        continue;
      }
      default: break;
    }
    if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      *out += buf;
    } else if (c == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
               (static_cast<unsigned char>(s[i + 2]) == 0xA8 ||
                static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      // U+2028 and U+2029 break JavaScript string literals; Go escapes them.
      *out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      *out += static_cast<char>(c);
    }
  }
  *out += '"';
}

void AppendGoJson(const nlohmann::json& value, std::string* out) {
  switch (value.type()) {
    case nlohmann::json::value_t::null:
    case nlohmann::json::value_t::discarded:
      *out += "null";
      return;
    case nlohmann::json::value_t::boolean:
      *out += value.get<bool>() ? "true" : "false";
      return;
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      *out += value.dump();
      return;
    case nlohmann::json::value_t::number_float:
      *out += GoJsonFloat(value.get<double>());
      return;
    case nlohmann::json::value_t::string:
      AppendGoJsonString(value.get_ref<const std::string&>(), out);
      return;
    case nlohmann::json::value_t::array: {
      *out += '[';
      bool first = true;
      for (const nlohmann::json& item : value) {
        if (!first) *out += ',';
        first = false;
        AppendGoJson(item, out);
      }
      *out += ']';
      return;
    }
    case nlohmann::json::value_t::object: {
      // nlohmann keeps keys in byte order, which is the order Go sorts map keys in.
      *out += '{';
      bool first = true;
      for (const auto& [key, item] : value.items()) {
        if (!first) *out += ',';
        first = false;
        AppendGoJsonString(key, out);
        *out += ':';
        AppendGoJson(item, out);
      }
      *out += '}';
      return;
    }
    case nlohmann::json::value_t::binary:
      *out += "null";
      return;
  }
}

}  // namespace

std::string GoFloatText(double value) {
  if (!std::isfinite(value)) return NonFiniteText(value);
  if (value == 0) return std::signbit(value) ? "-0" : "0";
  int exponent = DecimalExponent(value);
  if (exponent < -4 || exponent >= 6) return ToChars(value, std::chars_format::scientific);
  return ToChars(value, std::chars_format::fixed);
}

std::string GoJsonText(const nlohmann::json& value) {
  std::string out;
  AppendGoJson(value, &out);
  return out;
}

std::string JsonPathValueText(const nlohmann::json& value) {
  switch (value.type()) {
    case nlohmann::json::value_t::string:
      return value.get<std::string>();
    case nlohmann::json::value_t::null:
      return "<nil>";
    case nlohmann::json::value_t::boolean:
      return value.get<bool>() ? "true" : "false";
    case nlohmann::json::value_t::number_integer:
    case nlohmann::json::value_t::number_unsigned:
      return value.dump();
    case nlohmann::json::value_t::number_float:
      return GoFloatText(value.get<double>());
    default:
      return GoJsonText(value);
  }
}

}  // namespace upkeep::apiserver
