#include "controller/events/event_correlator.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>

namespace upkeep::controller {
namespace {

constexpr char kCombinedPrefix[] = "(combined from similar events): ";

// Fields joined with a byte that no field of a Kubernetes name or reason contains.
std::string JoinKey(std::initializer_list<std::string_view> parts) {
  std::string key;
  for (std::string_view part : parts) {
    key.append(part);
    key.push_back('\0');
  }
  return key;
}

std::string ObjectKey(const EventReference& r) {
  return JoinKey({r.api_version, r.kind, r.namespace_, r.name, r.uid});
}

}  // namespace

EventCorrelator::EventCorrelator(const Clock& clock, EventCorrelatorOptions options)
    : clock_(clock),
      options_(std::move(options)),
      aggregates_(options_.max_cache_entries),
      series_(options_.max_cache_entries),
      spam_(options_.max_cache_entries) {}

std::string EventCorrelator::TruncateNote(std::string note) const {
  if (note.size() <= options_.max_note_bytes) return note;
  size_t end = options_.max_note_bytes;
  // Back up over continuation bytes (10xxxxxx) so a multi-byte character is not cut.
  while (end > 0 && (static_cast<unsigned char>(note[end]) & 0xC0) == 0x80) --end;
  note.resize(end);
  return note;
}

CorrelationDecision EventCorrelator::Correlate(const EventOccurrence& occurrence) {
  const Clock::TimePoint now = clock_.Now();
  const std::string object_key = ObjectKey(occurrence.regarding);
  const std::string group_key =
      JoinKey({object_key, occurrence.type, occurrence.reason, occurrence.action});
  std::string note = TruncateNote(occurrence.note);

  // Aggregation of occurrences that differ only in their note.
  AggregateRecord* group = aggregates_.Find(group_key);
  if (group == nullptr || now - group->last > options_.aggregate_interval) {
    group = &aggregates_.Put(group_key, AggregateRecord{});
  }
  group->last = now;
  if (!group->combining) {
    group->notes.insert(note);
    if (static_cast<int>(group->notes.size()) >= options_.aggregate_max_notes) {
      group->combining = true;
      group->notes.clear();
    }
  }
  std::string series_key;
  if (group->combining) {
    note = TruncateNote(kCombinedPrefix + note);
    series_key = JoinKey({group_key, "combined"});
  } else {
    series_key = JoinKey({group_key, "note", note});
  }

  // An identical repeat within the window joins the series of the existing Event.
  if (SeriesRecord* series = series_.Find(series_key);
      series != nullptr && now - series->last <= options_.series_window) {
    series->count++;
    series->last = now;
    CorrelationDecision decision;
    decision.verdict = CorrelationVerdict::kUpdateSeries;
    decision.event_name = series->event_name;
    decision.note = series->note;
    decision.event_time = series->first;
    decision.series_count = series->count;
    decision.last_observed_time = now;
    return decision;
  }

  CorrelationDecision decision;
  if (!TakeSpamToken(object_key, now)) {
    decision.verdict = CorrelationVerdict::kDrop;
    return decision;
  }
  decision.verdict = CorrelationVerdict::kCreate;
  decision.event_name = NewEventName(occurrence.regarding.name, now);
  decision.note = note;
  decision.event_time = now;
  series_.Put(series_key, SeriesRecord{decision.event_name, note, now, now, 1});
  return decision;
}

bool EventCorrelator::TakeSpamToken(const std::string& object_key, Clock::TimePoint now) {
  SpamBucket* bucket = spam_.Find(object_key);
  if (bucket == nullptr) {
    bucket = &spam_.Put(object_key, SpamBucket{static_cast<double>(options_.spam_burst), now});
  }
  if (now > bucket->last && options_.spam_refill > Clock::Duration::zero()) {
    const double refilled = std::chrono::duration<double>(now - bucket->last) /
                            std::chrono::duration<double>(options_.spam_refill);
    bucket->tokens = std::min<double>(options_.spam_burst, bucket->tokens + refilled);
  }
  bucket->last = std::max(bucket->last, now);
  if (bucket->tokens < 1) return false;
  bucket->tokens -= 1;
  return true;
}

std::string EventCorrelator::NewEventName(const std::string& regarding_name, Clock::TimePoint now) {
  int64_t nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  if (nanos <= last_name_nanos_) nanos = last_name_nanos_ + 1;
  last_name_nanos_ = nanos;
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(nanos));
  return regarding_name + "." + hex;
}

}  // namespace upkeep::controller
