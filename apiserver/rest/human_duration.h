// HumanDuration: "5m", "3h12m", "2d4h", as `kubectl get` shows an AGE, matching
// k8s.io/apimachinery/pkg/util/duration.HumanDuration. Pure; thread-safe.
#pragma once

#include <chrono>
#include <string>

namespace upkeep::apiserver {

std::string HumanDuration(std::chrono::seconds d);

// RFC 3339 in UTC with second precision ("2026-11-22T01:55:34Z"), as metav1.Time encodes.
std::string FormatRfc3339(std::chrono::system_clock::time_point t);
// Parses the form above (fractions and numeric offsets accepted); false when malformed.
bool ParseRfc3339(const std::string& text, std::chrono::system_clock::time_point* t);

}  // namespace upkeep::apiserver
