// KubeEventRecorder: the EventRecorder that writes events.k8s.io/v1 Events through a
// KubeClient, with client-go's aggregation of repeats (event_correlator.h).
//
// Record() only correlates in memory and hands the write to a background thread through a
// bounded queue: it never waits for the API server. When the queue is full the event is
// dropped and counted. A repeat that joins a series updates a pending count; pending series
// are written as one merge patch each per `series_flush_interval`, so a storm of repeats
// makes few writes. A failed write is reported to `on_error` and dropped (an Event whose
// series patch finds it gone is created again with its series).
//
// Events are named "<regarding name>.<hex nanoseconds>" as client-go names them and live in
// the regarding object's namespace ("default" for cluster-scoped objects). Thread-safe.
#pragma once

#include <absl/status/status.h>

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "controller/client/kube_client.h"
#include "controller/clock/clock.h"
#include "controller/events/event_correlator.h"
#include "controller/events/event_object.h"
#include "controller/events/event_recorder.h"

namespace upkeep::controller {

struct KubeEventRecorderOptions {
  std::string reporting_controller = "upkeep.dev/upkeep";
  size_t max_queued_events = 1000;  // creates waiting to be written; more are dropped
  // How often pending series counts are written (at most one patch per Event per interval).
  Clock::Duration series_flush_interval = std::chrono::seconds(5);
  // How long Shutdown() keeps writing what is queued before dropping the rest.
  Clock::Duration shutdown_grace = std::chrono::seconds(5);
  EventCorrelatorOptions correlator;  // client-go's defaults
  // Lines for logs: called with a message and the error; may be empty.
  std::function<void(const std::string& message, const absl::Status& error)> on_error;
};

class KubeEventRecorder final : public EventRecorder {
 public:
  // `identity` is the reportingInstance, e.g. the pod name. `client` and `clock` must
  // outlive the recorder. Starts the writer thread.
  KubeEventRecorder(KubeClient& client, const Clock& clock, std::string identity,
                    KubeEventRecorderOptions options = {});
  // Shutdown().
  ~KubeEventRecorder() override;
  KubeEventRecorder(const KubeEventRecorder&) = delete;
  KubeEventRecorder& operator=(const KubeEventRecorder&) = delete;

  void Record(const nlohmann::json& regarding_object, EventType type, std::string_view reason,
              std::string_view action, std::string_view note) override;

  // Writes what is queued and pending (for at most shutdown_grace) and stops the writer
  // thread; later events are dropped. Idempotent.
  void Shutdown();

  struct Stats {
    uint64_t created = 0;             // Events created
    uint64_t series_patches = 0;      // series writes
    uint64_t dropped_spam = 0;        // refused by the spam filter
    uint64_t dropped_queue_full = 0;  // queue full, after Shutdown, or past its grace
    uint64_t write_failures = 0;      // writes the server refused or never answered
  };
  Stats GetStats() const;

 private:
  struct PendingSeries {
    std::string namespace_;
    nlohmann::json patch;  // {"series": ...}
    nlohmann::json event;  // the whole Event with its series, if it must be created again
  };
  struct QueuedCreate {
    std::string namespace_;
    nlohmann::json event;
  };

  void WriterLoop();
  // Writes; returns false when the shutdown grace has run out (the rest is dropped).
  bool WriteCreate(const QueuedCreate& create);
  bool WriteSeries(const std::string& name, const PendingSeries& series);
  bool PastShutdownGrace() const;
  void ReportError(const std::string& message, const absl::Status& error);

  // Constant after construction.
  KubeClient& client_;
  const Clock& clock_;
  const EventSource source_;
  const KubeEventRecorderOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  EventCorrelator correlator_;                    // guarded by mu_
  std::deque<QueuedCreate> queue_;                // guarded by mu_
  std::map<std::string, PendingSeries> pending_;  // guarded by mu_; by Event name
  Clock::TimePoint next_flush_;                   // guarded by mu_; when pending_ is not empty
  bool stopping_ = false;                         // guarded by mu_
  Clock::TimePoint stop_time_;                    // guarded by mu_

  std::atomic<uint64_t> created_{0};
  std::atomic<uint64_t> series_patches_{0};
  std::atomic<uint64_t> dropped_spam_{0};
  std::atomic<uint64_t> dropped_queue_full_{0};
  std::atomic<uint64_t> write_failures_{0};

  std::thread writer_;  // last: starts after everything above is constructed
};

}  // namespace upkeep::controller
