// Bind addresses of the metrics and health-probe servers, written as controller-runtime's
// --metrics-bind-address and --health-probe-bind-address: ":8080" (every IPv4 interface),
// "127.0.0.1:0" (an ephemeral port), "[::1]:9000", and "0" (or "") to disable the server.
// Pure; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::controller {

struct BindAddress {
  bool disabled = false;
  std::string host;   // an IP literal: "0.0.0.0" for an empty host, "127.0.0.1" for localhost
  uint16_t port = 0;  // 0 picks a free port
};

// InvalidArgument, naming the text, when it is not [host]:port with a port of 0-65535.
absl::StatusOr<BindAddress> ParseBindAddress(std::string_view text);

}  // namespace upkeep::controller
