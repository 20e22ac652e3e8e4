// HttpServer: a small HTTP/1.1 server (plain or TLS) on Boost.Asio for the API server.
//
// Why not cpprestsdk's http_listener: the API server must report the real port when asked to
// listen on port 0, stream watch responses chunk by chunk with a bounded per-client buffer
// (a slow watcher is dropped instead of blocking the others), and notice when a watcher goes
// away. Boost.Asio is already part of the stack through cpprestsdk.
//
// Handlers run on the server's I/O threads and must not block for long. Thread-safe: Start
// and Stop from one thread; ChunkSink methods from any thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <absl/status/status.h>

namespace boost::asio::ssl {
class context;
}

namespace upkeep::apiserver {

struct HttpRequest {
  std::string method;                         // "GET"
  std::string path;                           // decoded path without the query
  std::map<std::string, std::string> query;   // decoded; a repeated key keeps the first value
  std::map<std::string, std::string> headers; // keys lower-case
  std::string body;
  std::string remote_address;

  // The header's value or "" when absent; `name` lower-case.
  const std::string& Header(const std::string& name) const;
  // The query parameter's value or "" when absent.
  const std::string& Query(const std::string& name) const;
  bool HasQuery(const std::string& name) const { return query.count(name) > 0; }
  // A boolean parameter as kube-apiserver reads one: absent is false; "0", "f" and "false"
  // (any case) are false; anything else, "True" and "" included, is true.
  bool QueryFlag(const std::string& name) const;
};

// The writing end of a streamed (chunked) response. Thread-safe.
class ChunkSink {
 public:
  virtual ~ChunkSink() = default;
  // Queues one chunk. Returns false once the stream is closed, including when the client is
  // too slow and its queue passed the limit (then the stream is dropped).
  virtual bool Write(std::string chunk) = 0;
  // The same for a chunk shared by many streams (one watch event sent to every watcher): the
  // bytes are written from the shared buffer, never copied per stream.
  virtual bool WriteShared(std::shared_ptr<const std::string> chunk) = 0;
  // Ends the stream after the queued chunks are sent; the connection then closes.
  virtual void Close() = 0;
  virtual bool IsClosed() const = 0;
};

struct HttpResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  std::string content_type = "application/json";

  // When set, the response is streamed: headers go out with chunked encoding and this is
  // called with the sink; `on_stream_closed` runs once when the stream ends for any reason
  // (client gone, dropped as slow, closed by the server, deadline).
  std::function<void(std::shared_ptr<ChunkSink>)> on_stream_open;
  std::function<void()> on_stream_closed;
  // A streamed response is ended cleanly at this time (watch timeoutSeconds).
  std::optional<std::chrono::steady_clock::time_point> stream_deadline;
};

using HttpHandler = std::function<HttpResponse(const HttpRequest&)>;

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;            // 0 picks a free port; see HttpServer::port()
  int io_threads = 2;
  size_t max_body_bytes = 8 << 20;       // as kube-apiserver's 3 MiB object limit, with room
  size_t max_stream_queue_bytes = 16 << 20;  // a watcher further behind than this is dropped
  // TLS when set: the server presents this context's certificate.
  std::shared_ptr<boost::asio::ssl::context> tls;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, HttpHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads.
  absl::Status Start();
  // Stops accepting, closes every connection and joins the threads. Idempotent.
  void Stop();
  // The bound port (the real one when options.port was 0). Valid after Start.
  uint16_t port() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// "200 OK" style reason phrases for the status line.
const char* HttpReasonPhrase(int status);

}  // namespace upkeep::apiserver
