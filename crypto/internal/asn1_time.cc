#include "crypto/internal/asn1_time.h"

#include <ctime>

#include "crypto/internal/openssl_error.h"

namespace upkeep::crypto::internal {

absl::StatusOr<std::chrono::system_clock::time_point> FromAsn1Time(const ASN1_TIME* time) {
  std::tm tm{};
  if (time == nullptr || ASN1_TIME_to_tm(time, &tm) != 1) {
    return OpenSslInvalidArgument("malformed certificate time");
  }
  // Civil-date arithmetic instead of timegm(): no dependence on the process's TZ or on time_t
  // range.
  const std::chrono::sys_days day = std::chrono::year(tm.tm_year + 1900) /
                                    std::chrono::month(static_cast<unsigned>(tm.tm_mon + 1)) /
                                    std::chrono::day(static_cast<unsigned>(tm.tm_mday));
  return std::chrono::system_clock::time_point(day) + std::chrono::hours(tm.tm_hour) +
         std::chrono::minutes(tm.tm_min) + std::chrono::seconds(tm.tm_sec);
}

absl::Status SetAsn1Time(ASN1_TIME* target, std::chrono::system_clock::time_point t) {
  const auto seconds = std::chrono::floor<std::chrono::seconds>(t).time_since_epoch().count();
  if (ASN1_TIME_set(target, static_cast<time_t>(seconds)) == nullptr) {
    return OpenSslInvalidArgument("certificate time out of range");
  }
  return absl::OkStatus();
}

}  // namespace upkeep::crypto::internal
