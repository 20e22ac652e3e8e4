#include "apiserver/schema/string_formats.h"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <regex>
#include <set>

namespace upkeep::apiserver::schema {
namespace {

// go-openapi compares format names with dashes removed ("date-time" == "datetime").
std::string Normalize(std::string_view format) {
  std::string out;
  for (char c : format) {
    if (c != '-') out += c;
  }
  return out;
}

const std::set<std::string>& SupportedStringFormats() {
  static const std::set<std::string> kFormats = {
      "bsonobjectid", "uri",        "email",    "hostname", "ipv4",     "ipv6", "cidr",
      "mac",          "uuid",       "uuid3",    "uuid4",    "uuid5",    "isbn", "isbn10",
      "isbn13",       "creditcard", "ssn",      "hexcolor", "rgbcolor", "byte", "password",
      "date",         "duration",   "datetime", "quantity"};
  return kFormats;
}

bool AllDigits(std::string_view s) {
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return !s.empty();
}

// time.Parse("2006-01-02", ...): four-digit year, two-digit month and day, a real calendar day.
bool IsDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return false;
  if (!AllDigits(s.substr(0, 4)) || !AllDigits(s.substr(5, 2)) || !AllDigits(s.substr(8, 2))) {
    return false;
  }
  int year = std::stoi(std::string(s.substr(0, 4)));
  int month = std::stoi(std::string(s.substr(5, 2)));
  int day = std::stoi(std::string(s.substr(8, 2)));
  if (month < 1 || month > 12 || day < 1) return false;
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  int max_day = kDays[month - 1] + (month == 2 && leap ? 1 : 0);
  return day <= max_day;
}

// strfmt.IsDateTime: a date, a 't' (any case), then hh:mm:ss, optional fraction, and a zone.
bool IsDateTime(const std::string& s) {
  if (s.size() < 4) return false;
  std::string lower;
  for (char c : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  size_t t = lower.find('t');
  if (t == std::string::npos || !IsDate(lower.substr(0, t))) return false;
  size_t next_t = lower.find('t', t + 1);
  std::string time =
      lower.substr(t + 1, next_t == std::string::npos ? std::string::npos : next_t - t - 1);
  static const std::regex kTime(
      R"(([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2})))");
  std::smatch m;
  if (!std::regex_search(time, m, kTime) || m.position(0) != 0) return false;
  return m[1].str() <= "23" && m[2].str() <= "59" && m[3].str() <= "59";
}

bool IsBase64(const std::string& s) {
  static const std::regex kBase64(
      R"(^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$)");
  return std::regex_match(s, kBase64);
}

bool IsUuid(const std::string& s, char version) {
  static const std::regex kAny("^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
                               std::regex::icase);
  static const std::regex kV3("^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$",
                              std::regex::icase);
  static const std::regex kV4(
      "^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
      std::regex::icase);
  static const std::regex kV5(
      "^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$",
      std::regex::icase);
  switch (version) {
    case '3':
      return std::regex_match(s, kV3);
    case '4':
      return std::regex_match(s, kV4);
    case '5':
      return std::regex_match(s, kV5);
    default:
      return std::regex_match(s, kAny);
  }
}

bool IsIpv4(const std::string& s) {
  unsigned char buf[sizeof(struct in6_addr)];
  return inet_pton(AF_INET, s.c_str(), buf) == 1;
}

bool IsIpv6(const std::string& s) {
  unsigned char buf[sizeof(struct in6_addr)];
  return s.find(':') != std::string::npos && (inet_pton(AF_INET6, s.c_str(), buf) == 1);
}

bool IsCidr(const std::string& s) {
  size_t slash = s.find('/');
  if (slash == std::string::npos) return false;
  std::string address = s.substr(0, slash);
  std::string prefix = s.substr(slash + 1);
  if (!AllDigits(prefix) || prefix.size() > 3) return false;
  int bits = std::stoi(prefix);
  if (IsIpv4(address)) return bits <= 32;
  if (IsIpv6(address)) return bits <= 128;
  return false;
}

// net.ParseMAC: 6, 8 or 20 octets as hh:hh:.., hh-hh-.. or hhhh.hhhh...
bool IsMac(const std::string& s) {
  static const std::regex kColon(
      "^[0-9a-f]{2}(:[0-9a-f]{2}){5}$|^[0-9a-f]{2}(:[0-9a-f]{2}){7}$|^[0-9a-f]{2}(:[0-9a-f]{2}){19}"
      "$",
      std::regex::icase);
  static const std::regex kDash(
      "^[0-9a-f]{2}(-[0-9a-f]{2}){5}$|^[0-9a-f]{2}(-[0-9a-f]{2}){7}$|^[0-9a-f]{2}(-[0-9a-f]{2}){19}"
      "$",
      std::regex::icase);
  static const std::regex kDot(
      "^[0-9a-f]{4}(\\.[0-9a-f]{4}){2}$|^[0-9a-f]{4}(\\.[0-9a-f]{4}){3}$|^[0-9a-f]{4}(\\.[0-9a-f]{"
      "4}){9}$",
      std::regex::icase);
  return std::regex_match(s, kColon) || std::regex_match(s, kDash) || std::regex_match(s, kDot);
}

// RFC 1034 host names with the relaxations strfmt allows (leading digits, non-ASCII letters);
// non-ASCII bytes are accepted as letters.
bool IsHostname(const std::string& s) {
  if (s.empty() || s.size() > 255) return false;
  size_t start = 0;
  while (true) {
    size_t dot = s.find('.', start);
    std::string label = s.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      unsigned char u = static_cast<unsigned char>(c);
      if (!(std::isalnum(u) || c == '-' || u >= 0x80)) return false;
    }
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return true;
}

bool IsHexColor(const std::string& s) {
  static const std::regex kHex("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
  return std::regex_match(s, kHex);
}

}  // namespace

std::string EffectiveFormat(std::string_view type, std::string_view format) {
  if (format.empty()) return "";
  if (type.empty() || type == "string") {
    return SupportedStringFormats().count(Normalize(format)) ? std::string(format) : "";
  }
  if (type == "integer") return format == "int32" || format == "int64" ? std::string(format) : "";
  if (type == "number") return format == "float" || format == "double" ? std::string(format) : "";
  return "";
}

bool IsCheckedStringFormat(std::string_view format) {
  return !format.empty() && SupportedStringFormats().count(Normalize(format)) > 0;
}

bool MatchesStringFormat(std::string_view format, const std::string& value) {
  std::string name = Normalize(format);
  if (name == "datetime") return IsDateTime(value);
  if (name == "date") return IsDate(value);
  if (name == "byte") return IsBase64(value);
  if (name == "uuid") return IsUuid(value, 0);
  if (name == "uuid3") return IsUuid(value, '3');
  if (name == "uuid4") return IsUuid(value, '4');
  if (name == "uuid5") return IsUuid(value, '5');
  if (name == "ipv4") return IsIpv4(value);
  if (name == "ipv6") return IsIpv6(value);
  if (name == "cidr") return IsCidr(value);
  if (name == "mac") return IsMac(value);
  if (name == "hostname") return IsHostname(value);
  if (name == "hexcolor") return IsHexColor(value);
  return true;
}

}  // namespace upkeep::apiserver::schema
