#include "controller/logging/log_level.h"

#include <string>

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

namespace upkeep::controller {

absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text) {
  const std::string name = absl::AsciiStrToLower(absl::string_view(text.data(), text.size()));
  if (name == "error") return LogLevel::kError;
  if (name == "warn") return LogLevel::kWarn;
  if (name == "info" || name.empty()) return LogLevel::kInfo;
  if (name == "debug") return LogLevel::kDebug;
  return absl::InvalidArgumentError(absl::StrCat("invalid log level \"", std::string(text),
                                                 "\": want one of error, warn, info, debug"));
}

std::string_view LogLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kError:
      return "error";
    case LogLevel::kWarn:
      return "warn";
    case LogLevel::kInfo:
      return "info";
    case LogLevel::kDebug:
      return "debug";
  }
  return "info";
}

}  // namespace upkeep::controller
