#include "controller/metrics/bind_address.h"

#include <absl/strings/str_cat.h>

namespace upkeep::controller {

absl::StatusOr<BindAddress> ParseBindAddress(std::string_view text) {
  BindAddress out;
  if (text.empty() || text == "0") {
    out.disabled = true;
    return out;
  }
  auto invalid = [&](std::string_view why) {
    return absl::InvalidArgumentError(
        absl::StrCat("invalid bind address \"", std::string(text), "\": ", std::string(why)));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid("want host:port");
  std::string_view host = text.substr(0, colon);
  const std::string_view port = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid("an IPv6 host needs brackets, as in [::1]:8080");
  }
  if (port.empty() || port.size() > 5) return invalid("the port must be 0-65535");
  uint32_t value = 0;
  for (char c : port) {
    if (c < '0' || c > '9') return invalid("the port must be 0-65535");
    value = value * 10 + (c - '0');
  }
  if (value > 65535) return invalid("the port must be 0-65535");
  out.port = static_cast<uint16_t>(value);
  if (host.empty()) {
    out.host = "0.0.0.0";
  } else if (host == "localhost") {
    out.host = "127.0.0.1";
  } else {
    out.host = std::string(host);
  }
  return out;
}

}  // namespace upkeep::controller
