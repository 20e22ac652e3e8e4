#include "controller/events/kube_event_recorder.h"

#include <absl/strings/str_cat.h>

#include <utility>
#include <vector>

#include "controller/client/api_error.h"
#include "controller/client/resource_type.h"

namespace upkeep::controller {
namespace {

// A wait with nothing pending still wakes up now and then; far-future deadlines overflow
// some condition-variable implementations.
constexpr auto kIdleWait = std::chrono::minutes(1);

}  // namespace

KubeEventRecorder::KubeEventRecorder(KubeClient& client, const Clock& clock, std::string identity,
                                     KubeEventRecorderOptions options)
    : client_(client),
      clock_(clock),
      source_{options.reporting_controller, std::move(identity)},
      options_(std::move(options)),
      correlator_(clock, options_.correlator),
      writer_([this] { WriterLoop(); }) {}

KubeEventRecorder::~KubeEventRecorder() { Shutdown(); }

void KubeEventRecorder::Record(const nlohmann::json& regarding_object, EventType type,
                               std::string_view reason, std::string_view action,
                               std::string_view note) {
  EventOccurrence occurrence;
  occurrence.regarding = ReferenceTo(regarding_object);
  occurrence.type = std::string(EventTypeName(type));
  occurrence.reason = std::string(reason);
  occurrence.action = std::string(action);
  occurrence.note = std::string(note);

  std::lock_guard<std::mutex> lock(mu_);
  if (stopping_) {
    dropped_queue_full_++;
    return;
  }
  const CorrelationDecision decision = correlator_.Correlate(occurrence);
  const std::string namespace_ = EventNamespace(occurrence.regarding);
  switch (decision.verdict) {
    case CorrelationVerdict::kDrop:
      dropped_spam_++;
      return;
    case CorrelationVerdict::kCreate:
      if (queue_.size() >= options_.max_queued_events) {
        dropped_queue_full_++;
        return;
      }
      queue_.push_back({namespace_, BuildEvent(occurrence, decision, source_)});
      break;
    case CorrelationVerdict::kUpdateSeries:
      if (pending_.empty()) next_flush_ = clock_.Now() + options_.series_flush_interval;
      pending_[decision.event_name] = {namespace_, SeriesPatch(decision),
                                       BuildEvent(occurrence, decision, source_)};
      break;
  }
  cv_.notify_all();
}

void KubeEventRecorder::Shutdown() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!stopping_) {
      stopping_ = true;
      stop_time_ = clock_.Now();
    }
    cv_.notify_all();
  }
  if (writer_.joinable() && writer_.get_id() != std::this_thread::get_id()) writer_.join();
}

KubeEventRecorder::Stats KubeEventRecorder::GetStats() const {
  Stats stats;
  stats.created = created_.load();
  stats.series_patches = series_patches_.load();
  stats.dropped_spam = dropped_spam_.load();
  stats.dropped_queue_full = dropped_queue_full_.load();
  stats.write_failures = write_failures_.load();
  return stats;
}

void KubeEventRecorder::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    const bool flush_due = !pending_.empty() && (stopping_ || clock_.Now() >= next_flush_);
    if (queue_.empty() && !flush_due) {
      if (stopping_) return;
      const Clock::TimePoint deadline = pending_.empty() ? clock_.Now() + kIdleWait : next_flush_;
      clock_.WaitUntil(lock, cv_, deadline);
      continue;
    }
    // Creates go first: a series patch in the same batch may be about an Event among them.
    std::deque<QueuedCreate> creates;
    creates.swap(queue_);
    std::map<std::string, PendingSeries> series;
    if (flush_due) series.swap(pending_);
    lock.unlock();

    bool in_time = true;
    for (const QueuedCreate& create : creates) {
      if (in_time) in_time = WriteCreate(create);
      if (!in_time) dropped_queue_full_++;
    }
    for (const auto& [name, pending] : series) {
      if (in_time) in_time = WriteSeries(name, pending);
      if (!in_time) dropped_queue_full_++;
    }
    lock.lock();
  }
}

bool KubeEventRecorder::WriteCreate(const QueuedCreate& create) {
  if (PastShutdownGrace()) return false;
  absl::StatusOr<nlohmann::json> created =
      client_.Create(resources::Events(), create.namespace_, create.event);
  if (created.ok()) {
    created_++;
  } else if (!controller::IsAlreadyExists(created.status())) {
    write_failures_++;
    ReportError(absl::StrCat("dropping event ", create.namespace_, "/",
                             create.event["metadata"]["name"].get<std::string>()),
                created.status());
  }
  return true;
}

bool KubeEventRecorder::WriteSeries(const std::string& name, const PendingSeries& series) {
  if (PastShutdownGrace()) return false;
  absl::StatusOr<nlohmann::json> patched =
      client_.Patch(resources::Events(), series.namespace_, name, PatchType::kMerge, series.patch);
  if (patched.ok()) {
    series_patches_++;
    return true;
  }
  if (controller::IsNotFound(patched.status())) {
    // Deleted (or its create was dropped): the series lives on as a new Event.
    return WriteCreate({series.namespace_, series.event});
  }
  write_failures_++;
  ReportError(absl::StrCat("dropping series update of event ", series.namespace_, "/", name),
              patched.status());
  return true;
}

bool KubeEventRecorder::PastShutdownGrace() const {
  std::lock_guard<std::mutex> lock(mu_);
  return stopping_ && clock_.Now() - stop_time_ > options_.shutdown_grace;
}

void KubeEventRecorder::ReportError(const std::string& message, const absl::Status& error) {
  if (options_.on_error) options_.on_error(message, error);
}

}  // namespace upkeep::controller
