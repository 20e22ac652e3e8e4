#include "tests/support/upkeep_binary.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

extern char** environ;

namespace upkeep::testing {
namespace {

std::string ReadAndRemove(const std::string& path) {
  std::stringstream s;
  {
    std::ifstream in(path, std::ios::binary);
    s << in.rdbuf();
  }
  std::filesystem::remove(path);
  return s.str();
}

bool Dropped(const std::string& var) {
  for (const char* prefix : {"KUBECONFIG=", "KUBERNETES_SERVICE_HOST=", "HOME=", "PG"}) {
    if (var.rfind(prefix, 0) == 0) return true;
  }
  return false;
}

}  // namespace

CommandResult RunUpkeepBinary(const std::string& default_bin, const std::vector<std::string>& args,
                              const std::string& scratch_dir, const std::vector<std::string>& env) {
  const char* env_bin = std::getenv("UPKEEP_BIN");
  std::string bin = env_bin != nullptr && *env_bin != '\0' ? env_bin : default_bin;
  const std::string out_path = scratch_dir + "/upkeep.stdout";
  const std::string err_path = scratch_dir + "/upkeep.stderr";
  std::vector<std::string> argv_strings{bin};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<std::string> env_strings = env;
  env_strings.push_back("HOME=" + scratch_dir);
  for (char** e = environ; *e != nullptr; ++e) {
    if (!Dropped(*e)) env_strings.push_back(*e);
  }
  std::vector<char*> argv, envp;
  for (std::string& a : argv_strings) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (std::string& e : env_strings) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = ::fork();
  if (pid == 0) {
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out < 0 || err < 0 || ::dup2(out, 1) < 0 || ::dup2(err, 2) < 0) ::_exit(127);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  CommandResult result;
  int status = 0;
  if (pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  result.out = ReadAndRemove(out_path);
  result.err = ReadAndRemove(err_path);
  return result;
}

}  // namespace upkeep::testing
