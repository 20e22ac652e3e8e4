// BearerTokenSource: the bearer token for each request, from a static token or a token file
// that is re-read whenever it changes (the projected service-account token is rotated by the
// kubelet through an atomic symlink swap). A stat() per request is the whole cost.
// Thread-safe.
#pragma once

#include <sys/types.h>

#include <ctime>
#include <mutex>
#include <string>

#include <absl/status/statusor.h>

namespace upkeep::controller {

class BearerTokenSource {
 public:
  // `token_file` wins over `static_token` when both are set; neither means no token ("").
  BearerTokenSource(std::string static_token, std::string token_file);
  BearerTokenSource(const BearerTokenSource&) = delete;
  BearerTokenSource& operator=(const BearerTokenSource&) = delete;

  // The current token. A file that cannot be read keeps the last token it held; it is an
  // error only if it was never read.
  absl::StatusOr<std::string> Token();

 private:
  // Constant after construction.
  const std::string static_token_;
  const std::string token_file_;

  std::mutex mu_;
  std::string token_;         // guarded by mu_
  bool loaded_ = false;       // guarded by mu_
  timespec mtime_{};          // guarded by mu_; of the file when token_ was read
  ino_t inode_ = 0;           // guarded by mu_
  off_t size_ = -1;           // guarded by mu_
};

}  // namespace upkeep::controller
