#include "tests/support/pebble_process.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "controller/client/http_transport.h"
#include "tests/support/child_process.h"
#include "tests/support/free_port.h"

extern char** environ;

namespace upkeep::testing {
namespace {

constexpr std::chrono::seconds kStartTimeout{20};
constexpr std::chrono::seconds kCommandTimeout{30};
constexpr std::chrono::milliseconds kPollInterval{20};
// Ports are picked free and then handed to the servers; another process may take one in
// between, so a failed start is retried with new ports.
constexpr int kStartAttempts = 3;

bool Exited(pid_t pid) {
  int wstatus = 0;
  return waitpid(pid, &wstatus, WNOHANG) == pid;
}

bool CanConnect(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  close(fd);
  return ok;
}

// Runs a short command to completion (≤ 30 s); its output goes to `log_path`.
absl::Status RunCommand(const std::vector<std::string>& args, const std::string& log_path) {
  auto pid = Spawn(args, log_path);
  if (!pid.ok()) return pid.status();
  auto deadline = std::chrono::steady_clock::now() + kCommandTimeout;
  int wstatus = 0;
  while (waitpid(*pid, &wstatus, WNOHANG) != *pid) {
    if (std::chrono::steady_clock::now() >= deadline) {
      kill(*pid, SIGKILL);
      waitpid(*pid, nullptr, 0);
      return absl::DeadlineExceededError(args[0] + " did not finish within 30 s");
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  if (!WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0) {
    return absl::InternalError(args[0] + " " + args[1] + " failed: " + Tail(log_path));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> HttpsGet(int port, const std::string& ca_pem, const std::string& path) {
  controller::ClientConfig config;
  config.server = "https://127.0.0.1:" + std::to_string(port);
  config.certificate_authority_pem = ca_pem;
  config.source = "pebble's management interface";
  auto transport =
      controller::HttpTransport::Create(config, std::chrono::seconds(5), "upkeep-test");
  if (!transport.ok()) return transport.status();
  controller::HttpCall call;
  call.method = "GET";
  call.path_and_query = path;
  controller::HttpReply reply = (*transport)->Send(call);
  if (!reply.error.ok()) return reply.error;
  if (reply.code != 200) {
    return absl::UnavailableError("GET " + config.server + path + " answered " +
                                  std::to_string(reply.code) + ": " + reply.body);
  }
  return reply.body;
}

}  // namespace

absl::StatusOr<std::unique_ptr<PebbleProcess>> PebbleProcess::Start(PebbleOptions options) {
  if (options.http_port <= 0) {
    return absl::InvalidArgumentError("PebbleOptions.http_port (the solver's port) is required");
  }
  std::string base = std::filesystem::temp_directory_path().string() + "/upkeep-pebble-XXXXXX";
  if (mkdtemp(base.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary folder for pebble");
  }
  std::unique_ptr<PebbleProcess> p(new PebbleProcess());
  p->options_ = std::move(options);
  p->dir_ = base;
  if (absl::Status st = p->WriteTlsCertificate(); !st.ok()) return st;
  absl::Status started;
  for (int attempt = 0; attempt < kStartAttempts; ++attempt) {
    EndProcess(p->pebble_pid_);
    EndProcess(p->challtestsrv_pid_);
    p->listen_port_ = PickFreePort(false);
    p->management_port_ = PickFreePort(false);
    p->tls_port_ = PickFreePort(false);  // TLS-ALPN-01 is not used; nothing listens there
    p->dns_port_ = PickFreePort(true);
    p->challtestsrv_management_port_ = PickFreePort(false);
    p->directory_url_ = "https://127.0.0.1:" + std::to_string(p->listen_port_) + "/dir";
    started = p->WriteConfig();
    if (started.ok()) started = p->StartChallTestSrv();
    if (started.ok()) started = p->StartPebble();
    if (started.ok()) return p;
  }
  return started;
}

PebbleProcess::~PebbleProcess() {
  EndProcess(pebble_pid_);
  EndProcess(challtestsrv_pid_);
  if (!dir_.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
}

std::string PebbleProcess::LogTail() const { return Tail(dir_ + "/pebble.log"); }

absl::Status PebbleProcess::WriteTlsCertificate() {
  // A throwaway CA and a leaf for 127.0.0.1 and localhost, as pebble's own test/certs are.
  const std::string log = dir_ + "/openssl.log";
  const std::string ext = dir_ + "/leaf.ext";
  std::ofstream(ext) << "subjectAltName=DNS:localhost,IP:127.0.0.1\n"
                        "basicConstraints=critical,CA:FALSE\n"
                        "keyUsage=critical,digitalSignature\n"
                        "extendedKeyUsage=serverAuth\n";
  std::vector<std::vector<std::string>> commands = {
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir_ + "/tls-ca.key", "-out", dir_ + "/tls-ca.pem", "-days", "7", "-subj",
       "/CN=upkeep test pebble listener CA"},
      {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir_ + "/tls.key", "-out", dir_ + "/tls.csr", "-subj", "/CN=localhost"},
      {"openssl", "x509", "-req", "-in", dir_ + "/tls.csr", "-CA", dir_ + "/tls-ca.pem", "-CAkey",
       dir_ + "/tls-ca.key", "-CAcreateserial", "-out", dir_ + "/tls.pem", "-days", "7", "-extfile",
       ext},
  };
  for (const auto& command : commands) {
    if (absl::Status st = RunCommand(command, log); !st.ok()) return st;
  }
  tls_ca_pem_ = ReadFile(dir_ + "/tls-ca.pem");
  if (tls_ca_pem_.empty()) return absl::InternalError("openssl wrote no CA certificate");
  return absl::OkStatus();
}

absl::Status PebbleProcess::WriteConfig() {
  nlohmann::json pebble = {
      {"listenAddress", "127.0.0.1:" + std::to_string(listen_port_)},
      {"managementListenAddress", "127.0.0.1:" + std::to_string(management_port_)},
      {"certificate", dir_ + "/tls.pem"},
      {"privateKey", dir_ + "/tls.key"},
      {"httpPort", options_.http_port},
      {"tlsPort", tls_port_},
      {"ocspResponderURL", ""},
      {"externalAccountBindingRequired", !options_.eab_mac_keys.empty()},
  };
  if (!options_.eab_mac_keys.empty()) pebble["externalAccountMACKeys"] = options_.eab_mac_keys;
  if (options_.certificate_validity_seconds > 0) {
    pebble["certificateValidityPeriod"] = options_.certificate_validity_seconds;
  }
  std::ofstream out(dir_ + "/pebble-config.json");
  out << nlohmann::json{{"pebble", pebble}}.dump(2) << "\n";
  out.close();
  if (!out) return absl::InternalError("cannot write " + dir_ + "/pebble-config.json");
  return absl::OkStatus();
}

absl::Status PebbleProcess::StartChallTestSrv() {
  // Only the mock DNS server: every A query is answered with 127.0.0.1 and AAAA with nothing,
  // so validation reaches the test's solver. Its own challenge servers stay off.
  const std::string log = dir_ + "/challtestsrv.log";
  auto pid =
      Spawn({"pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-http01", "",
             "-https01", "", "-tlsalpn01", "", "-dns01", "127.0.0.1:" + std::to_string(dns_port_),
             "-management", "127.0.0.1:" + std::to_string(challtestsrv_management_port_)},
            log);
  if (!pid.ok()) return pid.status();
  challtestsrv_pid_ = *pid;
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (!CanConnect(dns_port_) || !CanConnect(challtestsrv_management_port_)) {
    if (Exited(challtestsrv_pid_)) {
      challtestsrv_pid_ = -1;
      return absl::InternalError("pebble-challtestsrv exited before it was ready: " + Tail(log));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      EndProcess(challtestsrv_pid_);
      return absl::DeadlineExceededError("pebble-challtestsrv was not ready within 20 s: " +
                                         Tail(log));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return absl::OkStatus();
}

absl::Status PebbleProcess::StartPebble() {
  std::vector<std::string> env;
  for (char** e = environ; *e != nullptr; ++e) {
    // Whatever PEBBLE_* the test runner has (PEBBLE_VA_ALWAYS_VALID above all) is dropped:
    // validation here is always real.
    if (std::string(*e).rfind("PEBBLE_", 0) != 0) env.emplace_back(*e);
  }
  env.push_back("PEBBLE_VA_NOSLEEP=1");
  env.push_back("PEBBLE_WFE_NONCEREJECT=" + std::to_string(options_.nonce_reject_percent));
  env.push_back("PEBBLE_AUTHZREUSE=" + std::to_string(options_.authz_reuse_percent));
  const std::string log = dir_ + "/pebble.log";
  auto pid = Spawn({"pebble", "-config", dir_ + "/pebble-config.json", "-dnsserver",
                    "127.0.0.1:" + std::to_string(dns_port_), "-strict"},
                   log, &env);
  if (!pid.ok()) return pid.status();
  pebble_pid_ = *pid;
  auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  while (true) {
    if (CanConnect(listen_port_) && CanConnect(management_port_) &&
        HttpsGet(listen_port_, tls_ca_pem_, "/dir").ok()) {
      break;
    }
    if (Exited(pebble_pid_)) {
      pebble_pid_ = -1;
      return absl::InternalError("pebble exited before it was ready: " + Tail(log));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      EndProcess(pebble_pid_);
      return absl::DeadlineExceededError("pebble's directory did not answer within 20 s: " +
                                         Tail(log));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  return FetchIssuers();
}

absl::Status PebbleProcess::FetchIssuers() {
  auto root = HttpsGet(management_port_, tls_ca_pem_, "/roots/0");
  if (!root.ok()) return root.status();
  auto intermediate = HttpsGet(management_port_, tls_ca_pem_, "/intermediates/0");
  if (!intermediate.ok()) return intermediate.status();
  root_pem_ = std::move(*root);
  intermediate_pem_ = std::move(*intermediate);
  return absl::OkStatus();
}

void PebbleProcess::Stop() { EndProcess(pebble_pid_); }

void PebbleProcess::Kill() {
  if (pebble_pid_ <= 0) return;
  kill(pebble_pid_, SIGKILL);
  waitpid(pebble_pid_, nullptr, 0);
  pebble_pid_ = -1;
}

absl::Status PebbleProcess::Restart() {
  Stop();
  return StartPebble();
}

}  // namespace upkeep::testing
