#include "tests/support/s3rver_process.h"

#include <openssl/rand.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>
#include <vector>

#include "tests/support/child_process.h"

namespace upkeep::testing {
namespace {

namespace fs = std::filesystem;

constexpr std::chrono::seconds kStartTimeout{20};
constexpr std::chrono::seconds kCommandTimeout{30};
constexpr std::chrono::milliseconds kPollInterval{20};

bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  if (path == nullptr) return false;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    const std::string candidate = dirs.substr(start, end - start) + "/" + program;
    if (::access(candidate.c_str(), X_OK) == 0) return true;
    start = end + 1;
  }
  return false;
}

std::string RandomSecret() {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  unsigned char bytes[40];
  RAND_bytes(bytes, sizeof(bytes));
  std::string out;
  for (unsigned char b : bytes) out.push_back(kAlphabet[b % 64]);
  return out;
}

absl::Status RunCommand(const std::vector<std::string>& args, const std::string& log_path) {
  auto pid = Spawn(args, log_path);
  if (!pid.ok()) return pid.status();
  if (!WaitForExit(*pid, kCommandTimeout)) {
    pid_t running = *pid;
    EndProcess(running);
    return absl::DeadlineExceededError(args[0] + " did not finish within 30 s");
  }
  return absl::OkStatus();
}

}  // namespace

std::string S3rverProcess::PackageDir() {
  if (const char* env = std::getenv("UPKEEP_S3RVER_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::string(UPKEEP_SOURCE_DIR) + "/build-tools/s3rver/node_modules/s3rver";
}

absl::StatusOr<std::unique_ptr<S3rverProcess>> S3rverProcess::Start(S3rverOptions options) {
  const std::string package = PackageDir();
  if (!fs::exists(package + "/package.json")) {
    return absl::FailedPreconditionError(
        "s3rver is not installed at " + package +
        ": run scripts/setup.sh (it runs npm install --prefix build-tools/s3rver "
        "s3rver@3.7.1), or set UPKEEP_S3RVER_DIR to an installed s3rver package");
  }
  if (!OnPath("node")) {
    return absl::FailedPreconditionError("node is not on PATH; the S3 tests run s3rver with it");
  }
  std::string base = fs::temp_directory_path().string() + "/upkeep-s3rver-XXXXXX";
  if (::mkdtemp(base.data()) == nullptr) {
    return absl::InternalError("cannot create a temporary folder for s3rver");
  }
  std::unique_ptr<S3rverProcess> p(new S3rverProcess());
  if (options.secret_access_key.empty()) options.secret_access_key = RandomSecret();
  p->options_ = std::move(options);
  p->dir_ = base;
  p->data_dir_ = base + "/data";
  fs::create_directories(p->data_dir_);
  // s3rver makes ListObjectsV2 continuation tokens with DES, which OpenSSL 3 keeps in its
  // legacy provider.
  std::vector<std::string> args = {"node",
                                   "--openssl-legacy-provider",
                                   UPKEEP_S3RVER_LAUNCHER,
                                   "--s3rver",
                                   package,
                                   "--directory",
                                   p->data_dir_,
                                   "--bucket",
                                   p->options_.bucket,
                                   "--access-key",
                                   p->options_.access_key_id,
                                   "--secret-key",
                                   p->options_.secret_access_key};
  if (p->options_.tls) {
    if (absl::Status st = p->WriteTlsCertificate(); !st.ok()) return st;
    args.insert(args.end(), {"--key", base + "/tls.key", "--cert", base + "/tls.pem"});
  }
  const std::string log = base + "/s3rver.log";
  auto pid = Spawn(args, log);
  if (!pid.ok()) return pid.status();
  p->pid_ = *pid;

  const std::regex listening("listening on 127\\.0\\.0\\.1:([0-9]+)");
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  for (;;) {
    std::smatch match;
    const std::string text = ReadFile(log);
    if (std::regex_search(text, match, listening)) {
      p->port_ = std::stoi(match[1].str());
      break;
    }
    int wstatus = 0;
    if (::waitpid(p->pid_, &wstatus, WNOHANG) == p->pid_) {
      p->pid_ = -1;
      return absl::InternalError("s3rver exited before it listened: " + Tail(log));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      return absl::DeadlineExceededError("s3rver did not listen within 20 s: " + Tail(log));
    }
    std::this_thread::sleep_for(kPollInterval);
  }
  p->endpoint_ = std::string(p->options_.tls ? "https" : "http") + "://127.0.0.1:" +
                 std::to_string(p->port_);
  return p;
}

S3rverProcess::~S3rverProcess() {
  EndProcess(pid_);
  if (!dir_.empty()) {
    std::error_code ignored;
    fs::remove_all(dir_, ignored);
  }
}

std::string S3rverProcess::LogTail() const { return Tail(dir_ + "/s3rver.log"); }

absl::Status S3rverProcess::WriteTlsCertificate() {
  const std::string log = dir_ + "/openssl.log";
  const std::string ext = dir_ + "/leaf.ext";
  std::ofstream(ext) << "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
                        "basicConstraints=critical,CA:FALSE\n"
                        "keyUsage=critical,digitalSignature\n"
                        "extendedKeyUsage=serverAuth\n";
  const std::vector<std::vector<std::string>> commands = {
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir_ + "/ca.key", "-out", dir_ + "/ca.pem", "-days", "2", "-subj",
       "/CN=upkeep test s3rver CA"},
      {"openssl", "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", dir_ + "/tls.key", "-out", dir_ + "/tls.csr", "-subj", "/CN=127.0.0.1"},
      {"openssl", "x509", "-req", "-in", dir_ + "/tls.csr", "-CA", dir_ + "/ca.pem", "-CAkey",
       dir_ + "/ca.key", "-CAcreateserial", "-out", dir_ + "/tls.pem", "-days", "2", "-extfile",
       ext},
  };
  for (const auto& command : commands) {
    if (absl::Status st = RunCommand(command, log); !st.ok()) return st;
  }
  tls_ca_pem_ = ReadFile(dir_ + "/ca.pem");
  if (tls_ca_pem_.empty() || ReadFile(dir_ + "/tls.pem").empty()) {
    return absl::InternalError("openssl made no certificate for s3rver: " + Tail(log));
  }
  return absl::OkStatus();
}

}  // namespace upkeep::testing
