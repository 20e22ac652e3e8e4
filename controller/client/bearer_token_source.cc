#include "controller/client/bearer_token_source.h"

#include <sys/stat.h>

#include <fstream>
#include <sstream>

namespace upkeep::controller {

BearerTokenSource::BearerTokenSource(std::string static_token, std::string token_file)
    : static_token_(std::move(static_token)), token_file_(std::move(token_file)) {}

absl::StatusOr<std::string> BearerTokenSource::Token() {
  if (token_file_.empty()) return static_token_;
  std::lock_guard<std::mutex> lock(mu_);
  struct stat st {};
  bool stat_ok = ::stat(token_file_.c_str(), &st) == 0;
  bool changed = !loaded_ || !stat_ok || st.st_ino != inode_ || st.st_size != size_ ||
                 st.st_mtim.tv_sec != mtime_.tv_sec || st.st_mtim.tv_nsec != mtime_.tv_nsec;
  if (!changed) return token_;
  std::ifstream in(token_file_);
  if (stat_ok && in) {
    std::ostringstream text;
    text << in.rdbuf();
    std::string token = text.str();
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r' ||
                              token.back() == ' ')) {
      token.pop_back();
    }
    token_ = std::move(token);
    loaded_ = true;
    mtime_ = st.st_mtim;
    inode_ = st.st_ino;
    size_ = st.st_size;
    return token_;
  }
  if (loaded_) return token_;
  return absl::FailedPreconditionError("cannot read the bearer token file " + token_file_);
}

}  // namespace upkeep::controller
