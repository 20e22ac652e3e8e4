// ACME Renewal Information (RFC 9773) answers, kept until the CA says to ask again. The CA's
// window moves the renewal time (renewal_policy.h DecideIssuance); asking on every reconcile
// would be one request per certificate per event, so an answer is kept for the server's
// Retry-After (clamped to 1 minute .. 24 hours, 6 hours when absent, as RFC 9773 suggests),
// and "no ARI here" or a failure for an hour (the decision falls back to renewBefore).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#include <absl/status/statusor.h>

#include "acme/resources.h"

namespace upkeep::reconcilers::certs {

using RenewalWindow = std::pair<std::chrono::system_clock::time_point,
                                std::chrono::system_clock::time_point>;

class RenewalInfoCache {
 public:
  using TimePoint = std::chrono::system_clock::time_point;

  // The kept answer for `key` (CA directory + certificate serial) if it is still fresh:
  // nullopt when the CA must be asked; a present optional holding nullopt when the CA has no
  // window to offer (no ARI, or it failed recently).
  std::optional<std::optional<RenewalWindow>> Lookup(const std::string& key, TimePoint now);

  // Keeps the CA's answer (or its error) for `key`; returns the window to use now.
  std::optional<RenewalWindow> Store(const std::string& key,
                                     const absl::StatusOr<acme::RenewalInfo>& answer,
                                     TimePoint now);

  size_t size();

 private:
  struct Entry {
    std::optional<RenewalWindow> window;
    TimePoint ask_again;
  };
  std::mutex mu_;
  std::map<std::string, Entry> entries_;  // guarded by mu_
};

}  // namespace upkeep::reconcilers::certs
