// S3rverProcess: s3rver, an S3-compatible server (npm, pinned and installed by
// scripts/setup.sh into build-tools/s3rver), as a real process for the S3 destination's
// integration tests.
//
// It runs through tests/support/s3rver_process.js, which checks every request's SigV4
// signature (s3rver 3.7 itself does not), on 127.0.0.1 with a port the OS picks, storing
// objects in a temporary folder removed afterwards; one bucket is created at start. With
// `tls`, it serves https with a certificate for 127.0.0.1 from a throwaway CA
// (`tls_ca_pem()`). s3rver keeps no multipart upload listing and cannot abort one: those two
// S3 calls answer NotImplemented / MethodNotAllowed.
//
// Missing node or s3rver is an error naming what to install, never a skip. The process gets
// PR_SET_PDEATHSIG and is ended by PID in the destructor (SIGTERM, SIGKILL after 5 s); every
// wait is bounded.
//
// Not thread-safe: drive it from the test's main thread.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include <absl/status/statusor.h>

namespace upkeep::testing {

struct S3rverOptions {
  std::string bucket = "upkeep-test";  // created at start
  std::string access_key_id = "AKIAUPKEEPTEST000001";
  // The secret the server accepts; "" = a random one for this run.
  std::string secret_access_key = "";
  bool tls = false;  // https with a throwaway CA
};

class S3rverProcess {
 public:
  // Starts s3rver and waits (≤ 20 s) until it listens.
  static absl::StatusOr<std::unique_ptr<S3rverProcess>> Start(S3rverOptions options = {});
  ~S3rverProcess();
  S3rverProcess(const S3rverProcess&) = delete;
  S3rverProcess& operator=(const S3rverProcess&) = delete;

  // http://127.0.0.1:<port> (https with `tls`).
  const std::string& endpoint() const { return endpoint_; }
  int port() const { return port_; }
  const std::string& bucket() const { return options_.bucket; }
  const std::string& access_key_id() const { return options_.access_key_id; }
  const std::string& secret_access_key() const { return options_.secret_access_key; }
  // The CA of the https listener's certificate ("" without `tls`).
  const std::string& tls_ca_pem() const { return tls_ca_pem_; }
  // Where s3rver keeps the objects (a folder per bucket).
  const std::string& data_dir() const { return data_dir_; }
  pid_t pid() const { return pid_; }
  // s3rver's log: one line per request, and per stored part ("Stored part 3 of <upload>").
  std::string log_path() const { return dir_ + "/s3rver.log"; }
  // The end of s3rver's log, for failure messages.
  std::string LogTail() const;

  // Where the s3rver package is: $UPKEEP_S3RVER_DIR, else build-tools/s3rver in the source
  // tree.
  static std::string PackageDir();

 private:
  S3rverProcess() = default;
  absl::Status WriteTlsCertificate();

  S3rverOptions options_;
  std::string dir_;
  std::string data_dir_;
  std::string endpoint_;
  std::string tls_ca_pem_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace upkeep::testing
