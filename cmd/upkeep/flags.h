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
bool WantsHelp(const std::vector<std::string>& args);

}  // namespace upkeep::cmd
