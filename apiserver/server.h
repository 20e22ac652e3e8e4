// ApiServer: `upkeep apiserver` assembled: storage (memory, or SQLite with --data-dir), the
// resource registry, the REST handlers, the watch hub, the garbage collector, and the HTTP(S)
// listener. Start() returns once the server answers requests; the kubeconfig for it is
// written only then, with the real address.
// Thread-safe: Start/Stop from one thread.
#pragma once

#include <memory>
#include <string>

#include <absl/status/status.h>

namespace upkeep::apiserver {

struct ApiServerOptions {
  std::string listen = "127.0.0.1:6443";  // HOST:PORT; port 0 picks a free port
  std::string data_dir;                   // empty: in memory only
  bool tls = false;                       // HTTPS with a generated CA and a bearer token
  std::string kubeconfig_out;             // written once ready, when set
  int io_threads = 2;
  int bookmark_interval_ms = 5000;        // progress bookmarks for watches that allow them
  size_t watch_history = 20000;           // events kept for watches from a resourceVersion
};

class ApiServer {
 public:
  explicit ApiServer(ApiServerOptions options);
  ~ApiServer();
  ApiServer(const ApiServer&) = delete;
  ApiServer& operator=(const ApiServer&) = delete;

  absl::Status Start();
  void Stop();

  // "http://127.0.0.1:43123" (or https), valid after Start.
  std::string Url() const;
  // The kubeconfig text for this server (also what --kubeconfig-out gets).
  std::string Kubeconfig() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  ApiServerOptions options_;
};

}  // namespace upkeep::apiserver
