#include "reconcilers/certs/renewal_info_cache.h"

#include <algorithm>

namespace upkeep::reconcilers::certs {
namespace {

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

constexpr seconds kDefaultRetryAfter = hours(6);
constexpr seconds kMinRetryAfter = minutes(1);
constexpr seconds kMaxRetryAfter = hours(24);
constexpr seconds kRetryAfterFailure = hours(1);
// Entries of certificates long replaced are dropped once this many are kept.
constexpr size_t kMaxEntries = 10000;

}  // namespace

std::optional<std::optional<RenewalWindow>> RenewalInfoCache::Lookup(const std::string& key,
                                                                     TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || now >= it->second.ask_again) return std::nullopt;
  return it->second.window;
}

std::optional<RenewalWindow> RenewalInfoCache::Store(
    const std::string& key, const absl::StatusOr<acme::RenewalInfo>& answer, TimePoint now) {
  Entry entry;
  if (answer.ok() && answer->window_start < answer->window_end) {
    entry.window = RenewalWindow{answer->window_start, answer->window_end};
    seconds wait = std::clamp(answer->retry_after.value_or(kDefaultRetryAfter), kMinRetryAfter,
                              kMaxRetryAfter);
    entry.ask_again = now + wait;
  } else {
    entry.ask_again = now + kRetryAfterFailure;
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (entries_.size() >= kMaxEntries) {
    std::erase_if(entries_, [now](const auto& kv) { return now >= kv.second.ask_again; });
  }
  entries_[key] = entry;
  return entry.window;
}

size_t RenewalInfoCache::size() {
  std::lock_guard<std::mutex> lock(mu_);
  return entries_.size();
}

}  // namespace upkeep::reconcilers::certs
