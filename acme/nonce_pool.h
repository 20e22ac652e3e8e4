// NoncePool: anti-replay nonces (RFC 8555 §6.5) handed out by an ACME server and not yet
// used. Every response carries a fresh Replay-Nonce; keeping them saves a HEAD newNonce
// round trip before most requests. Each nonce is used at most once. Thread-safe.
#pragma once

#include <deque>
#include <mutex>
#include <optional>
#include <string>

namespace upkeep::acme {

class NoncePool {
 public:
  // Keeps at most `capacity` nonces (the newest); older ones may have expired anyway.
  explicit NoncePool(size_t capacity = 16) : capacity_(capacity) {}

  // Ignores "" (a response without the header).
  void Add(std::string nonce);
  // The newest nonce, removed from the pool; nullopt when empty.
  std::optional<std::string> Take();
  size_t size() const;

 private:
  const size_t capacity_;
  mutable std::mutex mu_;
  std::deque<std::string> nonces_;  // guarded by mu_; newest at the back
};

}  // namespace upkeep::acme
