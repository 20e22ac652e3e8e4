// Kubernetes timestamps on object JSON: metav1.Time is RFC 3339 in UTC with whole seconds
// ("2026-11-22T05:00:00Z"), metav1.MicroTime the same with six fractional digits
// ("2026-11-22T05:00:00.123456Z"). Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include <absl/status/statusor.h>

#include "controller/clock/clock.h"

namespace upkeep::controller {

// metav1.Time: truncated (towards the past) to whole seconds, always UTC with "Z".
std::string FormatRfc3339(Clock::TimePoint t);
// metav1.MicroTime: truncated to microseconds, always UTC with "Z".
std::string FormatRfc3339Micro(Clock::TimePoint t);

// Parses any RFC 3339 timestamp as the API server may send one: optional fraction of up to
// nine digits, "Z" or a numeric offset ("+02:00"); 'T' and 'Z' in either case. Digits past
// the clock's precision are dropped. InvalidArgument names the text when it is malformed.
absl::StatusOr<Clock::TimePoint> ParseRfc3339(std::string_view text);

}  // namespace upkeep::controller
