// Log levels of the JSON-lines logger and the --log-level flag that picks one, with zap's
// names so operators set it as for any controller-runtime operator. Thread-safe (pure).
#pragma once

#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::controller {

// Ordered from least to most verbose: a sink at level L writes L and everything before it.
enum class LogLevel { kError = 0, kWarn = 1, kInfo = 2, kDebug = 3 };

// "error", "warn", "info", "debug" (any case; "" is info, as zap reads an unset level).
// InvalidArgument lists the accepted names otherwise.
absl::StatusOr<LogLevel> ParseLogLevel(std::string_view text);

// The name written in each line's "level" field: "error", "warn", "info" or "debug".
std::string_view LogLevelName(LogLevel level);

}  // namespace upkeep::controller
