#include "reconcilers/certs/serving_schedule.h"

namespace upkeep::reconcilers::certs {
namespace {
constexpr size_t kMaxEntries = 100000;
}  // namespace

bool ServingSchedule::Due(const std::string& uid, int64_t generation, const std::string& serial,
                          TimePoint now) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(uid);
  return it == entries_.end() || it->second.generation != generation ||
         it->second.serial != serial || now >= it->second.next_due;
}

void ServingSchedule::Record(const std::string& uid, int64_t generation,
                             const std::string& serial, bool serves_current, TimePoint now) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::chrono::system_clock::duration wait =
      serves_current ? std::chrono::system_clock::duration(kServingReverify)
                     : std::chrono::system_clock::duration(kServingRecheck);
  // Every entry is re-made at the next probe, so forgetting all is only one extra probe each.
  if (entries_.size() >= kMaxEntries && !entries_.contains(uid)) entries_.clear();
  entries_[uid] = Entry{generation, serial, now + wait};
}

std::optional<ServingSchedule::TimePoint> ServingSchedule::NextDue(const std::string& uid) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = entries_.find(uid);
  if (it == entries_.end()) return std::nullopt;
  return it->second.next_due;
}


}  // namespace upkeep::reconcilers::certs
