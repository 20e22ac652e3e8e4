#include "reconcilers/schedule/run_times.h"

#include <date/tz.h>

#include <algorithm>
#include <vector>

namespace upkeep::schedule {
namespace {

using std::chrono::days;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using LocalMinutes = date::local_time<minutes>;

// How far a schedule is searched before it is taken to never run.
constexpr int kSearchDays = 5 * 366 + 2;
// Daylight saving shifts are at most 2 hours (Antarctica/Troll); candidates that far before
// `after` in local time may still be after it in real time.
constexpr minutes kMaxShift = hours(3);

bool DayMatches(const api::Schedule& s, date::year_month_day ymd, date::weekday wd) {
  if (!s.months.test(static_cast<unsigned>(ymd.month()))) return false;
  bool dom = s.days_of_month.test(static_cast<unsigned>(ymd.day()));
  bool dow = s.days_of_week.test(wd.c_encoding());
  if (s.day_of_month_restricted && s.day_of_week_restricted) return dom || dow;
  if (s.day_of_month_restricted) return dom;
  if (s.day_of_week_restricted) return dow;
  return true;
}

// The real times a local wall-clock time stands for, by cron's rules (see the header).
void RealTimes(const TimeZone& zone, LocalMinutes local, bool every_hour,
               std::vector<TimePoint>& out) {
  if (zone.zone() == nullptr) {
    out.push_back(TimePoint(local.time_since_epoch()));
    return;
  }
  date::local_info info = zone.zone()->get_info(local);
  switch (info.result) {
    case date::local_info::unique:
      out.push_back(TimePoint(local.time_since_epoch() - info.first.offset));
      break;
    case date::local_info::nonexistent:  // in the gap: at the jump
      out.push_back(TimePoint(info.second.begin.time_since_epoch()));
      break;
    case date::local_info::ambiguous:
      out.push_back(TimePoint(local.time_since_epoch() - info.first.offset));
      if (every_hour) out.push_back(TimePoint(local.time_since_epoch() - info.second.offset));
      break;
  }
}

LocalMinutes LocalOf(const TimeZone& zone, TimePoint t) {
  auto secs = std::chrono::time_point_cast<seconds>(t);
  if (zone.zone() == nullptr) {
    return LocalMinutes(std::chrono::floor<minutes>(secs.time_since_epoch()));
  }
  auto local = zone.zone()->to_local(date::sys_seconds(secs.time_since_epoch()));
  return std::chrono::floor<minutes>(local);
}

std::optional<TimePoint> NextCronRunAfter(const api::Schedule& s, const TimeZone& zone,
                                          TimePoint after) {
  const LocalMinutes local_after = LocalOf(zone, after);
  const bool every_hour = s.hours.all();
  const date::local_days first_day = std::chrono::floor<days>(local_after - kMaxShift);
  std::optional<TimePoint> best;
  int best_day = 0;
  std::vector<TimePoint> real;
  for (int i = 0; i < kSearchDays; ++i) {
    // The day after the one with the first run may still hold an earlier real time (a shift
    // at midnight); later days cannot.
    if (best && i > best_day + 1) break;
    const date::local_days day = first_day + days(i);
    const date::year_month_day ymd(day);
    if (!DayMatches(s, ymd, date::weekday(day))) continue;
    for (int h = 0; h < 24; ++h) {
      if (!s.hours.test(h)) continue;
      for (int m = 0; m < 60; ++m) {
        if (!s.minutes.test(m)) continue;
        const LocalMinutes local = day + hours(h) + minutes(m);
        if (local < local_after - kMaxShift) continue;
        if (best && local > LocalOf(zone, *best) + kMaxShift) break;  // only later ones
        real.clear();
        RealTimes(zone, local, every_hour, real);
        for (TimePoint t : real) {
          if (t > after && (!best || t < *best)) {
            if (!best) best_day = i;
            best = t;
          }
        }
      }
    }
  }
  return best;
}

}  // namespace

absl::StatusOr<TimeZone> TimeZone::Load(std::string_view name) {
  TimeZone zone;
  if (name.empty() || name == "UTC") return zone;
  try {
    zone.zone_ = date::locate_zone(name);
  } catch (const std::exception&) {
    return absl::InvalidArgumentError("unknown time zone \"" + std::string(name) +
                                      "\" (an IANA name such as Europe/Berlin)");
  }
  zone.name_ = std::string(name);
  return zone;
}

std::optional<TimePoint> NextRunAfter(const api::Schedule& schedule, const TimeZone& zone,
                                      TimePoint after) {
  if (schedule.is_interval) {
    return after + std::chrono::duration_cast<TimePoint::duration>(schedule.interval);
  }
  return NextCronRunAfter(schedule, zone, after);
}

DueRuns DueAt(const api::Schedule& schedule, const TimeZone& zone, TimePoint last, TimePoint now,
              std::optional<seconds> starting_deadline) {
  DueRuns due;
  std::optional<TimePoint> latest;
  int64_t due_count = 0;
  if (schedule.is_interval) {
    const auto interval = std::chrono::duration_cast<TimePoint::duration>(schedule.interval);
    if (now >= last + interval) {
      due_count = (now - last) / interval;
      latest = last + due_count * interval;
    }
    due.next = (latest ? *latest : last) + interval;
  } else {
    TimePoint from = last;
    for (;;) {
      std::optional<TimePoint> t = NextRunAfter(schedule, zone, from);
      if (!t || *t > now) {
        due.next = t;
        break;
      }
      latest = from = *t;
      // Far too many to list one by one: count no further and look for the most recent in
      // the last day.
      if (++due_count == kMaxCountedMissed + 1) from = std::max(from, now - days(1));
    }
  }
  if (!latest) return due;
  due.latest = latest;
  due.missed = static_cast<int>(std::min<int64_t>(due_count, kMaxCountedMissed + 1) - 1);
  if (starting_deadline && now - *latest > *starting_deadline) {
    due.missed += 1;  // the most recent is too late to start as well
  } else {
    due.run = latest;
  }
  return due;
}

}  // namespace upkeep::schedule
