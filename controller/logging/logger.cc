#include "controller/logging/logger.h"

#include <chrono>
#include <cstdio>

#include <absl/strings/str_cat.h>

namespace upkeep::controller {
namespace {

// "2026-11-22T05:00:00.123Z": ISO 8601 in UTC with milliseconds, as zap's ISO8601 encoder
// (the timestamp keeps its own tiny formatter so logging depends on nothing else).
std::string FormatTimestamp(Clock::TimePoint t) {
  using std::chrono::floor;
  const auto day = floor<std::chrono::days>(t);
  const std::chrono::year_month_day ymd(day);
  const std::chrono::hh_mm_ss hms(floor<std::chrono::milliseconds>(t - day));
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d-%02u-%02uT%02d:%02d:%02d.%03dZ", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), int(hms.hours().count()),
                int(hms.minutes().count()), int(hms.seconds().count()),
                int(hms.subseconds().count()));
  return buf;
}

bool IsReservedKey(const std::string& key) {
  return key == "level" || key == "ts" || key == "logger" || key == "msg" || key == "error";
}

void AddFields(nlohmann::ordered_json& line, const LogFields& fields) {
  for (const auto& [key, value] : fields) {
    if (!IsReservedKey(key)) line[key] = value;
  }
}

}  // namespace

Logger::Logger() : Logger(LogSink::Default()) {}

Logger::Logger(std::shared_ptr<LogSink> sink) : sink_(std::move(sink)) {}

Logger Logger::WithName(std::string_view name) const {
  Logger out = *this;
  out.name_ = name_.empty() ? std::string(name) : absl::StrCat(name_, ".", std::string(name));
  return out;
}

Logger Logger::WithValues(const LogFields& fields) const {
  Logger out = *this;
  out.values_.insert(out.values_.end(), fields.begin(), fields.end());
  return out;
}

void Logger::Error(std::string_view msg, const absl::Status& error, const LogFields& fields) const {
  Log(LogLevel::kError, msg, &error, fields);
}

void Logger::Error(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kError, msg, nullptr, fields);
}

void Logger::Warn(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kWarn, msg, nullptr, fields);
}

void Logger::Info(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kInfo, msg, nullptr, fields);
}

void Logger::Debug(std::string_view msg, const LogFields& fields) const {
  Log(LogLevel::kDebug, msg, nullptr, fields);
}

void Logger::Log(LogLevel level, std::string_view msg, const absl::Status* error,
                 const LogFields& fields) const {
  if (!sink_->Enabled(level)) return;
  nlohmann::ordered_json line;
  line["level"] = LogLevelName(level);
  line["ts"] = FormatTimestamp(sink_->clock().Now());
  if (!name_.empty()) line["logger"] = name_;
  line["msg"] = msg;
  if (error != nullptr) line["error"] = error->ToString();
  AddFields(line, values_);
  AddFields(line, fields);
  // Invalid UTF-8 (a byte string from a peer) is replaced rather than thrown on.
  sink_->WriteLine(line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace));
}

}  // namespace upkeep::controller
