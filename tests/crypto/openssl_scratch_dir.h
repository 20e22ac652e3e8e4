// A private temporary directory for running the real `openssl` command line tool on what the
// crypto engine produced: the tests check that the standard tool, not only the engine
// itself, accepts keys, CSRs and certificates.
//
// The directory is created 0700 and each file 0600 (they may hold private keys); both are
// removed when the object goes away, also when the test failed.
//
// Thread safety: thread-compatible; one per test.
#pragma once

#include <string>
#include <string_view>

namespace upkeep::crypto::testing {

class OpensslScratchDir {
 public:
  struct Result {
    int exit_code = -1;
    std::string output;  // stdout and stderr together
  };

  OpensslScratchDir();  // aborts the test binary if no directory can be made
  OpensslScratchDir(const OpensslScratchDir&) = delete;
  OpensslScratchDir& operator=(const OpensslScratchDir&) = delete;
  ~OpensslScratchDir();

  // Writes `contents` to `name` in the directory, mode 0600; returns the full path.
  std::string Write(std::string_view name, std::string_view contents) const;
  // Reads a file the tool wrote; "" when it is missing.
  std::string Read(std::string_view name) const;

  // Runs `openssl <arguments>` with the directory as working directory, so arguments can
  // name files by their bare names.
  Result Openssl(std::string_view arguments) const;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

}  // namespace upkeep::crypto::testing
