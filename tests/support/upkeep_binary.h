// Runs the real `upkeep` binary from a test, the way a user or a Job's kubelet would: its own
// process, its stdout and stderr captured, exit code returned. The binary is $UPKEEP_BIN when
// set (the sanitized build's e2e pass), else the path the test was compiled with.
//
// Everything the child needs is prepared before fork() (test processes have threads). The
// child's environment is the test's, minus KUBECONFIG, KUBERNETES_SERVICE_HOST, HOME and PG*
// (no in-cluster, ~/.kube/config or libpq default may answer instead of the test's servers),
// plus HOME=<scratch dir> and `env`.
#pragma once

#include <string>
#include <vector>

namespace upkeep::testing {

struct CommandResult {
  int exit_code = -1;  // -1: it did not exit normally
  std::string out;
  std::string err;
};

// `default_bin`: the path compiled in (UPKEEP_BIN_PATH). `scratch_dir` holds HOME and the
// captured output while it runs.
CommandResult RunUpkeepBinary(const std::string& default_bin, const std::vector<std::string>& args,
                              const std::string& scratch_dir,
                              const std::vector<std::string>& env = {});

}  // namespace upkeep::testing
