#include "apiserver/http/http_server.h"

#include <array>
#include <atomic>
#include <deque>
#include <mutex>
#include <set>
#include <thread>

#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>

#include "apiserver/http/url_decoding.h"

namespace upkeep::apiserver {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Strand = asio::strand<asio::io_context::executor_type>;

const std::string kEmpty;

std::string ToLower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

// Parses "GET /path?x=y HTTP/1.1" and header lines; false on malformed input.
bool ParseHead(const std::string& head, HttpRequest* req, std::string* version) {
  size_t line_end = head.find("\r\n");
  std::string line = head.substr(0, line_end);
  size_t sp1 = line.find(' ');
  size_t sp2 = line.rfind(' ');
  if (sp1 == std::string::npos || sp2 == sp1) return false;
  req->method = line.substr(0, sp1);
  std::string target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  *version = line.substr(sp2 + 1);
  size_t q = target.find('?');
  req->path = PercentDecode(target.substr(0, q), /*plus_is_space=*/false);
  if (q != std::string::npos) ParseQueryString(target.substr(q + 1), &req->query);
  size_t pos = line_end + 2;
  while (pos < head.size()) {
    size_t end = head.find("\r\n", pos);
    if (end == std::string::npos) end = head.size();
    std::string h = head.substr(pos, end - pos);
    pos = end + 2;
    if (h.empty()) break;
    size_t colon = h.find(':');
    if (colon == std::string::npos) return false;
    std::string key = ToLower(h.substr(0, colon));
    std::string value = Trim(h.substr(colon + 1));
    auto [it, inserted] = req->headers.emplace(key, value);
    if (!inserted) it->second += ", " + value;
  }
  return true;
}

std::string Hex(size_t n) {
  char buf[32];
  snprintf(buf, sizeof buf, "%zx", n);
  return buf;
}

class ConnectionBase {
 public:
  virtual ~ConnectionBase() = default;
  virtual void Shutdown() = 0;
};

struct ServerState {
  HttpServerOptions options;
  HttpHandler handler;
  std::mutex mu;
  std::set<std::weak_ptr<ConnectionBase>, std::owner_less<std::weak_ptr<ConnectionBase>>>
      connections;  // guarded by mu
};

template <class Stream>
class Connection : public ConnectionBase,
                   public std::enable_shared_from_this<Connection<Stream>> {
 public:
  Connection(Stream stream, Strand strand, std::shared_ptr<ServerState> state)
      : stream_(std::move(stream)), strand_(std::move(strand)), state_(std::move(state)) {}

  ~Connection() override { NotifyStreamClosed(); }

  void Start() {
    if constexpr (kTls) {
      stream_.async_handshake(asio::ssl::stream_base::server,
                              asio::bind_executor(strand_, [self = this->shared_from_this()](
                                                               boost::system::error_code ec) {
                                if (!ec) self->ReadHead();
                              }));
    } else {
      ReadHead();
    }
  }

  void Shutdown() override {
    asio::post(strand_, [self = this->shared_from_this()] { self->CloseSocket(); });
  }

  // Called through the sink, from any thread.
  bool QueueChunk(std::shared_ptr<const std::string> data) {
    if (stream_closed_.load()) return false;
    static const auto kCrlf = std::make_shared<const std::string>("\r\n");
    auto header = std::make_shared<const std::string>(Hex(data->size()) + "\r\n");
    size_t size = header->size() + data->size() + kCrlf->size();
    size_t queued = queued_bytes_.fetch_add(size) + size;
    if (queued > state_->options.max_stream_queue_bytes) {
      // Too far behind: drop this watcher rather than buffer without bound.
      stream_closed_ = true;
      Shutdown();
      return false;
    }
    asio::post(strand_, [self = this->shared_from_this(), header = std::move(header),
                         data = std::move(data)]() mutable {
      self->pending_.push_back(std::move(header));
      self->pending_.push_back(std::move(data));
      self->pending_.push_back(kCrlf);
      self->Flush();
    });
    return true;
  }

  void CloseStream() {
    asio::post(strand_, [self = this->shared_from_this()] {
      if (self->ending_) return;
      self->ending_ = true;
      self->Flush();
    });
  }

  bool StreamClosed() const { return stream_closed_.load(); }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, tcp::socket>;

  tcp::socket& Socket() {
    if constexpr (kTls) {
      return stream_.next_layer();
    } else {
      return stream_;
    }
  }

  void ReadHead() {
    asio::async_read_until(
        stream_, buffer_, "\r\n\r\n",
        asio::bind_executor(strand_, [self = this->shared_from_this()](
                                         boost::system::error_code ec, size_t n) {
          if (ec) return self->CloseSocket();
          std::string head(asio::buffers_begin(self->buffer_.data()),
                           asio::buffers_begin(self->buffer_.data()) + static_cast<long>(n));
          self->buffer_.consume(n);
          self->request_ = HttpRequest{};
          std::string version;
          if (!ParseHead(head, &self->request_, &version)) return self->WriteError(400);
          boost::system::error_code ignored;
          auto ep = self->Socket().remote_endpoint(ignored);
          self->request_.remote_address = ep.address().to_string();
          self->keep_alive_ = version == "HTTP/1.1"
                                  ? ToLower(self->request_.Header("connection")) != "close"
                                  : ToLower(self->request_.Header("connection")) == "keep-alive";
          if (ToLower(self->request_.Header("transfer-encoding")).find("chunked") !=
              std::string::npos) {
            return self->ReadChunkSize();
          }
          const std::string& cl = self->request_.Header("content-length");
          size_t length = cl.empty() ? 0 : std::strtoull(cl.c_str(), nullptr, 10);
          if (length > self->state_->options.max_body_bytes) return self->WriteError(413);
          self->ReadBody(length);
        }));
  }

  void ReadBody(size_t length) {
    size_t have = buffer_.size();
    if (have >= length) {
      request_.body.assign(asio::buffers_begin(buffer_.data()),
                           asio::buffers_begin(buffer_.data()) + static_cast<long>(length));
      buffer_.consume(length);
      return Dispatch();
    }
    asio::async_read(stream_, buffer_, asio::transfer_exactly(length - have),
                     asio::bind_executor(strand_, [self = this->shared_from_this(), length](
                                                      boost::system::error_code ec, size_t) {
                       if (ec) return self->CloseSocket();
                       self->ReadBody(length);
                     }));
  }

  void ReadChunkSize() {
    asio::async_read_until(
        stream_, buffer_, "\r\n",
        asio::bind_executor(strand_, [self = this->shared_from_this()](
                                         boost::system::error_code ec, size_t n) {
          if (ec) return self->CloseSocket();
          std::string line(asio::buffers_begin(self->buffer_.data()),
                           asio::buffers_begin(self->buffer_.data()) + static_cast<long>(n));
          self->buffer_.consume(n);
          size_t size = std::strtoull(line.c_str(), nullptr, 16);
          if (self->request_.body.size() + size > self->state_->options.max_body_bytes) {
            return self->WriteError(413);
          }
          self->ReadChunkData(size);
        }));
  }

  void ReadChunkData(size_t size) {
    size_t need = size + 2;  // data and its CRLF
    size_t have = buffer_.size();
    auto consume = [this, size] {
      request_.body.append(asio::buffers_begin(buffer_.data()),
                           asio::buffers_begin(buffer_.data()) + static_cast<long>(size));
      buffer_.consume(size + 2);
      if (size == 0) {
        Dispatch();  // trailers are not used by any client we serve
      } else {
        ReadChunkSize();
      }
    };
    if (have >= need) return consume();
    asio::async_read(stream_, buffer_, asio::transfer_exactly(need - have),
                     asio::bind_executor(strand_, [self = this->shared_from_this(), consume](
                                                      boost::system::error_code ec, size_t) {
                       if (ec) return self->CloseSocket();
                       consume();
                     }));
  }

  void WriteError(int status) {
    keep_alive_ = false;
    HttpResponse response;
    response.status = status;
    response.content_type = "text/plain";
    response.body = HttpReasonPhrase(status);
    WriteResponse(std::move(response));
  }

  void Dispatch() {
    HttpResponse response;
    try {
      response = state_->handler(request_);
    } catch (const std::exception& e) {
      response = HttpResponse{};
      response.status = 500;
      response.content_type = "text/plain";
      response.body = std::string("internal error: ") + e.what();
    }
    WriteResponse(std::move(response));
  }

  std::string StatusLineAndHeaders(const HttpResponse& r, bool chunked) {
    std::string out = "HTTP/1.1 " + std::to_string(r.status) + " " + HttpReasonPhrase(r.status) +
                      "\r\n";
    out += "Content-Type: " + r.content_type + "\r\n";
    for (const auto& [k, v] : r.headers) out += k + ": " + v + "\r\n";
    if (chunked) {
      out += "Transfer-Encoding: chunked\r\n";
    } else {
      out += "Content-Length: " + std::to_string(r.body.size()) + "\r\n";
    }
    if (!keep_alive_ || chunked) out += "Connection: close\r\n";
    out += "\r\n";
    return out;
  }

  void WriteResponse(HttpResponse response) {
    if (response.on_stream_open) return StartStream(std::move(response));
    // Headers and body go out as two buffers: a large list body is never copied again.
    auto data = std::make_shared<std::pair<std::string, std::string>>(
        StatusLineAndHeaders(response, false), std::move(response.body));
    if (request_.method == "HEAD") data->second.clear();
    std::array<asio::const_buffer, 2> buffers = {asio::buffer(data->first),
                                                 asio::buffer(data->second)};
    asio::async_write(stream_, buffers,
                      asio::bind_executor(strand_, [self = this->shared_from_this(), data](
                                                       boost::system::error_code ec, size_t) {
                        if (ec || !self->keep_alive_) return self->CloseSocket();
                        self->ReadHead();
                      }));
  }

  // --- streamed responses -------------------------------------------------------------

  class Sink : public ChunkSink {
   public:
    explicit Sink(std::weak_ptr<Connection> conn) : conn_(std::move(conn)) {}
    bool Write(std::string chunk) override {
      return WriteShared(std::make_shared<const std::string>(std::move(chunk)));
    }
    bool WriteShared(std::shared_ptr<const std::string> chunk) override {
      if (chunk->empty()) return !IsClosed();
      auto c = conn_.lock();
      return c && c->QueueChunk(std::move(chunk));
    }
    void Close() override {
      if (auto c = conn_.lock()) c->CloseStream();
    }
    bool IsClosed() const override {
      auto c = conn_.lock();
      return !c || c->StreamClosed();
    }

   private:
    std::weak_ptr<Connection> conn_;
  };

  void StartStream(HttpResponse response) {
    streaming_ = true;
    keep_alive_ = false;
    on_stream_closed_ = std::move(response.on_stream_closed);
    pending_.push_back(std::make_shared<const std::string>(StatusLineAndHeaders(response, true)));
    if (response.stream_deadline) {
      deadline_ = std::make_unique<asio::steady_timer>(strand_, *response.stream_deadline);
      deadline_->async_wait([self = this->shared_from_this()](boost::system::error_code ec) {
        if (!ec) self->CloseStream();
      });
    }
    WatchForHangup();
    // Opened before the headers go out: a client that has seen them can rely on the stream
    // being registered (e.g. to be dropped by a fault).
    response.on_stream_open(std::make_shared<Sink>(this->weak_from_this()));
    Flush();
  }

  // A streaming client sends nothing more; a completed read means it hung up.
  void WatchForHangup() {
    stream_.async_read_some(
        asio::buffer(hangup_buf_),
        asio::bind_executor(strand_, [self = this->shared_from_this()](
                                         boost::system::error_code ec, size_t) {
          if (ec) return self->CloseSocket();
          self->WatchForHangup();
        }));
  }

  void Flush() {
    if (writing_ || socket_closed_) return;
    if (pending_.empty()) {
      if (ending_) {
        ending_ = false;
        pending_.push_back(std::make_shared<const std::string>("0\r\n\r\n"));
        final_chunk_queued_ = true;
      } else {
        return;
      }
    }
    writing_ = true;
    // One gathered write of everything queued; the pieces stay alive until it completes.
    auto batch = std::make_shared<std::vector<std::shared_ptr<const std::string>>>(
        std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.end()));
    pending_.clear();
    std::vector<asio::const_buffer> buffers;
    size_t bytes = 0;
    buffers.reserve(batch->size());
    for (const auto& piece : *batch) {
      buffers.push_back(asio::buffer(*piece));
      bytes += piece->size();
    }
    asio::async_write(stream_, buffers,
                      asio::bind_executor(strand_, [self = this->shared_from_this(), batch, bytes](
                                                       boost::system::error_code ec, size_t) {
                        self->writing_ = false;
                        self->queued_bytes_ -= std::min(self->queued_bytes_.load(), bytes);
                        if (ec) return self->CloseSocket();
                        if (self->final_chunk_queued_ && self->pending_.empty()) {
                          return self->CloseSocket();
                        }
                        self->Flush();
                      }));
  }

  void NotifyStreamClosed() {
    stream_closed_ = true;
    if (auto cb = std::move(on_stream_closed_)) {
      on_stream_closed_ = nullptr;
      cb();
    }
  }

  void CloseSocket() {
    if (socket_closed_) return;
    socket_closed_ = true;
    if (deadline_) deadline_->cancel();
    boost::system::error_code ignored;
    Socket().shutdown(tcp::socket::shutdown_both, ignored);
    Socket().close(ignored);
    NotifyStreamClosed();
  }

  Stream stream_;
  Strand strand_;
  std::shared_ptr<ServerState> state_;
  asio::streambuf buffer_;
  HttpRequest request_;
  bool keep_alive_ = true;
  // Streaming state, touched only on strand_ except the atomics.
  bool streaming_ = false;
  bool writing_ = false;
  bool ending_ = false;
  bool final_chunk_queued_ = false;
  bool socket_closed_ = false;
  std::deque<std::shared_ptr<const std::string>> pending_;
  std::atomic<size_t> queued_bytes_{0};
  std::atomic<bool> stream_closed_{false};
  std::function<void()> on_stream_closed_;
  std::unique_ptr<asio::steady_timer> deadline_;
  char hangup_buf_[64];
};

}  // namespace

const std::string& HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(name);
  return it == headers.end() ? kEmpty : it->second;
}

bool HttpRequest::QueryFlag(const std::string& name) const {
  auto it = query.find(name);
  if (it == query.end()) return false;
  std::string v = ToLower(it->second);
  return !(v == "0" || v == "f" || v == "false");
}

const std::string& HttpRequest::Query(const std::string& name) const {
  auto it = query.find(name);
  return it == query.end() ? kEmpty : it->second;
}

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, HttpHandler handler)
      : state_(std::make_shared<ServerState>()), acceptor_(io_) {
    state_->options = std::move(options);
    state_->handler = std::move(handler);
  }

  absl::Status Start() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(state_->options.host, ec);
    if (ec) return absl::InvalidArgumentError("invalid listen host " + state_->options.host);
    tcp::endpoint endpoint(address, state_->options.port);
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
      return absl::UnavailableError("cannot listen on " + state_->options.host + ":" +
                                    std::to_string(state_->options.port) + ": " + ec.message());
    }
    port_ = acceptor_.local_endpoint().port();
    Accept();
    for (int i = 0; i < std::max(1, state_->options.io_threads); ++i) {
      threads_.emplace_back([this] { io_.run(); });
    }
    return absl::OkStatus();
  }

  void Stop() {
    if (stopped_.exchange(true)) return;
    asio::post(io_, [this] {
      boost::system::error_code ignored;
      acceptor_.close(ignored);
    });
    {
      std::lock_guard<std::mutex> lock(state_->mu);
      for (auto& weak : state_->connections) {
        if (auto c = weak.lock()) c->Shutdown();
      }
    }
    work_.reset();
    for (auto& t : threads_) t.join();
    threads_.clear();
  }

  uint16_t port() const { return port_; }

 private:
  void Accept() {
    acceptor_.async_accept(asio::make_strand(io_), [this](boost::system::error_code ec,
                                                          tcp::socket socket) {
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
        return Accept();
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto strand = asio::make_strand(io_);
      std::shared_ptr<ConnectionBase> base;
      if (state_->options.tls) {
        using TlsStream = asio::ssl::stream<tcp::socket>;
        auto c = std::make_shared<Connection<TlsStream>>(
            TlsStream(std::move(socket), *state_->options.tls), strand, state_);
        base = c;
        c->Start();
      } else {
        auto c = std::make_shared<Connection<tcp::socket>>(std::move(socket), strand, state_);
        base = c;
        c->Start();
      }
      {
        std::lock_guard<std::mutex> lock(state_->mu);
        for (auto it = state_->connections.begin(); it != state_->connections.end();) {
          it = it->expired() ? state_->connections.erase(it) : std::next(it);
        }
        state_->connections.insert(base);
      }
      Accept();
    });
  }

  std::shared_ptr<ServerState> state_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ =
      asio::make_work_guard(io_);
  tcp::acceptor acceptor_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  std::atomic<bool> stopped_{false};
};

HttpServer::HttpServer(HttpServerOptions options, HttpHandler handler)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler))) {}

HttpServer::~HttpServer() { Stop(); }

absl::Status HttpServer::Start() { return impl_->Start(); }
void HttpServer::Stop() { impl_->Stop(); }
uint16_t HttpServer::port() const { return impl_->port(); }

const char* HttpReasonPhrase(int status) {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 406: return "Not Acceptable";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Request Entity Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Entity";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "Unknown";
  }
}

}  // namespace upkeep::apiserver
