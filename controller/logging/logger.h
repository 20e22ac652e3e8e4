// Logger: structured JSON-lines logs in the shape of controller-runtime's zap production
// logger, one object per line:
//   {"level":"info","ts":"2026-11-22T05:00:00.123Z","logger":"controller.backuppolicy",
//    "msg":"Reconciling","controller":"backuppolicy","namespace":"ns","name":"a",
//    "reconcileID":"..."}
// A Logger is a cheap value (a name, key/value fields and a shared LogSink); WithName and
// WithValues return derived Loggers, so a controller hands each reconcile a Logger that
// already carries controller, namespace, name and reconcileID.
//
// Never pass secret values (keys, passwords, tokens, certificates' private parts) as
// messages or fields; where the presence of a value matters, log Redacted() instead.
//
// Thread-safe: a Logger may be copied and used from any thread; lines never interleave.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <absl/status/status.h>
#include <nlohmann/json.hpp>

#include "controller/logging/log_level.h"
#include "controller/logging/log_sink.h"

namespace upkeep::controller {

// Key/value pairs in the order they are written: {{"namespace", "ns"}, {"attempt", 3}}.
using LogFields = std::vector<std::pair<std::string, nlohmann::json>>;

inline constexpr char kRedacted[] = "<redacted>";
// What to log in place of a secret value.
inline nlohmann::json Redacted() { return kRedacted; }

class Logger {
 public:
  // Writes to LogSink::Default() (stderr, info).
  Logger();
  explicit Logger(std::shared_ptr<LogSink> sink);

  // Appends `name` to the logger name, dot-separated ("controller" -> "controller.backup").
  Logger WithName(std::string_view name) const;
  // Adds fields to every line of the returned Logger. A later field with the same key
  // replaces the earlier one.
  Logger WithValues(const LogFields& fields) const;

  bool Enabled(LogLevel level) const { return sink_->Enabled(level); }

  // `error` is written as the "error" field (absl::Status::ToString()).
  void Error(std::string_view msg, const absl::Status& error, const LogFields& fields = {}) const;
  void Error(std::string_view msg, const LogFields& fields = {}) const;
  void Warn(std::string_view msg, const LogFields& fields = {}) const;
  void Info(std::string_view msg, const LogFields& fields = {}) const;
  void Debug(std::string_view msg, const LogFields& fields = {}) const;

  const std::string& name() const { return name_; }
  const std::shared_ptr<LogSink>& sink() const { return sink_; }

 private:
  // Fields named level, ts, logger, msg or error never replace those keys.
  void Log(LogLevel level, std::string_view msg, const absl::Status* error,
           const LogFields& fields) const;

  std::shared_ptr<LogSink> sink_;
  std::string name_;
  LogFields values_;
};

}  // namespace upkeep::controller
