// The flags `upkeep controller` and `upkeep dev` share (metrics and probe addresses, log
// level, leader election), read into ManagerOptions, and the run of the operator itself.
#pragma once

#include <string>

#include "controller/runtime/manager.h"
#include "cmd/upkeep/stop_signal.h"

namespace upkeep::cmd {

enum class FlagResult { kApplied, kUnknown, kInvalid };

// Applies one shared flag; kInvalid sets `error`.
FlagResult ApplyOperatorFlag(const std::string& name, const std::string& value,
                             controller::ManagerOptions* options, std::string* error);

// Creates the manager, registers the reconcilers and runs until a stop signal; returns the
// exit code (0 after a clean shutdown, 1 when leadership was lost or startup failed).
int RunOperator(controller::ManagerOptions options, const StopSignal& stop,
                const std::string& command);

}  // namespace upkeep::cmd
