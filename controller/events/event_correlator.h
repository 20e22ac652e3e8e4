// EventCorrelator: decides what one more occurrence of an event means for the API server:
// create a new Event, add to the series of an Event already created, or drop it. Pure
// decision logic with an injected Clock and no I/O; the recorder applies the decisions.
//
// Our own take on client-go's tools/events (isomorphic events and EventSeries) and
// tools/record/events_cache.go (EventCorrelator), with the same default numbers:
//  - Aggregation: when occurrences that differ only in their note (same object, type,
//    reason, action) reach 10 distinct notes with no gap of 10 minutes, the group is
//    aggregated until it is quiet for 10 minutes: its occurrences go to one Event noted
//    "(combined from similar events): <note of the first aggregated occurrence>".
//  - Series: an identical repeat (same object, type, reason, action and note) within
//    6 minutes of the last observation does not create an Event; it bumps the series
//    {count, lastObservedTime} of the existing one. Later it starts a new Event.
//  - Spam filter: creating Events about one object spends a token from a bucket per object
//    (burst 25, refilled 1 per 5 minutes); without a token the occurrence is dropped.
//    Unlike client-go, series updates spend no token: they only change a count that the
//    recorder writes in batches, so they cannot flood the server, and the count stays true.
// The object's identity is apiVersion, kind, namespace, name and uid; its resourceVersion is
// left out (it changes with every write of the object, as client-go's tools/record does).
//
// Not thread-safe: the recorder calls it under its own mutex.
#pragma once

#include <cstddef>
#include <cstdint>
#include <set>
#include <string>

#include "controller/clock/clock.h"
#include "controller/events/lru_cache.h"

namespace upkeep::controller {

// The object an event is about (events.k8s.io/v1 Event.regarding).
struct EventReference {
  std::string api_version;
  std::string kind;
  std::string namespace_;  // "" for cluster-scoped objects
  std::string name;
  std::string uid;
  std::string resource_version;
};

// One call of the recorder.
struct EventOccurrence {
  EventReference regarding;
  std::string type;    // "Normal" or "Warning"
  std::string reason;  // "BackupFailed"
  std::string action;  // "Backup"
  std::string note;    // human-readable; truncated to max_note_bytes
};

struct EventCorrelatorOptions {
  Clock::Duration series_window = std::chrono::minutes(6);  // client-go's finishTime
  int aggregate_max_notes = 10;                             // distinct notes before combining
  Clock::Duration aggregate_interval = std::chrono::minutes(10);
  int spam_burst = 25;                                    // Events per object at once
  Clock::Duration spam_refill = std::chrono::minutes(5);  // one more token per this
  size_t max_cache_entries = 4096;                        // per cache, least recently used
  size_t max_note_bytes = 1024;                           // the API server's limit
};

enum class CorrelationVerdict {
  kCreate,        // write a new Event
  kUpdateSeries,  // set series {count, lastObservedTime} of the Event `event_name`
  kDrop,          // the spam filter said no
};

struct CorrelationDecision {
  CorrelationVerdict verdict = CorrelationVerdict::kDrop;
  std::string event_name;               // "<regarding name>.<hex nanoseconds>"
  std::string note;                     // what the Event says (truncated, maybe combined)
  Clock::TimePoint event_time;          // first occurrence: the Event's eventTime
  int32_t series_count = 0;             // kUpdateSeries: occurrences so far, >= 2
  Clock::TimePoint last_observed_time;  // kUpdateSeries
};

class EventCorrelator {
 public:
  explicit EventCorrelator(const Clock& clock, EventCorrelatorOptions options = {});
  EventCorrelator(const EventCorrelator&) = delete;
  EventCorrelator& operator=(const EventCorrelator&) = delete;

  // Decides for one occurrence at the clock's now and remembers it.
  CorrelationDecision Correlate(const EventOccurrence& occurrence);

  // The occurrence's note as written: at most max_note_bytes, cut at a UTF-8 boundary.
  std::string TruncateNote(std::string note) const;

 private:
  struct AggregateRecord {
    std::set<std::string> notes;  // distinct notes seen, up to aggregate_max_notes
    Clock::TimePoint last;
    bool combining = false;
  };
  struct SeriesRecord {
    std::string event_name;
    std::string note;
    Clock::TimePoint first;
    Clock::TimePoint last;
    int32_t count = 1;
  };
  struct SpamBucket {
    double tokens = 0;
    Clock::TimePoint last;
  };

  bool TakeSpamToken(const std::string& object_key, Clock::TimePoint now);
  std::string NewEventName(const std::string& regarding_name, Clock::TimePoint now);

  // Constant after construction.
  const Clock& clock_;
  const EventCorrelatorOptions options_;

  LruCache<std::string, AggregateRecord> aggregates_;
  LruCache<std::string, SeriesRecord> series_;
  LruCache<std::string, SpamBucket> spam_;
  int64_t last_name_nanos_ = 0;  // keeps names unique when the clock stands still
};

}  // namespace upkeep::controller
