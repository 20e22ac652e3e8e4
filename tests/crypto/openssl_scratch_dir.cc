#include "tests/crypto/openssl_scratch_dir.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <vector>

namespace upkeep::crypto::testing {

OpensslScratchDir::OpensslScratchDir() {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern =
      std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/upkeep-crypto-test-XXXXXX";
  std::vector<char> buffer(pattern.begin(), pattern.end());
  buffer.push_back('\0');
  if (mkdtemp(buffer.data()) == nullptr) {  // mkdtemp makes it 0700
    std::cerr << "mkdtemp " << pattern << " failed\n";
    std::abort();
  }
  path_ = buffer.data();
}

OpensslScratchDir::~OpensslScratchDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string OpensslScratchDir::Write(std::string_view name, std::string_view contents) const {
  const std::string path = path_ + "/" + std::string(name);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return path;  // the tool's own error will say the file is missing
  size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) break;
    written += static_cast<size_t>(n);
  }
  ::close(fd);
  return path;
}

std::string OpensslScratchDir::Read(std::string_view name) const {
  std::ifstream in(path_ + "/" + std::string(name), std::ios::binary);
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

OpensslScratchDir::Result OpensslScratchDir::Openssl(std::string_view arguments) const {
  const std::string command = "cd '" + path_ + "' && openssl " + std::string(arguments) + " 2>&1";
  Result result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0) result.output.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

}  // namespace upkeep::crypto::testing
