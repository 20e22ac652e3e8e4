// PebbleProcess: Let's Encrypt's test ACME server, pebble, with its mock DNS server
// pebble-challtestsrv, as real processes for integration tests (Debian package `pebble`).
//
// Everything is on 127.0.0.1 with free ports, in a temporary folder removed afterwards: a
// TLS certificate for pebble's own HTTPS listener (from a throwaway CA, `tls_ca_pem()`),
// pebble's config, and the logs. challtestsrv answers every A query with 127.0.0.1 (and no
// AAAA), so pebble validates HTTP-01 for any name against 127.0.0.1:<http_port>, where the
// test's solver listens. Validation is real: PEBBLE_VA_ALWAYS_VALID is never set, and
// PEBBLE_VA_NOSLEEP=1 keeps it fast. Both processes get PR_SET_PDEATHSIG and are ended by PID
// in the destructor (SIGTERM, SIGKILL after 5 s); every wait is bounded.
//
// Not thread-safe: drive it from the test's main thread (the death signal follows the thread
// that started the process).
#pragma once

#include <absl/status/statusor.h>
#include <sys/types.h>

#include <map>
#include <memory>
#include <string>

namespace upkeep::testing {

struct PebbleOptions {
  int http_port = 0;  // where pebble validates HTTP-01: the solver's port; required
  // PEBBLE_WFE_NONCEREJECT: the percentage of good nonces rejected as badNonce; default 0.
  int nonce_reject_percent = 0;
  // PEBBLE_AUTHZREUSE: how often a valid authorization is reused; default 0 (each order is
  // validated afresh, so tests are deterministic).
  int authz_reuse_percent = 0;
  // externalAccountBindingRequired with these key IDs → base64url MAC keys; empty = off.
  std::map<std::string, std::string> eab_mac_keys{};
  // certificateValidityPeriod: the lifetime of issued certificates in seconds; 0 = pebble's
  // default (5 years). Short lifetimes make renewal testable in real time.
  int certificate_validity_seconds = 0;
};

class PebbleProcess {
 public:
  // Starts challtestsrv and pebble and waits (≤ 20 s) until the directory answers and the
  // issuing CA's certificates are fetched.
  static absl::StatusOr<std::unique_ptr<PebbleProcess>> Start(PebbleOptions options);
  ~PebbleProcess();
  PebbleProcess(const PebbleProcess&) = delete;
  PebbleProcess& operator=(const PebbleProcess&) = delete;

  // https://127.0.0.1:<port>/dir
  const std::string& directory_url() const { return directory_url_; }
  // The CA that signed pebble's listener certificate: the ACME client's CA bundle.
  const std::string& tls_ca_pem() const { return tls_ca_pem_; }
  // The issuing hierarchy of this run (pebble makes a new one on every start), from the
  // management interface's /roots/0 and /intermediates/0: for `openssl verify`.
  const std::string& root_pem() const { return root_pem_; }
  const std::string& intermediate_pem() const { return intermediate_pem_; }
  const std::string& dir() const { return dir_; }
  pid_t pid() const { return pebble_pid_; }
  // The end of pebble's log, for failure messages.
  std::string LogTail() const;

  // Outages: SIGTERM (waiting ≤ 5 s, then SIGKILL) or SIGKILL pebble; challtestsrv stays.
  void Stop();
  void Kill();
  // Starts pebble again on the same ports. It keeps no state: accounts and orders are gone
  // and the issuing CA is new (root_pem() and intermediate_pem() are refreshed).
  absl::Status Restart();

 private:
  PebbleProcess() = default;
  absl::Status WriteTlsCertificate();
  absl::Status WriteConfig();
  absl::Status StartChallTestSrv();
  absl::Status StartPebble();
  absl::Status FetchIssuers();

  PebbleOptions options_;
  std::string dir_;
  int listen_port_ = 0;
  int management_port_ = 0;
  int tls_port_ = 0;
  int dns_port_ = 0;
  int challtestsrv_management_port_ = 0;
  std::string directory_url_;
  std::string tls_ca_pem_;
  std::string root_pem_;
  std::string intermediate_pem_;
  pid_t pebble_pid_ = -1;
  pid_t challtestsrv_pid_ = -1;
};

}  // namespace upkeep::testing
