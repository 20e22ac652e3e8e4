// upkeep: one binary, one subcommand per job (API.md "Command line").
#include <iostream>
#include <string>
#include <vector>

#include "cmd/upkeep/commands.h"

namespace {

constexpr char kUsage[] =
    "upkeep keeps a cluster's day-2 chores at their declared state.\n"
    "\n"
    "Usage: upkeep <command> [flags]\n"
    "\n"
    "Commands:\n"
    "  controller  run the operator against a cluster\n"
    "  dev         run the embedded API server and the operator together, with the CRDs\n"
    "              and examples applied\n"
    "  apiserver   run the embedded Kubernetes-compatible API server\n"
    "  backup      backups: 'backup list NAMESPACE/NAME' shows a BackupPolicy's backups,\n"
    "              'backup restore NAMESPACE/NAME ...' restores one into a database or folder\n"
    "  run         'run backup NAMESPACE/NAME': one run now (what an executor Job runs)\n"
    "  certs       certificates: 'certs export NAMESPACE/NAME --dir DIR' writes a\n"
    "              CertRenewal's files for a server on this host (nginx)\n"
    "  version     print the version\n"
    "\n"
    "Run 'upkeep <command> --help' for a command's flags.\n";

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    std::cout << kUsage;
    return args.empty() ? 2 : 0;
  }
  std::string command = args[0];
  args.erase(args.begin());
  if (command == "version" || command == "--version") {
    std::cout << "upkeep " << UPKEEP_VERSION << "\n";
    return 0;
  }
  if (command == "apiserver") return upkeep::cmd::RunApiserver(args);
  if (command == "backup") return upkeep::cmd::RunBackupCommand(args);
  if (command == "run") return upkeep::cmd::RunRunCommand(args);
  if (command == "certs") return upkeep::cmd::RunCerts(args);
  if (command == "controller") return upkeep::cmd::RunController(args);
  if (command == "dev") return upkeep::cmd::RunDev(args);
  std::cerr << "upkeep: unknown command \"" << command << "\"\n\n" << kUsage;
  return 2;
}
