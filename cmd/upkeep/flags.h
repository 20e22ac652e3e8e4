// Command-line flags for the upkeep subcommands: "--flag value" and "--flag=value"; boolean
// flags take no value. Pure.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace upkeep::cmd {

// Fills `out` (flag name without dashes -> value); false with `error` set on a bad argument.
bool ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& booleans,
                std::map<std::string, std::string>* out, std::string* error);
// The same for commands that also take operands ("NAMESPACE/NAME"): an argument that is not a
// flag or a flag's value is appended to `operands`, in order, wherever it stands.
bool ParseFlags(const std::vector<std::string>& args, const std::vector<std::string>& booleans,
                std::map<std::string, std::string>* out, std::vector<std::string>* operands,
                std::string* error);
bool WantsHelp(const std::vector<std::string>& args);

}  // namespace upkeep::cmd
