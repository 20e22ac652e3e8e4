#include "tests/support/openssl_verify.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace upkeep::testing {

OpensslVerifyResult OpensslVerify(const std::string& ca_pem, const std::string& chain_pem,
                                  const std::string& host,
                                  std::optional<std::chrono::system_clock::time_point> at) {
  std::string templ =
      (std::filesystem::temp_directory_path() / "upkeep-verify-XXXXXX").string();
  if (::mkdtemp(templ.data()) == nullptr) return {-1, "cannot create a temp directory"};
  std::filesystem::path dir = templ;
  std::ofstream(dir / "ca.pem") << ca_pem;
  std::ofstream(dir / "chain.pem") << chain_pem;
  std::string cmd = "openssl verify";
  if (at) {
    cmd += " -attime " + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                            at->time_since_epoch())
                                            .count());
  }
  // The host comes from the test itself; quoting keeps it one argument.
  cmd += " -verify_hostname '" + host + "' -CAfile " + (dir / "ca.pem").string() +
         " -untrusted " + (dir / "chain.pem").string() + " " + (dir / "chain.pem").string() +
         " 2>&1";
  OpensslVerifyResult result;
  FILE* pipe = ::popen(cmd.c_str(), "r");
  char buf[512];
  while (pipe && std::fgets(buf, sizeof buf, pipe)) result.output += buf;
  int status = pipe ? ::pclose(pipe) : -1;
  result.exit_code = (status >= 0 && WIFEXITED(status)) ? WEXITSTATUS(status) : -1;
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
  return result;
}

}  // namespace upkeep::testing
