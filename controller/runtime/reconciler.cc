#include "controller/runtime/reconciler.h"

namespace upkeep::controller {
namespace {
constexpr char kTerminalPayload[] = "type.upkeep.dev/terminal";
}

std::string Request::Key() const {
  if (namespace_.empty()) return name;
  return namespace_ + "/" + name;
}

Request Request::FromKey(std::string_view key) {
  size_t slash = key.find('/');
  if (slash == std::string_view::npos) return Request{"", std::string(key)};
  return Request{std::string(key.substr(0, slash)), std::string(key.substr(slash + 1))};
}

absl::Status TerminalError(absl::Status error) {
  if (error.ok()) return error;
  error.SetPayload(kTerminalPayload, absl::Cord("true"));
  return error;
}

bool IsTerminal(const absl::Status& error) {
  return error.GetPayload(kTerminalPayload).has_value();
}

}  // namespace upkeep::controller
