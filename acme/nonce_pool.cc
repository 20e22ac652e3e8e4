#include "acme/nonce_pool.h"

namespace upkeep::acme {

void NoncePool::Add(std::string nonce) {
  if (nonce.empty() || capacity_ == 0) return;
  std::lock_guard<std::mutex> lock(mu_);
  nonces_.push_back(std::move(nonce));
  while (nonces_.size() > capacity_) nonces_.pop_front();
}

std::optional<std::string> NoncePool::Take() {
  std::lock_guard<std::mutex> lock(mu_);
  if (nonces_.empty()) return std::nullopt;
  std::string nonce = std::move(nonces_.back());
  nonces_.pop_back();
  return nonce;
}

size_t NoncePool::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return nonces_.size();
}

}  // namespace upkeep::acme
