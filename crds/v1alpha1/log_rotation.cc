#include "crds/v1alpha1/log_rotation.h"

#include <string_view>

namespace upkeep::api::v1alpha1 {
namespace {

// logrotate accepts only these conversions in dateformat.
bool IsLogrotateDateFormat(std::string_view format) {
  for (size_t i = 0; i < format.size(); ++i) {
    if (format[i] != '%') continue;
    if (i + 1 >= format.size()) return false;
    char c = format[++i];
    if (std::string_view("YmdHMSs").find(c) == std::string_view::npos) return false;
  }
  return true;
}

LogRotationTarget ParseTarget(FieldReader& target) {
  LogRotationTarget t;
  target.ExactlyOneOf({"volume", "local"});
  if (FieldReader volume = target.Object("volume"); volume.present()) {
    t.volume = LogRotationTarget::Volume{volume.String("claimName", Need::kRequired).value_or(""),
                                         volume.StringList("paths", Need::kRequired)};
  }
  if (FieldReader local = target.Object("local"); local.present()) {
    t.local = LogRotationTarget::Local{local.StringList("paths", Need::kRequired)};
    for (size_t i = 0; i < t.local->paths.size(); ++i) {
      if (t.local->paths[i].empty() || t.local->paths[i][0] != '/') {
        local.Invalid("paths[" + std::to_string(i) + "]", t.local->paths[i],
                      "must be an absolute path");
      }
    }
  }
  return t;
}

}  // namespace

LogRotationSpec ParseLogRotationSpec(FieldReader& spec) {
  LogRotationSpec s;
  std::string schedule = spec.String("schedule").value_or("@hourly");
  if (auto parsed = ParseSchedule(schedule); parsed.ok()) {
    s.schedule = *parsed;
  } else {
    spec.Invalid("schedule", schedule, std::string(parsed.status().message()));
  }
  s.time_zone = spec.TimeZone("timeZone").value_or("UTC");
  s.suspend = spec.Bool("suspend").value_or(false);
  FieldReader target = spec.Object("target", Need::kRequired);
  s.target = ParseTarget(target);
  s.size_bytes = spec.ByteQuantity("size");
  s.min_size_bytes = spec.ByteQuantity("minSize").value_or(0);
  s.max_age = spec.Duration("maxAge");
  s.rotate = spec.Integer("rotate").value_or(5);
  if (s.rotate < 0) spec.Invalid("rotate", s.rotate, "must be greater than or equal to 0");
  if (auto c = spec.Enum("compress", {"gzip", "zstd", "none"})) {
    s.compress = *c == "gzip" ? LogCompression::kGzip
                 : *c == "zstd" ? LogCompression::kZstd
                                : LogCompression::kNone;
  }
  s.delay_compress = spec.Bool("delayCompress").value_or(false);
  s.copy_truncate = spec.Bool("copyTruncate").value_or(false);
  s.date_ext = spec.Bool("dateExt").value_or(false);
  s.date_format = spec.String("dateFormat").value_or("-%Y%m%d");
  if (!IsLogrotateDateFormat(s.date_format) || s.date_format.find('/') != std::string::npos) {
    spec.Invalid("dateFormat", s.date_format,
                 "may use only %Y %m %d %H %M %S and %s, and no '/' (as logrotate)");
  }
  s.missing_ok = spec.Bool("missingOk").value_or(false);
  s.not_if_empty = spec.Bool("notIfEmpty").value_or(false);
  FieldReader executor = spec.Object("executor");
  s.executor = ParseExecutorSpec(executor);
  return s;
}

LogRotationStatus ParseLogRotationStatus(FieldReader& status) {
  LogRotationStatus s;
  s.common = ParseCommonStatus(status);
  s.last_run_time = status.Timestamp("lastRunTime");
  s.next_run_time = status.Timestamp("nextRunTime");
  s.files_rotated = status.Integer("filesRotated").value_or(0);
  s.bytes_reclaimed = status.Integer("bytesReclaimed").value_or(0);
  return s;
}

nlohmann::json LogRotationStatusToJson(const LogRotationStatus& status) {
  nlohmann::json out = nlohmann::json::object();
  WriteCommonStatus(status.common, out);
  WriteTimestamp(out, "lastRunTime", status.last_run_time);
  WriteTimestamp(out, "nextRunTime", status.next_run_time);
  out["filesRotated"] = status.files_rotated;
  out["bytesReclaimed"] = status.bytes_reclaimed;
  return out;
}

absl::StatusOr<LogRotation> ParseLogRotation(const nlohmann::json& object) {
  return ParseResource(object, &ParseLogRotationSpec, &ParseLogRotationStatus);
}

}  // namespace upkeep::api::v1alpha1
