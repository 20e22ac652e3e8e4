#include "crypto/served_certificate.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "crypto/internal/openssl_error.h"
#include "crypto/internal/openssl_ptr.h"

namespace upkeep::crypto {
namespace {

using Clock = std::chrono::steady_clock;
using internal::OpenSslFree;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslFree<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OpenSslFree<SSL, SSL_free>>;

struct HostPort {
  std::string host;
  std::string port;
};

absl::StatusOr<HostPort> SplitAddress(std::string_view address) {
  auto invalid = [&] {
    return absl::InvalidArgumentError("address \"" + std::string(address) +
                                      "\" is not host:port (use [::1]:443 for IPv6)");
  };
  size_t colon = address.rfind(':');
  if (colon == std::string_view::npos || colon + 1 == address.size()) return invalid();
  std::string_view host = address.substr(0, colon);
  if (host.find(':') != std::string_view::npos && host.front() != '[') return invalid();
  if (!host.empty() && host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return invalid();
    host = host.substr(1, host.size() - 2);
  }
  std::string_view port = address.substr(colon + 1);
  if (host.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) {
    return invalid();
  }
  return HostPort{std::string(host), std::string(port)};
}

bool IsIpLiteral(std::string_view name) {
  std::string text(name);
  unsigned char buf[sizeof(in6_addr)];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

class Socket {
 public:
  explicit Socket(int fd) : fd_(fd) {}
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  ~Socket() {
    if (fd_ >= 0) ::close(fd_);
  }
  int fd() const { return fd_; }

 private:
  int fd_;
};

// Blocks SIGPIPE on this thread while OpenSSL writes to a socket the server may have closed
// (a write there raises SIGPIPE, which kills a process that has not ignored it), then
// discards a SIGPIPE raised meanwhile.
class ScopedSigpipeBlock {
 public:
  ScopedSigpipeBlock() {
    sigemptyset(&pipe_);
    sigaddset(&pipe_, SIGPIPE);
    sigset_t pending;
    sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
    pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
  }
  ScopedSigpipeBlock(const ScopedSigpipeBlock&) = delete;
  ScopedSigpipeBlock& operator=(const ScopedSigpipeBlock&) = delete;
  ~ScopedSigpipeBlock() {
    sigset_t pending;
    sigpending(&pending);
    if (!was_pending_ && sigismember(&pending, SIGPIPE) == 1) {
      timespec none{0, 0};
      sigtimedwait(&pipe_, nullptr, &none);
    }
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }

 private:
  sigset_t pipe_;
  sigset_t old_;
  bool was_pending_ = false;
};

int RemainingMs(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Waits for `events` on `fd` until `deadline`; false on timeout.
bool WaitFor(int fd, short events, Clock::time_point deadline) {
  while (true) {
    pollfd p{fd, events, 0};
    int ready = ::poll(&p, 1, RemainingMs(deadline));
    if (ready > 0) return true;
    if (ready == 0) return false;
    if (errno != EINTR) return false;
  }
}

// A non-blocking socket connected to one of the host's addresses.
absl::StatusOr<std::unique_ptr<Socket>> Connect(const HostPort& target, std::string_view address,
                                                Clock::time_point deadline) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  if (int rc = ::getaddrinfo(target.host.c_str(), target.port.c_str(), &hints, &found); rc != 0) {
    return absl::UnavailableError("resolving " + target.host + ": " + gai_strerror(rc));
  }
  std::unique_ptr<addrinfo, decltype(&::freeaddrinfo)> addresses(found, ::freeaddrinfo);
  std::string last_error = "no address";
  for (addrinfo* a = addresses.get(); a != nullptr; a = a->ai_next) {
    auto socket = std::make_unique<Socket>(
        ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (socket->fd() < 0) {
      last_error = std::strerror(errno);
      continue;
    }
    if (::connect(socket->fd(), a->ai_addr, a->ai_addrlen) == 0) return socket;
    if (errno != EINPROGRESS) {
      last_error = std::strerror(errno);
      continue;
    }
    if (!WaitFor(socket->fd(), POLLOUT, deadline)) {
      return absl::DeadlineExceededError("connecting to " + std::string(address) + ": timed out");
    }
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(socket->fd(), SOL_SOCKET, SO_ERROR, &error, &size);
    if (error == 0) return socket;
    last_error = std::strerror(error);
  }
  return absl::UnavailableError("connecting to " + std::string(address) + ": " + last_error);
}

}  // namespace

absl::StatusOr<std::string> FetchServedCertificatePem(std::string_view address,
                                                      std::string_view server_name,
                                                      std::chrono::milliseconds timeout) {
  const Clock::time_point deadline = Clock::now() + timeout;
  ScopedSigpipeBlock no_sigpipe;
  absl::StatusOr<HostPort> target = SplitAddress(address);
  if (!target.ok()) return target.status();
  absl::StatusOr<std::unique_ptr<Socket>> socket = Connect(*target, address, deadline);
  if (!socket.ok()) return socket.status();

  SslCtxPtr context(SSL_CTX_new(TLS_client_method()));
  if (!context) return internal::OpenSslInternalError("creating a TLS context");
  SSL_CTX_set_min_proto_version(context.get(), TLS1_2_VERSION);
  // Identification, not trust: see the header.
  SSL_CTX_set_verify(context.get(), SSL_VERIFY_NONE, nullptr);
  SslPtr ssl(SSL_new(context.get()));
  if (!ssl || SSL_set_fd(ssl.get(), (*socket)->fd()) != 1) {
    return internal::OpenSslInternalError("creating a TLS connection");
  }
  if (!server_name.empty() && !IsIpLiteral(server_name)) {
    SSL_set_tlsext_host_name(ssl.get(), std::string(server_name).c_str());
  }
  ERR_clear_error();
  while (true) {
    int rc = SSL_connect(ssl.get());
    if (rc == 1) break;
    int reason = SSL_get_error(ssl.get(), rc);
    short events = reason == SSL_ERROR_WANT_READ ? POLLIN
                   : reason == SSL_ERROR_WANT_WRITE ? POLLOUT
                                                    : 0;
    if (events == 0) {
      return internal::OpenSslError(absl::StatusCode::kUnavailable,
                                    "TLS handshake with " + std::string(address));
    }
    if (!WaitFor((*socket)->fd(), events, deadline)) {
      return absl::DeadlineExceededError("TLS handshake with " + std::string(address) +
                                         ": timed out");
    }
  }
  internal::X509Ptr leaf(SSL_get1_peer_certificate(ssl.get()));
  if (!leaf) {
    return absl::UnavailableError(std::string(address) + " presented no certificate");
  }
  internal::BioPtr out(BIO_new(BIO_s_mem()));
  if (!out || PEM_write_bio_X509(out.get(), leaf.get()) != 1) {
    return internal::OpenSslInternalError("writing the served certificate as PEM");
  }
  char* data = nullptr;
  long size = BIO_get_mem_data(out.get(), &data);
  std::string pem(data, static_cast<size_t>(size));
  SSL_shutdown(ssl.get());  // best effort: the server need not wait for us
  return pem;
}

}  // namespace upkeep::crypto
