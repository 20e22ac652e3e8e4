#include "apiserver/meta/field_errors.h"

#include <cstdio>

namespace upkeep::apiserver {
namespace {

FieldError Make(std::string_view reason, std::string field, std::string body,
                std::string_view detail) {
  if (!detail.empty()) {
    body += ": ";
    body += detail;
  }
  return FieldError{std::string(reason), std::move(field), std::move(body)};
}

// Go's json.Marshal escapes these even inside strings; nlohmann does not.
std::string EscapeLikeGoJson(std::string dumped) {
  std::string out;
  out.reserve(dumped.size());
  for (char c : dumped) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string GoQuote(std::string_view value) {
  std::string out = "\"";
  for (unsigned char c : value) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof(buf), "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
  return out;
}

FieldError FieldInvalid(std::string field, std::string_view value, std::string_view detail) {
  return Make("FieldValueInvalid", std::move(field), "Invalid value: " + GoQuote(value),
              detail);
}

FieldError FieldInvalidInteger(std::string field, int64_t value, std::string_view detail) {
  return Make("FieldValueInvalid", std::move(field),
              "Invalid value: " + std::to_string(value), detail);
}

FieldError FieldInvalidJson(std::string field, const nlohmann::ordered_json& value,
                            std::string_view detail) {
  return Make("FieldValueInvalid", std::move(field),
              "Invalid value: " + EscapeLikeGoJson(value.dump()), detail);
}

FieldError FieldRequired(std::string field, std::string_view detail) {
  return Make("FieldValueRequired", std::move(field), "Required value", detail);
}

FieldError FieldForbidden(std::string field, std::string_view detail) {
  return Make("FieldValueForbidden", std::move(field), "Forbidden", detail);
}

FieldError FieldTooLong(std::string field, int64_t max_bytes) {
  return Make("FieldValueTooLong", std::move(field), "Too long",
              "must have at most " + std::to_string(max_bytes) + " bytes");
}

FieldError FieldTypeInvalid(std::string field, const nlohmann::json& value,
                            std::string_view detail) {
  std::string rendered =
      value.is_string() ? GoQuote(value.get_ref<const std::string&>()) : EscapeLikeGoJson(value.dump());
  return Make("FieldValueTypeInvalid", std::move(field), "Invalid value: " + rendered, detail);
}

}  // namespace upkeep::apiserver
