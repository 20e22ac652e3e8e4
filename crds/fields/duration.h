// Durations and byte quantities as upkeep's API spells them. Pure functions; thread-safe.
//
// Durations are Go's time.ParseDuration syntax ("90s", "1h30m", "1.5h", "300ms") plus days
// ("90d" = 2160h), which API.md allows because retention and rotation periods are written in
// days. Quantities are Kubernetes resource.Quantity values of bytes ("50Mi", "1G", "1024").
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include <absl/status/statusor.h>

namespace upkeep::api {

// The regular expression the CRDs use for a duration field (same language as ParseDuration,
// non-negative).
inline constexpr char kDurationPattern[] =
    R"(^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h|d))+$|^0$)";
// The pattern for a byte quantity (no milli, no negative).
inline constexpr char kByteQuantityPattern[] = R"(^[0-9]+(\.[0-9]+)?([eE][0-9]+|[KMGTPE]i?|k)?$)";

// Non-negative durations only: every duration in the API is a length of time. InvalidArgument
// says what is wrong with `text`.
absl::StatusOr<std::chrono::nanoseconds> ParseDuration(std::string_view text);
// The shortest Go-style spelling ("720h", "1h30m", "90s", "0s"); days are written as hours,
// as Go prints them.
std::string FormatDuration(std::chrono::nanoseconds d);

// Whole bytes, rounded up ("1.5Ki" = 1536, "0.1k" = 100).
absl::StatusOr<int64_t> ParseByteQuantity(std::string_view text);

}  // namespace upkeep::api
