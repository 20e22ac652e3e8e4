#include "tests/support/tls_server_process.h"

#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"

namespace upkeep::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{10};

void WritePrivateFile(const std::string& path, const std::string& contents) {
  std::ofstream(path) << contents;
  ::chmod(path.c_str(), 0600);
}

}  // namespace

absl::StatusOr<std::unique_ptr<TlsServerProcess>> TlsServerProcess::Start(
    const TlsServerOptions& options) {
  std::unique_ptr<TlsServerProcess> server(new TlsServerProcess());
  std::string base =
      (std::filesystem::temp_directory_path() / "upkeep-tls-server-XXXXXX").string();
  if (::mkdtemp(base.data()) == nullptr) return absl::InternalError("mkdtemp failed");
  server->dir_ = base;
  WritePrivateFile(base + "/cert.pem", options.cert_pem);
  WritePrivateFile(base + "/key.pem", options.key_pem);
  // Port 0: s_server binds a free port and prints it ("ACCEPT 127.0.0.1:PORT").
  // -www answers HTTP itself, so the server never reads (and quits on EOF of) stdin.
  std::vector<std::string> args = {"openssl", "s_server", "-www", "-accept",
                                   "127.0.0.1:" + std::to_string(options.port),
                                   "-cert",   base + "/cert.pem",     "-key",
                                   base + "/key.pem"};
  if (!options.sni_name.empty()) {
    WritePrivateFile(base + "/sni-cert.pem", options.sni_cert_pem);
    WritePrivateFile(base + "/sni-key.pem", options.sni_key_pem);
    args.insert(args.end(), {"-servername", options.sni_name, "-cert2", base + "/sni-cert.pem",
                             "-key2", base + "/sni-key.pem"});
  }
  const std::string log = base + "/s_server.log";
  auto pid = Spawn(args, log);
  if (!pid.ok()) return pid.status();
  server->pid_ = *pid;
  // With port 0 the line names the port picked; with a given port it is a bare "ACCEPT".
  const std::regex accept_line(R"(ACCEPT( 127\.0\.0\.1:([0-9]+))?\n)");
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (std::chrono::steady_clock::now() < deadline) {
    std::smatch match;
    std::string text = ReadFile(log);
    if (std::regex_search(text, match, accept_line)) {
      server->address_ =
          "127.0.0.1:" + (match[2].matched ? match[2].str() : std::to_string(options.port));
      return server;
    }
    if (WaitForExit(server->pid_, std::chrono::milliseconds(0))) {
      server->pid_ = -1;
      return absl::InternalError("openssl s_server exited: " + Tail(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return absl::DeadlineExceededError("openssl s_server did not listen: " + Tail(log));
}

TlsServerProcess::~TlsServerProcess() {
  EndProcess(pid_);
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string TlsServerProcess::LogTail() const { return Tail(dir_ + "/s_server.log"); }

}  // namespace upkeep::testing
