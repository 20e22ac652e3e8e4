// The upkeep subcommands; each returns the process exit code.
#pragma once

#include <string>
#include <vector>

namespace upkeep::cmd {

int RunApiserver(const std::vector<std::string>& args);
int RunBackupCommand(const std::vector<std::string>& args);
int RunCerts(const std::vector<std::string>& args);
int RunController(const std::vector<std::string>& args);
int RunDev(const std::vector<std::string>& args);
int RunRunCommand(const std::vector<std::string>& args);

}  // namespace upkeep::cmd
