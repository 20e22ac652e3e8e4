#include "controller/events/event_correlator.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <set>
#include <string>

#include "controller/clock/clock.h"

namespace upkeep::controller {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

EventReference Backup(const std::string& name = "nightly") {
  return {"upkeep.dev/v1alpha1", "PostgresBackup", "db", name, "uid-" + name, "7"};
}

EventOccurrence Failed(const std::string& note, EventReference regarding = Backup()) {
  return {std::move(regarding), "Warning", "BackupFailed", "Backup", note};
}

TEST(EventCorrelatorTest, FirstEventCreatesNamedAfterObjectAndTime) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  CorrelationDecision d = correlator.Correlate(Failed("pg_dump exited with 1"));
  EXPECT_EQ(d.verdict, CorrelationVerdict::kCreate);
  EXPECT_EQ(d.note, "pg_dump exited with 1");
  EXPECT_EQ(d.event_time, clock.Now());
  const auto nanos =
      std::chrono::duration_cast<std::chrono::nanoseconds>(clock.Now().time_since_epoch()).count();
  char hex[32];
  std::snprintf(hex, sizeof(hex), "%llx", static_cast<unsigned long long>(nanos));
  EXPECT_EQ(d.event_name, std::string("nightly.") + hex);
}

TEST(EventCorrelatorTest, IdenticalRepeatWithinSixMinutesUpdatesSeries) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  const CorrelationDecision first = correlator.Correlate(Failed("timeout"));
  clock.Advance(minutes(5));
  const CorrelationDecision second = correlator.Correlate(Failed("timeout"));
  EXPECT_EQ(second.verdict, CorrelationVerdict::kUpdateSeries);
  EXPECT_EQ(second.event_name, first.event_name);
  EXPECT_EQ(second.series_count, 2);
  EXPECT_EQ(second.event_time, first.event_time);
  EXPECT_EQ(second.last_observed_time, clock.Now());
  // The window runs from the last observation, so a steady trickle stays one series.
  clock.Advance(minutes(5));
  const CorrelationDecision third = correlator.Correlate(Failed("timeout"));
  EXPECT_EQ(third.verdict, CorrelationVerdict::kUpdateSeries);
  EXPECT_EQ(third.event_name, first.event_name);
  EXPECT_EQ(third.series_count, 3);
}

TEST(EventCorrelatorTest, RepeatAfterSixMinutesCreatesNewEvent) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  const CorrelationDecision first = correlator.Correlate(Failed("timeout"));
  clock.Advance(minutes(6) + seconds(1));
  const CorrelationDecision later = correlator.Correlate(Failed("timeout"));
  EXPECT_EQ(later.verdict, CorrelationVerdict::kCreate);
  EXPECT_NE(later.event_name, first.event_name);
}

TEST(EventCorrelatorTest, DifferentNoteTypeReasonOrObjectAreSeparateEvents) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  EventOccurrence base = Failed("timeout");
  EventOccurrence other_note = Failed("disk full");
  EventOccurrence other_type = base;
  other_type.type = "Normal";
  EventOccurrence other_reason = base;
  other_reason.reason = "BackupRetried";
  EventOccurrence other_action = base;
  other_action.action = "Upload";
  EventOccurrence other_object = Failed("timeout", Backup("weekly"));
  const struct {
    const char* name;
    EventOccurrence occurrence;
  } rows[] = {{"base", base},           {"note", other_note},     {"type", other_type},
              {"reason", other_reason}, {"action", other_action}, {"object", other_object}};
  std::set<std::string> names;
  for (const auto& row : rows) {
    CorrelationDecision d = correlator.Correlate(row.occurrence);
    EXPECT_EQ(d.verdict, CorrelationVerdict::kCreate) << row.name;
    names.insert(d.event_name);
  }
  EXPECT_EQ(names.size(), std::size(rows));
}

TEST(EventCorrelatorTest, ResourceVersionIsNotPartOfTheIdentity) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  EventOccurrence first = Failed("timeout");
  EventOccurrence after_status_write = first;
  after_status_write.regarding.resource_version = "8";
  correlator.Correlate(first);
  EXPECT_EQ(correlator.Correlate(after_status_write).verdict, CorrelationVerdict::kUpdateSeries);
}

TEST(EventCorrelatorTest, SpamFilterAllowsBurstThenOnePerFiveMinutes) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  // Distinct reasons, so neither series nor aggregation applies.
  auto numbered = [](int i) {
    EventOccurrence o = Failed("n");
    o.reason = "Reason" + std::to_string(i);
    return o;
  };
  int i = 0;
  for (; i < 25; ++i) {
    EXPECT_EQ(correlator.Correlate(numbered(i)).verdict, CorrelationVerdict::kCreate) << i;
  }
  EXPECT_EQ(correlator.Correlate(numbered(i++)).verdict, CorrelationVerdict::kDrop);
  clock.Advance(minutes(4));
  EXPECT_EQ(correlator.Correlate(numbered(i++)).verdict, CorrelationVerdict::kDrop);
  clock.Advance(minutes(1));
  EXPECT_EQ(correlator.Correlate(numbered(i++)).verdict, CorrelationVerdict::kCreate);
  EXPECT_EQ(correlator.Correlate(numbered(i++)).verdict, CorrelationVerdict::kDrop);
  // Another object has its own bucket.
  EXPECT_EQ(correlator.Correlate(Failed("x", Backup("weekly"))).verdict,
            CorrelationVerdict::kCreate);
}

TEST(EventCorrelatorTest, SeriesUpdatesAreNotSpamFiltered) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  correlator.Correlate(Failed("timeout"));
  for (int i = 0; i < 100; ++i) {
    CorrelationDecision d = correlator.Correlate(Failed("timeout"));
    ASSERT_EQ(d.verdict, CorrelationVerdict::kUpdateSeries);
    EXPECT_EQ(d.series_count, i + 2);
  }
}

TEST(EventCorrelatorTest, TenDistinctNotesAreCombinedIntoOneEvent) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  for (int i = 1; i <= 9; ++i) {
    CorrelationDecision d = correlator.Correlate(Failed("attempt " + std::to_string(i)));
    EXPECT_EQ(d.verdict, CorrelationVerdict::kCreate) << i;
    clock.Advance(seconds(10));
  }
  const CorrelationDecision combined = correlator.Correlate(Failed("attempt 10"));
  EXPECT_EQ(combined.verdict, CorrelationVerdict::kCreate);
  EXPECT_EQ(combined.note, "(combined from similar events): attempt 10");
  const CorrelationDecision next = correlator.Correlate(Failed("attempt 11"));
  EXPECT_EQ(next.verdict, CorrelationVerdict::kUpdateSeries);
  EXPECT_EQ(next.event_name, combined.event_name);
  EXPECT_EQ(next.note, combined.note);
  EXPECT_EQ(next.series_count, 2);
  // Quiet for the aggregation interval: back to one Event per note.
  clock.Advance(minutes(11));
  const CorrelationDecision fresh = correlator.Correlate(Failed("attempt 12"));
  EXPECT_EQ(fresh.verdict, CorrelationVerdict::kCreate);
  EXPECT_EQ(fresh.note, "attempt 12");
}

TEST(EventCorrelatorTest, NotesAreTruncatedTo1024BytesAtCharacterBoundary) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  EXPECT_EQ(correlator.Correlate(Failed(std::string(2000, 'a'))).note.size(), 1024u);
  // 1023 ASCII bytes then a two-byte character that would straddle the limit.
  const std::string straddling = std::string(1023, 'b') + "\xC3\xA9" + "tail";
  EXPECT_EQ(correlator.TruncateNote(straddling), std::string(1023, 'b'));
  EXPECT_EQ(correlator.TruncateNote("short"), "short");
}

TEST(EventCorrelatorTest, NamesStayUniqueWhenTheClockStandsStill) {
  FakeClock clock;
  EventCorrelator correlator(clock);
  const std::string a = correlator.Correlate(Failed("a")).event_name;
  const std::string b = correlator.Correlate(Failed("b")).event_name;
  EXPECT_NE(a, b);
}

TEST(EventCorrelatorTest, CacheIsBoundedAndForgetsLeastRecentlyUsed) {
  FakeClock clock;
  EventCorrelatorOptions options;
  options.max_cache_entries = 2;
  EventCorrelator correlator(clock, options);
  correlator.Correlate(Failed("x", Backup("a")));
  correlator.Correlate(Failed("x", Backup("b")));
  correlator.Correlate(Failed("x", Backup("c")));  // forgets "a"
  EXPECT_EQ(correlator.Correlate(Failed("x", Backup("c"))).verdict,
            CorrelationVerdict::kUpdateSeries);
  EXPECT_EQ(correlator.Correlate(Failed("x", Backup("a"))).verdict, CorrelationVerdict::kCreate);
}

}  // namespace
}  // namespace upkeep::controller
