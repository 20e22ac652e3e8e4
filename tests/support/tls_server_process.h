// A real TLS endpoint for tests: `openssl s_server` on 127.0.0.1 with an ephemeral port,
// serving a given certificate (and, for one SNI name, another), until stopped. What
// CertRenewal's verifyServing connects to in tests.
//
// Thread-compatible; the process ends with the object (or the test binary).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>

#include <absl/status/statusor.h>

namespace upkeep::testing {

struct TlsServerOptions {
  std::string cert_pem;  // the leaf first, then any intermediates
  std::string key_pem;
  // When set, a client sending this SNI name gets `sni_cert_pem` instead.
  std::string sni_name;
  std::string sni_cert_pem;
  std::string sni_key_pem;
  int port = 0;  // 0: a free one (a restarted server can take its predecessor's port)
};

class TlsServerProcess {
 public:
  static absl::StatusOr<std::unique_ptr<TlsServerProcess>> Start(const TlsServerOptions& options);
  TlsServerProcess(const TlsServerProcess&) = delete;
  TlsServerProcess& operator=(const TlsServerProcess&) = delete;
  ~TlsServerProcess();

  // "127.0.0.1:PORT".
  const std::string& address() const { return address_; }
  // Its output so far, for failure messages.
  std::string LogTail() const;

 private:
  TlsServerProcess() = default;

  std::string dir_;  // holds the PEM files (0600) and the log
  std::string address_;
  pid_t pid_ = -1;
};

}  // namespace upkeep::testing
